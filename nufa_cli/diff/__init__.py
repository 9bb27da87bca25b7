"""nufa diff: what changed between two revisions, in the secretariat's words."""

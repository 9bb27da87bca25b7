"""Git, read without side effects: one runner, revisions and commit times, snapshots."""

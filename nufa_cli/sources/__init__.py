"""Read the source files safely, with positions: YAML, Markdown front matter, schemas."""

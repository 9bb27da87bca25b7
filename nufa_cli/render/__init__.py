"""Model -> pandoc Markdown (and ICS): the Jinja2 environment, filters, one module per document."""

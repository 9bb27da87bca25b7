"""pandoc Markdown -> DOCX (pandoc) and PDF/UA (typst); the packet's PDF pages."""

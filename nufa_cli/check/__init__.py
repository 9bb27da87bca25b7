"""Cross-file rules: small functions yielding Diagnostics; check() collects them all."""

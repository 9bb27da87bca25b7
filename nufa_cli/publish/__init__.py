"""The published documents as a static, accessible web site."""

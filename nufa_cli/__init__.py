"""nufa: meeting documents for committee secretariats, from plain text."""

__version__ = "0.1.0"

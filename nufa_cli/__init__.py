"""nufa: meeting documents for committee secretariats, from plain text."""

__version__ = "0.1.0"
# Where nufa's source is published (also pyproject's [project.urls]): `nufa init` points a
# secretariat's pre-commit hook there, at the tag of this version.
REPOSITORY = "https://github.com/nufa-dev/nufa"

"""The kinds of output a build writes, each selectable with `nufa build --only`. Cheap to import."""

DOCUMENT_KINDS = ("innkalling", "saksliste", "toppnotat", "referat")
CALENDAR = "kalender"  # the meeting's .ics
ALL_KINDS = (*DOCUMENT_KINDS, CALENDAR)

"""The kinds of output a build writes, each selectable with `nufa build --only`. Cheap to import."""

DOCUMENT_KINDS = ("innkalling", "saksliste", "toppnotat", "referat")
CALENDAR = "kalender"  # the meeting's .ics
PACKET = "sakspapirer"  # the meeting packet, sakspapirer.pdf (packet.py)
ALL_KINDS = (*DOCUMENT_KINDS, CALENDAR, PACKET)

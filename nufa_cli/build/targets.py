"""The kinds of output a build writes, each selectable with `nufa build --only`. Cheap to import."""

from nufa_cli.core.errors import NufaError

DOCUMENT_KINDS = ("innkalling", "saksliste", "toppnotat", "referat")
CALENDAR = "kalender"  # the meeting's .ics
PACKET = "sakspapirer"  # the meeting packet, sakspapirer.pdf (packet.py)
ALL_KINDS = (*DOCUMENT_KINDS, CALENDAR, PACKET)


class UnknownKind(NufaError):
    exit_code = 2


def check_kinds(only: set[str] | None) -> None:
    unknown = set(only or ()) - set(ALL_KINDS)
    if unknown:
        raise UnknownKind(f"unknown kind(s) {', '.join(sorted(unknown))}; "
                          f"choose from {', '.join(ALL_KINDS)}")

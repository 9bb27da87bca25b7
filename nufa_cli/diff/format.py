"""A diff result as Markdown for a pull-request comment, or as JSON for machines.

Texts that a reviewer reads word by word (forslag til vedtak, vedtak, beskrivelse) are shown
as a word diff: ~~removed~~ **added**, with long unchanged runs shortened to "…".
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable

from nufa_cli.diff.compare import Change, DiffResult

NO_CHANGES = "No changes to the meeting sources between {base} and {head}."
CONTEXT = 6  # unchanged words kept on each side of a change in a word diff
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def to_json(result: DiffResult) -> str:
    return json.dumps([c.as_dict() for c in result.changes], ensure_ascii=False, indent=2)


def to_markdown(result: DiffResult) -> str:
    lines: list[str] = []
    if result.changes:
        lines.append(f"Changes in the meeting sources from {result.base} to {result.head}:")
    else:
        lines.append(NO_CHANGES.format(base=result.base, head=result.head))
    if result.notes:
        lines.append("")
        lines += [f"> **Note:** {note}" if i == 0 else f"> {note}"
                  for i, note in enumerate(result.notes)]
    groups: dict[str | None, list[Change]] = {}
    for change in result.changes:
        groups.setdefault(change.meeting, []).append(change)
    for meeting, changes in groups.items():
        heading = result.headings.get(meeting, meeting) if meeting else \
            "Utvalget (nufa.yaml, medlemmer.yaml)"
        lines += ["", f"## {heading}", ""]
        lines += bullets(changes)
    return "\n".join(lines) + "\n"


def escape(text: str) -> str:
    """Plain text shown inside Markdown: no accidental emphasis, links or headings."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def word_diff(before: str | None, after: str | None) -> str:
    """'NUFA ~~drøftet~~ **diskuterte** saken': words removed struck out, added in bold."""
    old, new = (before or "").split(), (after or "").split()
    out: list[str] = []
    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    for n, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            out += _shortened([escape(w) for w in old[i1:i2]], first=n == 0,
                              last=n == len(opcodes) - 1)
            continue
        if i2 > i1:
            out.append(f"~~{escape(' '.join(old[i1:i2]))}~~")
        if j2 > j1:
            out.append(f"**{escape(' '.join(new[j1:j2]))}**")
    return " ".join(out)


def _shortened(words: list[str], *, first: bool, last: bool) -> list[str]:
    keep_head = 0 if first else CONTEXT
    keep_tail = 0 if last else CONTEXT
    if len(words) <= keep_head + keep_tail + 1:
        return words
    return [*words[:keep_head], "…", *words[len(words) - keep_tail :]]


def _counted(before: str | None, after: str | None) -> str:
    added = removed = 0
    old, new = (before or "").split(), (after or "").split()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new,
                                                        autojunk=False).get_opcodes():
        if tag != "equal":
            removed += i2 - i1
            added += j2 - j1
    return f"+{added} −{removed} words"


def _q(value: str | None, empty: str = "–") -> str:
    return escape(value) if value else empty


def _arrow(label: str, empty: str = "–") -> Callable[[Change], str]:
    return lambda c: f"{label} {_q(c.before, empty)} → {_q(c.after, empty)}"


def _text_change(label: str) -> Callable[[Change], str]:
    def shown(c: Change) -> str:
        if c.before is None:
            return f"{label} added: {_q(c.after)}"
        if c.after is None:
            return f"{label} removed (was: {_q(c.before)})"
        return f"{label}: {word_diff(c.before, c.after)}"

    return shown


def _named(change: Change) -> str:
    return f"**{escape(change.title)}**" if change.title else ""


# What happened to a sak; the subject "Sak 13/24 *Tittel*" is written once per sak.
SAK_CHANGES: dict[str, Callable[[Change], str]] = {
    "sak-added": lambda c: f"added ({_q(c.after)})",
    "sak-removed": lambda c: f"removed (was {_q(c.before)})",
    "moved": _arrow("moved:"),
    "renumbered": lambda c: f"renumbered: {c.before} → {c.after}",
    "retimed": _arrow("tid", "uten tid"),
    "varighet": _arrow("varighet", "ingen"),
    "retitled": lambda c: f"retitled: *{_q(c.before)}* → *{_q(c.after)}*",
    "retyped": _arrow("type"),
    "beskrivelse": _text_change("beskrivelse"),
    "forslag-til-vedtak": _text_change("forslag til vedtak"),
    "vedtak": _text_change("vedtak"),
    "inhabil": _arrow("inhabil", "ingen"),
    "votering": _arrow("votering", "ingen"),
    "sakseier": _arrow("sakseier"),
    "saksbehandler": _arrow("saksbehandler"),
    "skjermet": _arrow("skjermet", "offentlig"),
    "toppnotat": _arrow("toppnotat", "ingen"),
    "toppnotat-text": lambda c: f"toppnotat text changed ({_counted(c.before, c.after)})",
    "tidligere-behandlinger": _arrow("tidligere behandlinger", "ingen"),
    "innslag": _arrow("innslag", "ingen"),
    "vedlegg-added": lambda c: f"vedlegg added: {_q(c.after)}",
    "vedlegg-removed": lambda c: f"vedlegg removed: {_q(c.before)}",
    "vedlegg-retitled": _arrow("vedlegg retitled:"),
    "referat-text": lambda c: "referat text " + (
        "added" if c.before is None else "removed" if c.after is None
        else f"changed ({_counted(c.before, c.after)})"),
}

# Everything else is one sentence of its own.
SENTENCES: dict[str, Callable[[Change], str]] = {
    # nufa.yaml and medlemmer.yaml (meeting None), or a meeting's member list
    "committee": lambda c: f"nufa.yaml `{c.title}`: {_q(c.before)} → {_q(c.after)}",
    "member-joined": lambda c: (f"Member joined: {_q(c.after)}" if c.meeting is None
                                else f"Member joined the meeting's medlemmer: {_q(c.after)}"),
    "member-left": lambda c: (f"Member left: {_q(c.before)}" if c.meeting is None
                              else f"Member left the meeting's medlemmer: {_q(c.before)}"),
    "member-changed": lambda c: f"Member changed: {_q(c.before)} → {_q(c.after)}",
    # the meeting
    "meeting-added": lambda c: f"Meeting added: {_q(c.after)}",
    "meeting-removed": lambda c: f"Meeting removed: {_q(c.before)}",
    "meeting-moved": lambda c: f"Meeting moved: {_q(c.before)} → {_q(c.after)}",
    "meeting-renumbered": lambda c: f"Meeting renumbered: Møte {c.before} → Møte {c.after}",
    "sted": lambda c: f"Sted: {_q(c.before)} → {_q(c.after)}",
    "status": lambda c: f"Status: {_q(c.before)} → {_q(c.after)}",
    "day": lambda c: f"{escape(c.title or '').capitalize()}: {_q(c.before)} → {_q(c.after)}",
    "day-added": lambda c: f"{escape(c.title or '').capitalize()} added: {_q(c.after)}",
    "day-removed": lambda c: f"{escape(c.title or '').capitalize()} removed: {_q(c.before)}",
    "row-added": lambda c: f"Programme row {_named(c)} added ({_q(c.after)})",
    "row-removed": lambda c: f"Programme row {_named(c)} removed (was {_q(c.before)})",
    "row-varighet": lambda c: (f"Programme row {_named(c)}: varighet "
                               f"{_q(c.before, 'ingen')} → {_q(c.after, 'ingen')}"),
    "row-retimed": lambda c: (f"Programme row {_named(c)}: tid "
                              f"{_q(c.before, 'uten tid')} → {_q(c.after, 'uten tid')}"),
    # the referat
    "referat-added": lambda c: f"Referat added (status {c.after})",
    "referat-removed": lambda c: f"Referat removed (was status {c.before})",
    "referat-status": lambda c: f"Referat status: {c.before} → {c.after}",
    "attendance": lambda c: f"Attendance of {_named(c)}: {_q(c.before)} → {_q(c.after)}",
    "stedfortreder-added": lambda c: f"Stedfortreder added: {_q(c.after)}",
    "stedfortreder-removed": lambda c: f"Stedfortreder removed: {_q(c.before)}",
    "stedfortreder-changed": lambda c: f"Stedfortreder: {_q(c.before)} → {_q(c.after)}",
    "sekretariat": lambda c: f"Sekretariat: {_q(c.before, 'ingen')} → {_q(c.after, 'ingen')}",
    "møteleder": lambda c: f"Møteleder: {_q(c.before, 'ingen')} → {_q(c.after, 'ingen')}",
}


def _subject(change: Change) -> str:
    title = f" *{escape(change.title)}*" if change.title else ""
    return f"Sak {change.sak}{title}"


def bullets(changes: list[Change]) -> list[str]:
    """One bullet per change; several changes of one sak under one bullet naming the sak."""
    lines: list[str] = []
    i = 0
    while i < len(changes):
        change = changes[i]
        if change.sak is None or change.kind not in SAK_CHANGES:
            lines.append(f"- {sentence(change)}")
            i += 1
            continue
        same = [change]
        while (i + len(same) < len(changes)
               and _groups(change, changes[i + len(same)])):
            same.append(changes[i + len(same)])
        if len(same) == 1:
            lines.append(f"- {_subject(change)}: {SAK_CHANGES[change.kind](change)}")
        else:
            lines.append(f"- {_subject(change)}:")
            lines += [f"  - {SAK_CHANGES[c.kind](c)}" for c in same]
        i += len(same)
    return lines


def _groups(first: Change, other: Change) -> bool:
    alone = ("sak-added", "sak-removed")  # another sak with the same number and title
    return (other.kind in SAK_CHANGES and _subject(other) == _subject(first)
            and first.kind not in alone and other.kind not in alone)


def sentence(change: Change) -> str:
    if change.kind in SAK_CHANGES:
        return f"{_subject(change)}: {SAK_CHANGES[change.kind](change)}"
    shown = SENTENCES.get(change.kind)
    if shown is None:  # a kind added to diff.py without words here still shows plainly
        return f"{change.kind}: {_q(change.before)} → {_q(change.after)}"
    return shown(change)

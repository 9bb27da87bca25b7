"""Rules of offentlighet: what `skjermet:` and `offentlig_tittel:` must say.

`skjermet:` withholds a sak, toppnotat or vedlegg from the public and names the legal basis,
which the documents print ("Unntatt offentlighet, offl. § 14"). The exceptions to the right
of access are offentleglova §§ 13–26 (§ 3: everything else is open); § 13, the duty of
confidentiality, is cited with the provision that imposes the duty ("offl. § 13 jf. fvl.
§ 13"). `offentlig_tittel:` is the title the public view prints for what is withheld, so it
means nothing where nothing is.

The values are read from the YAML as written (Source.doc), so an empty key is found too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from nufa_cli.core.errors import Diagnostic, Severity
from nufa_cli.model.objects import Meeting, Repository, Sak, Source
from nufa_cli.sources.reader import Path_

EXCEPTIONS = range(13, 27)  # offentleglova §§ 13–26
CONFIDENTIALITY = 13  # offl. § 13: cited with the provision imposing the duty ("jf.")
_OFFL = re.compile(r"\b(?:offl|offentleglova|offentlegloven|offentlighetsloven)\b\.?\s*§§?\s*"
                   r"(\d+(?:\s*(?:,|og|-|–)\s*\d+)*)", re.IGNORECASE)
_JF = re.compile(r"\bjfr?\b\.?.*§", re.IGNORECASE | re.DOTALL)


def paragraphs(basis: str) -> list[tuple[int, int]]:
    """The paragraphs of offentleglova a basis cites, each with where its citation ends:
    "offl. §§ 14 og 15" -> [(14, 15), (15, 15)]."""
    found = []
    for match in _OFFL.finditer(basis):
        found += [(int(n), match.end()) for n in re.findall(r"\d+", match[1])]
    return found


def _places(meeting: Meeting, sak: Sak, key: str) -> list[tuple[Source, Path_, bool]]:
    """Where a sak's `key` may be written: its agenda row, its toppnotat, each of its
    vedlegg; with whether the place is withheld (its own skjermet, or its sak's)."""
    places = [(meeting.source, (*sak.at, key), bool(sak.skjermet))]
    if sak.toppnotat:
        places.append((sak.toppnotat.source, (key,), bool(sak.skjermet)))
    places += [(source, (*at, key), bool(vedlegg.skjermet or sak.skjermet))
               for vedlegg, source, at in sak.declared_vedlegg]
    return places


def _written(source: Source, at: Path_) -> tuple[bool, object]:
    """Is the key at `at` written in the source, and its value as written."""
    if source.doc is None or at not in source.doc.keys:
        return False, None
    data: Any = source.doc.data  # Located.data: plain YAML data
    for step in at:
        data = data[step]  # at is a path the YAML holds
    return True, data


def skjerming(repo: Repository) -> Iterator[Diagnostic]:
    """`skjermet:` names the legal basis: a provision, of offentleglova §§ 13–26, and for
    § 13 the provision imposing the duty of confidentiality."""
    for meeting in repo.meetings:
        for sak in meeting.saker:
            for source, at, _ in _places(meeting, sak, "skjermet"):
                written, value = _written(source, at)
                if written:
                    yield from _basis(source, at, value)


def _basis(source: Source, at: Path_, value: object) -> Iterator[Diagnostic]:
    text = "" if value is None else str(value)
    cited = paragraphs(text)
    if not text.strip():
        yield source.diagnostic(at, "skjermet-empty",
                  "'skjermet' has no legal basis, so nothing is withheld",
                  "write the provision, e.g. 'skjermet: offl. § 14', or remove the key")
    elif "§" not in text:
        yield source.diagnostic(at, "skjermet-basis",
                  f"skjermet '{value}' names no provision: the documents print it as "
                  "the legal basis", "write it as e.g. 'offl. § 14' or "
                  "'offl. § 13 jf. fvl. § 13'", Severity.WARNING)
    elif not any(n in EXCEPTIONS for n, _ in cited):
        yield source.diagnostic(at, "skjermet-paragraph",
                  f"skjermet '{value}' names no paragraph of offentleglova: its exceptions "
                  "are offl. §§ 13–26", "write the paragraph, e.g. 'offl. § 14' or "
                  "'offl. § 13 jf. fvl. § 13'; closing a meeting (kommuneloven § 11-5) "
                  "withholds no document", Severity.WARNING)
    elif any(n == CONFIDENTIALITY and not _JF.search(text, end) for n, end in cited):
        yield source.diagnostic(at, "skjermet-jf",
                  f"skjermet '{value}' cites offl. § 13 without the provision that imposes "
                  "the duty of confidentiality", "add it after 'jf.', e.g. 'offl. § 13 jf. "
                  "fvl. § 13 første ledd nr. 1'", Severity.WARNING)


def offentlig_tittel(repo: Repository) -> Iterator[Diagnostic]:
    """`offentlig_tittel:` only where something is withheld: elsewhere the public documents
    print the title itself, and the public title would silently mean nothing."""
    for meeting in repo.meetings:
        for sak in meeting.saker:
            for source, at, withheld in _places(meeting, sak, "offentlig_tittel"):
                if withheld or not _written(source, at)[0]:
                    continue
                owner = "vedlegg" if "vedlegg" in at else f"sak {sak.nr}"
                yield source.diagnostic(at, "offentlig-tittel-open",
                          f"'offentlig_tittel' is given, but the {owner} is not skjermet: the "
                          "public documents print its title itself",
                          "add 'skjermet: offl. § …' beside it to withhold it, or remove "
                          "'offentlig_tittel'", key=True)

"""What `nufa build` leaves in build/, without converting: the site's tests need files of
known names and the manifest that says what they are, not real DOCX and PDF."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from nufa_cli.build.orchestrator import outputs_of
from nufa_cli.build.writer import Plan
from nufa_cli.model.objects import Repository


def fake_build(repo: Repository, build: Path, files: Mapping[str, Iterable[str]], *,
               formats: Iterable[str] = ("pdf", "docx", "ics"),
               contents: bytes | None = None) -> Path:
    """build/<meeting>/<stem>.<format> of the members' set for each stem of files (meeting
    folder -> stems), in each of the formats the document has, with the manifest entries the
    build writes for them: what each is, made from today's sources. A file holds contents,
    or its own name a hundred times. Returns build."""
    plan = Plan(build.resolve())
    wanted = {(folder, stem) for folder, stems in files.items() for stem in stems}
    found = set()
    for output in outputs_of(repo):
        folder, _, name = output.name.partition("/")
        stem, _, ext = name.rpartition(".")
        if (folder, stem) in wanted and ext in formats:  # offentlig/... has a "/" in its name
            plan.add(output)
            plan.put({output: contents or f"{stem}.{ext}\n".encode() * 100})
            found.add((folder, stem))
    assert found == wanted, f"a build makes no {sorted(wanted - found)}"
    plan.commit()
    return build

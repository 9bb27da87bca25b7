"""Rules over the committee's own templates (nufa.yaml's maler:): a file pandoc cannot read
stops every document of its format, so check opens it first."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

from nufa_cli.core.errors import Diagnostic
from nufa_cli.core.root import CONFIG, SYMLINK, template_dirs
from nufa_cli.core.suggest import did_you_mean
from nufa_cli.model.objects import Repository

REFERENCE_DOCX_PARTS = ("word/document.xml", "word/styles.xml")  # what pandoc reads of it
MAX_PART = 20 << 20  # bytes of one XML part, unpacked: Word's own are a few hundred kB


def reference_docx(repo: Repository) -> Iterator[Diagnostic]:
    maler = repo.committee.maler
    if maler is None or not (maler / "reference.docx").exists():
        return
    path = maler / "reference.docx"
    rel = path.relative_to(repo.root).as_posix() if path.is_relative_to(repo.root) else str(path)
    try:
        with zipfile.ZipFile(path) as docx:
            missing = [part for part in REFERENCE_DOCX_PARTS if part not in docx.namelist()]
            why = f"it has no {', '.join(missing)}" if missing else _unreadable_part(docx)
    except (OSError, zipfile.BadZipFile, ValueError, EOFError) as error:
        why = f"it is not a DOCX file ({error})"
    if why:
        yield Diagnostic(rel, 0, 0, "maler-file", f"the committee's reference.docx cannot be "
                         f"used: {why}", "save it again from Word as .docx, or remove it to use "
                         "the built-in one (docs/own-look.md)")


def _unreadable_part(docx: zipfile.ZipFile) -> str:
    """Why pandoc would refuse one of the DOCX's XML parts (it stops at the first that is
    not well-formed: "Invalid XML in word/styles.xml"), or ""."""
    from xml.etree import ElementTree

    for info in docx.infolist():
        if not info.filename.endswith((".xml", ".rels")):
            continue
        if info.file_size > MAX_PART:
            return f"its {info.filename} is {info.file_size >> 20} MB, more than a style sheet holds"
        try:
            ElementTree.fromstring(docx.read(info))
        except ElementTree.ParseError as error:
            return f"its {info.filename} is not valid XML ({error})"
    return ""


def font_known(repo: Repository) -> Iterator[Diagnostic]:
    """nufa.yaml's font: a family of the font files in the templates' fonts/ folders (typst
    reads no system font, and every document would stop without it)."""
    font = repo.committee.font
    config = next((s for s in repo.settings if s.rel == CONFIG), None)
    if font is None or config is None:
        return
    import typst

    folders = [str(d / "fonts") for d in template_dirs(repo.committee.maler)
               if (d / "fonts").is_dir()]
    book = typst.Fonts(include_system_fonts=False, font_paths=folders)
    families = sorted({f.family for f in book.fonts() if f.path is not None})
    if font.casefold() not in {family.casefold() for family in families}:
        hint = did_you_mean(font, families, f"the fonts there are: {', '.join(families) or 'none'}"
                            "; put the font's files in maler/fonts/ (docs/own-look.md)")
        yield config.diagnostic(("font",), "font-unknown",
                                f"font '{font}' is not among the font files of the templates",
                                hint)


def maler_links(repo: Repository) -> Iterator[Diagnostic]:
    """The one rule for symbolic links (root.symlinked) holds in the committee's templates
    too: the build reads every file there (reference.docx, nufa.typ, fonts, lang/)."""
    maler = repo.committee.maler
    if maler is None:
        return
    for folder, folders, files in os.walk(maler):  # does not follow symbolic links
        for name in sorted(folders + files):
            path = Path(folder) / name
            if path.is_symlink():
                rel = path.relative_to(repo.root).as_posix()
                yield Diagnostic(rel, 0, 0, "source-symlink", f"{rel} is {SYMLINK}",
                                 "put the file or folder itself in the repository (copy it, "
                                 "or move it in)")

"""Images in user Markdown: which files may be embedded. Shared by check and convert.

An image must be a file of a known type inside the document's folder (the meeting folder):
never an address, an absolute path or a path that climbs out, so no document embeds what
the secretariat did not put in the meeting folder. Its path is read from the folder of the
file it is written in (a toppnotat's toppnotater/, as an editor's preview reads it), or
else from the meeting folder: check and build find it by the same rule, resolve_image().
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from nufa_cli.core.root import SYMLINK, below, symlinked
from nufa_cli.sources import cache as source_cache

IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
}
_URL_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")  # also catches Windows drives (C:)


def image_base(root: Path, source: Path) -> str:
    """The folder of a source file, relative to root ("toppnotater"), where its images are
    looked for first; "" when it lies in root itself (or outside it)."""
    resolved = source_cache.current().resolved
    parts = below(resolved(source.parent), resolved(root))
    return "/".join(parts) if parts else ""


class LinkedImage(ValueError):
    """An image behind a symbolic link: not read, wherever it points (root.symlinked, the
    one rule for every source)."""


def resolve_image(root: Path, src: str, base: str = "") -> Path:
    """The file an image path names, if it is a plain relative path inside root: from the
    folder base inside root (the source's own, image_base()) if it is there, else from root."""
    shown = src if len(src) <= 80 else src[:77] + "..."
    if not src:
        raise ValueError("an image has an empty path")
    if _URL_SCHEME.match(src) or src.startswith(("/", "\\")) or "\\" in src:
        raise ValueError(f"image {shown!r}: use a relative path inside the document folder")
    if ".." in PurePosixPath(src).parts:
        raise ValueError(f"image {shown!r}: the path may not leave the document folder")
    if PurePosixPath(src).suffix.lower() not in IMAGE_TYPES:
        kinds = ", ".join(sorted(IMAGE_TYPES))
        raise ValueError(f"image {shown!r}: unsupported type (use {kinds})")
    real_root = root.resolve()
    for folder in [base, ""] if base else [""]:
        link = symlinked(real_root / folder / src, real_root)
        if link is not None:
            raise LinkedImage(f"image {shown!r}: {link.relative_to(real_root).as_posix()} is "
                              f"{SYMLINK}")
        path = (real_root / folder / src).resolve()
        if not path.is_relative_to(real_root):
            raise ValueError(f"image {shown!r}: leads outside the document folder")
        if path.is_file():
            return path
    if base:
        raise ValueError(f"image {shown!r}: no such file in {root.name}/{base}/, beside the "
                         f"document, nor in the folder {root.name}/")
    raise ValueError(f"image {shown!r}: no such file in the folder {root.name}/")

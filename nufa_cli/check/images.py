"""Images in user Markdown: which files may be embedded. Shared by check and convert.

An image must be a file of a known type inside the document's folder: never an address,
an absolute path or a path that climbs out, so no document embeds what the secretariat
did not put in the meeting folder.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
}
_URL_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")  # also catches Windows drives (C:)


def resolve_image(root: Path, src: str) -> Path:
    """The file an image path names, if it is a plain relative path inside root."""
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
    path = (real_root / src).resolve()
    if not path.is_relative_to(real_root):
        raise ValueError(f"image {shown!r}: leads outside the document folder")
    if not path.is_file():
        raise ValueError(f"image {shown!r}: no such file in the folder {root.name}/")
    return path

"""Deterministic zip files (DOCX is a zip): sorted entries, fixed times, fixed attributes."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping


def write_zip(parts: Mapping[str, bytes], date_time: tuple[int, int, int, int, int, int],
              compresslevel: int) -> bytes:
    """The same parts give the same bytes, whatever the clock, umask or insertion order."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in sorted(parts):
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            target.writestr(info, parts[name], compresslevel=compresslevel)
    return out.getvalue()

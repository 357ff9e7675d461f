"""Zips whose bytes depend only on their content: fixed member times, so equal input gives equal files."""

from __future__ import annotations

import io
import re
import zipfile

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def deterministic_zip(members: list[tuple[str, bytes]], compress: bool = True) -> bytes:
    """A zip of (name, bytes) in the given order with fixed timestamps, so equal input gives equal bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return buffer.getvalue()


def rezip_deterministic(data: bytes, when: str) -> bytes:
    """Rewrite an office file (docx, xlsx) with fixed member timestamps and core dates set to `when`.

    when: an ISO date-time such as 2025-03-01T10:00:00Z (taken from the project, not the clock).
    """
    stamp = when.encode("ascii")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = []
        for info in zf.infolist():
            blob = zf.read(info.filename)
            if info.filename == "docProps/core.xml":
                blob = _CORE_DATES.sub(lambda m: m.group(1) + stamp + m.group(3), blob)
            members.append((info.filename, blob))
    return deterministic_zip(members)

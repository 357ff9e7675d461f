"""What REFI-QDA export and import share: namespaces, stable GUIDs, deterministic zips, limits."""

from __future__ import annotations

import io
import re
import uuid
import zipfile

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
GUID_RE = re.compile(r"^(\{)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?(1)\})$")
WORKBENCH_NS = uuid.UUID("6f1c3c2e-58a5-4d0e-9b7c-3a1c2f0e9d41")
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

MAX_ARCHIVE_BYTES = 2_000_000_000  # total uncompressed size of a qdpx
MAX_ARCHIVE_MEMBERS = 20_000


def project_namespace(project_key: str) -> uuid.UUID:
    """The uuid5 namespace of one project, from a stable key (its name)."""
    return uuid.uuid5(WORKBENCH_NS, f"project:{project_key}")


def guid(namespace: uuid.UUID, kind: str, object_id) -> str:
    """A stable GUID for one object of a project: uuid5(project namespace, 'kind:id')."""
    return str(uuid.uuid5(namespace, f"{kind}:{object_id}"))


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


_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


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


def project_time(db) -> str:
    """The project's last change as a UTC timestamp (Z form), for reproducible file metadata."""
    row = next(db.query("SELECT max(t) AS t FROM (SELECT max(created_at) AS t FROM codings "
                        "UNION ALL SELECT max(ingested_at) FROM documents)"))
    value = (row["t"] or "2000-01-01T00:00:00+00:00")[:19]
    return value + "Z"


def write_file(path, data: bytes) -> None:
    """Write bytes to path via a temporary file in the same folder, so a failure leaves no half file."""
    import os
    import tempfile
    from pathlib import Path

    from workbench.errors import ExportError

    path = Path(path)
    try:
        handle, tmp = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".", prefix=f".{path.name}.")
        with os.fdopen(handle, "wb") as f:
            f.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except FileNotFoundError as exc:
        raise ExportError(f"cannot write {path}: the folder does not exist", hint="create the folder first") from exc
    except OSError as exc:
        raise ExportError(f"cannot write {path} ({exc.strerror or exc})", hint="check the path and permissions") from exc


def slug(text: str, fallback: str = "code") -> str:
    """A snake_case id from a label ("Skills: ageing" -> "skills_ageing")."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    if not out or not out[0].isalpha():
        out = f"{fallback}_{out}" if out else fallback
    return out[:60].rstrip("_")

"""What REFI-QDA export and import share: namespaces, stable GUIDs, limits."""

from __future__ import annotations

import re
import uuid

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
GUID_RE = re.compile(r"^(\{)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?(1)\})$")
WORKBENCH_NS = uuid.UUID("6f1c3c2e-58a5-4d0e-9b7c-3a1c2f0e9d41")

MAX_ARCHIVE_BYTES = 2_000_000_000  # total uncompressed size of a qdpx
MAX_ARCHIVE_MEMBERS = 20_000


def project_namespace(project_key: str) -> uuid.UUID:
    """The uuid5 namespace of one project, from a stable key (its name)."""
    return uuid.uuid5(WORKBENCH_NS, f"project:{project_key}")


def guid(namespace: uuid.UUID, kind: str, object_id) -> str:
    """A stable GUID for one object of a project: uuid5(project namespace, 'kind:id')."""
    return str(uuid.uuid5(namespace, f"{kind}:{object_id}"))


def slug(text: str, fallback: str = "code") -> str:
    """A snake_case id from a label ("Skills: ageing" -> "skills_ageing")."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    if not out or not out[0].isalpha():
        out = f"{fallback}_{out}" if out else fallback
    return out[:60].rstrip("_")

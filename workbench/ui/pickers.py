"""Code pickers for the pages (no streamlit): each code's path in the tree and a search over codes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def code_paths(codes: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """{code id: "Parent › Child"} for every code, in tree order (what a searchable picker shows)."""
    from workbench.coding.queries import code_paths as label_paths

    return label_paths(None, " › ", codes)


def matching_codes(codes: Sequence[Mapping[str, Any]], query: str) -> list[str]:
    """Ids of codes whose id, label, path or description contain every word of `query` (all when empty)."""
    words = query.lower().split()
    paths = code_paths(codes)
    out = []
    for c in codes:
        hay = " ".join(str(v or "") for v in (c["id"], c.get("label"), paths[c["id"]], c.get("description"))).lower()
        if all(w in hay for w in words):
            out.append(c["id"])
    return out

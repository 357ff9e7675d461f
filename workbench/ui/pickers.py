"""Code pickers for the pages (no streamlit): each code's path in the tree."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def code_paths(codes: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """{code id: "Parent › Child"} for every code, in tree order (what a searchable picker shows)."""
    from workbench.coding.queries import code_paths as label_paths

    return label_paths(None, " › ", codes)

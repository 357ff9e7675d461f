"""Which codings a query, an export or a briefing takes: one value object instead of repeated keyword lists."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any


@dataclass(frozen=True)
class ExcerptFilter:
    """Codings of a code (with its sub-codes unless with_subcodes is False), by a coder, in documents of a type
    and with these attribute values, in a speaker's turns. None means no restriction."""

    code: str | None = None
    with_subcodes: bool = True
    coder: str | None = None
    doc_type: str | None = None
    attributes: dict[str, str] | None = None
    speaker: str | None = None

    @classmethod
    def of(cls, filters: ExcerptFilter | None = None, **criteria: Any) -> ExcerptFilter:
        """A filter from another one and/or keyword criteria (criteria win)."""
        base = filters or cls()
        unknown = set(criteria) - {f.name for f in fields(cls)}
        if unknown:
            raise TypeError(f"unknown filter criteria: {', '.join(sorted(unknown))}")
        return replace(base, **criteria) if criteria else base

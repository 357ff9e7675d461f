"""Query helpers shared by the store modules: WHERE clauses for filtered reads, one-row lookups."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from workbench.store.attributes import attribute_conditions


@dataclass(frozen=True)
class Private:
    """Codings of these codes are private to their coder: `viewer` sees only their own (blind coding of a code
    set)."""

    viewer: str
    codes: tuple[str, ...]


class Where:
    """Conditions joined with AND, with their parameters in order."""

    def __init__(self, condition: str | None = None, *params: Any):
        self.conditions: list[str] = [condition] if condition else []
        self.params: list = list(params)

    def add(self, condition: str, *params: Any) -> Where:
        """Add one condition and its parameters."""
        self.conditions.append(condition)
        self.params += params
        return self

    def equal(self, column: str, value: Any) -> Where:
        """Add `column = value`, unless value is None or '' (no restriction)."""
        if value is not None and value != "":
            self.add(f"{column} = ?", value)
        return self

    def among(self, column: str, values: Iterable | None) -> Where:
        """Add `column IN (values)`, unless values is None (an empty list keeps nothing)."""
        if values is not None:
            values = list(values)
            self.add(f"{column} IN ({','.join('?' * len(values))})", *values)
        return self

    def private(self, private: Private | None, coder_column: str = "g.coder", code_column: str = "g.code_id") -> Where:
        """Drop other coders' codings of the private codes: NOT (coder != viewer AND code IN codes); no
        restriction when private is None."""
        if private is not None and private.codes:
            marks = ",".join("?" * len(private.codes))
            self.add(f"NOT ({coder_column} != ? AND {code_column} IN ({marks}))", private.viewer, *private.codes)
        return self

    def documents(self, doc_type: str | None, attributes: dict[str, str] | None, alias: str = "d") -> Where:
        """Keep documents (table alias `alias`) of a type and having every attribute NAME = VALUE."""
        self.equal(f"{alias}.type", doc_type)
        conditions, values = attribute_conditions(attributes, f"{alias}.id")
        self.conditions += conditions
        self.params += values
        return self

    def clause(self) -> str:
        """'WHERE a AND b', or '' without conditions."""
        return "WHERE " + " AND ".join(self.conditions) if self.conditions else ""


def one_row(db, sql: str, params: list, missing: Exception) -> dict:
    """The first row a query returns; raises `missing` when it returns none."""
    rows = list(db.query(sql, params))
    if not rows:
        raise missing
    return rows[0]

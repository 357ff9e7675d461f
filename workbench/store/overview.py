"""Counts across tables: what a project holds, for summaries, counters and export reports."""

from __future__ import annotations

from typing import Any


def summary_counts(db) -> dict[str, Any]:
    """Documents by type, words, segments, distinct values per attribute and documents with warnings."""
    q = db.query
    by_type = {r["type"]: r["n"] for r in q("SELECT type, count(*) AS n FROM documents GROUP BY type ORDER BY type")}
    totals = next(q("SELECT count(*) AS documents, coalesce(sum(word_count), 0) AS words FROM documents"))
    segments = next(q("SELECT count(*) AS n FROM segments"))["n"]
    attrs = {r["name"]: r["n"] for r in q("SELECT name, count(DISTINCT value) AS n FROM attributes GROUP BY name ORDER BY name")}
    with_warnings = next(q("SELECT count(*) AS n FROM documents WHERE warnings != '[]'"))["n"]
    return {**totals, "segments": segments, "documents_by_type": by_type, "attributes": attrs,
            "documents_with_warnings": with_warnings}


def project_counts(db) -> dict[str, int]:
    """How many sources, codes and codings the project holds."""
    return next(db.query("SELECT (SELECT count(*) FROM documents) AS sources, "
                         "(SELECT count(*) FROM codes) AS codes, (SELECT count(*) FROM codings) AS codings"))

"""Full-text search over segments (FTS5) with keyword-in-context results."""

from __future__ import annotations

import sqlite3

from workbench.errors import SearchQueryError
from workbench.store.sql import Where

_OPEN, _CLOSE = "\x02", "\x03"


def search_segments(
    db,
    query: str,
    limit: int = 50,
    doc_type: str | None = None,
    speaker: str | None = None,
    document_id: int | None = None,
    attributes: dict[str, str] | None = None,
    order: str = "document",
) -> list[dict]:
    """Segments matching an FTS5 query, each with left/match/right context.

    order: "document" (ingest order, then position: fast on any corpus, as the first hits stream out of
    the index) or "relevance" (BM25, best first: every match is scored, so it slows with common words).
    """
    if not query.strip():
        raise SearchQueryError("the search query is empty")
    if order not in SEARCH_ORDERS:
        raise SearchQueryError(f"unknown order {order!r}", hint="order by: " + ", ".join(SEARCH_ORDERS))
    where = Where("segments_fts MATCH ?", query).documents(doc_type, attributes)
    where.equal("s.speaker", speaker).equal("s.document_id", document_id)
    sql = f"""
        SELECT s.id AS segment_id, s.document_id, d.title, d.type, s.speaker, s.page,
               s.time_start, s.start, s."end", s.text AS segment_text,
               snippet(segments_fts, 0, '{_OPEN}', '{_CLOSE}', '…', 24) AS snippet,
               bm25(segments_fts) AS score
        FROM segments_fts
        JOIN segments s ON s.id = segments_fts.rowid
        JOIN documents d ON d.id = s.document_id
        {where.clause()}
        ORDER BY {"score" if order == "relevance" else "segments_fts.rowid"} LIMIT ?"""
    try:
        rows = list(db.query(sql, where.params + [limit]))
    except sqlite3.OperationalError as exc:
        raise SearchQueryError(f"cannot search for {query!r}: {exc}") from exc
    for row in rows:
        row.update(kwic(row.pop("snippet")))
        row.update(match_span(row.pop("segment_text"), row))
    return rows


SEARCH_ORDERS = ("document", "relevance")


def match_span(text: str, hit: dict) -> dict[str, int]:
    """Document offsets of a hit's first match (`match_start`, `match_end`), found from its context; the whole
    segment when the words cannot be placed."""
    before = hit["left"].lstrip("…")
    at = text.find(before + hit["match"]) if hit["match"] else -1
    if at >= 0:
        at += len(before)
    elif hit["match"]:
        at = text.find(hit["match"])
    if at < 0:
        return {"match_start": hit["start"], "match_end": hit["end"]}
    return {"match_start": hit["start"] + at, "match_end": hit["start"] + at + len(hit["match"])}


def kwic(snippet: str) -> dict[str, str]:
    """Split an FTS5 snippet into the text before, at and after the first match."""
    left, _, rest = snippet.partition(_OPEN)
    match, _, right = rest.partition(_CLOSE)
    strip = str.maketrans("", "", _OPEN + _CLOSE)
    return {"left": left.translate(strip), "match": match, "right": right.translate(strip)}

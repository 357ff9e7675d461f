"""Suggested codings awaiting review: saved by rules and semantic search, applied only when a coder accepts them."""

from __future__ import annotations

import datetime as dt

from workbench.errors import CodingError, InvalidValueError, NotFoundError
from workbench.store.database import writing

STATUSES = ("pending", "accepted", "rejected")
COLUMNS = ("document_id", "segment_id", "start", "end", "code_id", "method", "source", "score", "reason")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def save_suggestions(db, rows) -> int:
    """Insert suggestions (dicts with COLUMNS), ignoring ones already stored; returns how many are new."""
    now = _now()
    values = [tuple(row.get(c, "" if c == "reason" else None) for c in COLUMNS) + (now,) for row in rows]
    if not values:
        return 0
    columns = ", ".join(f'"{c}"' for c in COLUMNS) + ", created_at"
    with writing(db):
        before = db.conn.total_changes
        marks = ", ".join("?" * (len(COLUMNS) + 1))
        db.conn.executemany(f"INSERT OR IGNORE INTO suggestions ({columns}) VALUES ({marks})", values)
        return db.conn.total_changes - before


def list_suggestions(db, status: str | None = "pending", code_id: str | None = None, min_score: float | None = None,
                     document_id: int | None = None, method: str | None = None, limit: int | None = None) -> list[dict]:
    """Suggestions, best first, with document title, code label, the suggested text and the reason."""
    where, params = [], []
    if status is not None:
        if status not in STATUSES:
            raise InvalidValueError(f"unknown suggestion status {status!r}", hint="statuses: " + ", ".join(STATUSES))
        where.append("x.status = ?")
        params.append(status)
    for column, value in (("x.code_id", code_id), ("x.document_id", document_id), ("x.method", method)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if min_score is not None:
        where.append("x.score >= ?")
        params.append(float(min_score))
    sql = f"""SELECT x.id, x.document_id, d.title, x.segment_id, x.start, x."end", x.code_id, c.label AS code_label,
                     x.method, x.source, x.score, x.reason, x.status, x.created_at, x.decided_by, x.decided_at,
                     x.coding_id, coalesce(s.text, substr(d.text, x.start + 1, x."end" - x.start)) AS snippet
              FROM suggestions x JOIN documents d ON d.id = x.document_id JOIN codes c ON c.id = x.code_id
              LEFT JOIN segments s ON s.id = x.segment_id
              {'WHERE ' + ' AND '.join(where) if where else ''}
              ORDER BY x.score DESC, x.document_id, x.start, x.code_id, x.id
              {'LIMIT ' + str(int(limit)) if limit is not None else ''}"""
    return list(db.query(sql, params))


def _rows(db, ids) -> list[dict]:
    ids = list(dict.fromkeys(int(i) for i in ids))
    found: dict[int, dict] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        found.update((r["id"], r) for r in db.query(
            f"SELECT * FROM suggestions WHERE id IN ({','.join('?' * len(chunk))})", chunk))
    missing = [i for i in ids if i not in found]
    if missing:
        shown = ", ".join(map(str, missing[:10])) + (" ..." if len(missing) > 10 else "")
        raise NotFoundError(f"no suggestion {shown}", hint="list suggestions with `workbench suggestions`")
    return [found[i] for i in ids]


def accept(db, ids, coder: str) -> list[int]:
    """Turn suggestions into codings by `coder` (source = the suggestion's rule or method); all or nothing.

    Read inside the write transaction, so a suggestion another coder accepted a moment ago is skipped,
    not coded twice.
    """
    from workbench.store.codings import code_spans

    with writing(db):
        rows = [r for r in _rows(db, ids) if r["status"] != "accepted"]
        coding_ids = code_spans(db, [(r["document_id"], r["start"], r["end"], r["code_id"], None, r["source"], None)
                                     for r in rows], coder)
        decided = _now()
        db.conn.executemany("UPDATE suggestions SET status = 'accepted', decided_by = ?, decided_at = ?, coding_id = ? "
                            "WHERE id = ?", [(coder, decided, c, r["id"]) for r, c in zip(rows, coding_ids)])
    return coding_ids


def reject(db, ids, coder: str) -> int:
    """Mark suggestions rejected by `coder`; an accepted one must be uncoded first. Returns how many changed."""
    from workbench.store.codings import check_coder

    rows = _rows(db, ids)
    check_coder(db, coder)
    accepted = [r for r in rows if r["status"] == "accepted" and r["coding_id"] is not None]
    if accepted:
        raise CodingError(f"suggestion {accepted[0]['id']} was accepted as coding {accepted[0]['coding_id']}",
                          hint=f"uncode it first with `workbench uncode {accepted[0]['coding_id']}`")
    with writing(db):
        for row in rows:
            db.execute("UPDATE suggestions SET status = 'rejected', decided_by = ?, decided_at = ? WHERE id = ?",
                       [coder, _now(), row["id"]])
    return len(rows)


def accept_where(db, coder: str, code_id: str | None = None, min_score: float | None = None,
                 method: str | None = None, document_id: int | None = None) -> list[int]:
    """Accept every pending suggestion that passes the filters; returns the coding ids."""
    ids = [r["id"] for r in list_suggestions(db, "pending", code_id, min_score, document_id, method)]
    return accept(db, ids, coder) if ids else []


def decided_pairs(db, methods: tuple[str, ...], code_ids: list[str] | None = None) -> dict[int, set[str]]:
    """segment id -> codes already coded there (any coder) or already suggested by one of `methods`."""
    out: dict[int, set[str]] = {}
    code_filter, params = "", []
    if code_ids is not None:
        code_filter = f" AND g.code_id IN ({','.join('?' * len(code_ids))})"
        params = list(code_ids)
    coded = db.execute(
        f"""SELECT s.id, g.code_id FROM codings g JOIN segments s
            ON s.document_id = g.document_id AND g.start < s."end" AND g."end" > s.start WHERE 1 {code_filter}""",
        params)
    suggested = db.execute(
        f"""SELECT g.segment_id, g.code_id FROM suggestions g
            WHERE g.segment_id IS NOT NULL AND g.method IN ({','.join('?' * len(methods))}) {code_filter}""",
        [*methods, *params])
    for segment_id, code in [*coded, *suggested]:
        out.setdefault(segment_id, set()).add(code)
    return out

"""Suggested codings awaiting review: saved by rules, classifiers and topics; decided by a coder."""

from __future__ import annotations

import datetime as dt
import json
from contextlib import contextmanager

from workbench.store.changes import is_recording, record_changes
from workbench.store.database import id_chunks, writing

COLUMNS = ("document_id", "segment_id", "start", "end", "code_id", "method", "source", "score", "reason")
_RUN = "_workbench_suggestion_run"  # attribute of the db: the run that suggestions saved now belong to


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def insert_run(db, method: str, settings: dict, model: str | None, model_sha256: str | None, codebook_sha256: str,
               run_by: str | None, version: str | None) -> int:
    """Record the start of a suggestion run; returns its id."""
    with writing(db):
        return db.conn.execute(
            "INSERT INTO suggestion_runs (started_at, method, settings, model, model_sha256, codebook_sha256, run_by, "
            "workbench_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [_now(), method, json.dumps(settings, sort_keys=True, default=str), model, model_sha256 or None,
             codebook_sha256, run_by, version]).lastrowid


def finish_run(db, run_id: int, settings: dict | None = None, model: str | None = None,
               thresholds: dict[tuple[str, str], float] | None = None) -> None:
    """Record that a run ended, with what it learnt while running (per-code methods, the pipeline it used), and
    give its suggestions that have none the threshold of their code and method ({(code id, method): value})."""
    with writing(db):
        db.execute("UPDATE suggestion_runs SET finished_at = ?, settings = coalesce(?, settings), "
                   "model = coalesce(?, model) WHERE id = ?",
                   [_now(), json.dumps(settings, sort_keys=True, default=str) if settings is not None else None,
                    model, int(run_id)])
        db.conn.executemany("UPDATE suggestions SET threshold = ? WHERE run_id = ? AND code_id = ? AND method = ? "
                            "AND threshold IS NULL",
                            [(value, int(run_id), code_id, method) for (code_id, method), value
                             in (thresholds or {}).items()])


def get_run(db, run_id: int) -> dict | None:
    """One suggestion run (settings parsed), or None."""
    row = next(db.query("SELECT * FROM suggestion_runs WHERE id = ?", [int(run_id)]), None)
    return {**row, "settings": json.loads(row["settings"])} if row else None


@contextmanager
def stamping(db, run_id: int):
    """Suggestions saved inside belong to this run (save_suggestions writes its id on them)."""
    previous = getattr(db, _RUN, None)
    setattr(db, _RUN, run_id)
    try:
        yield run_id
    finally:
        setattr(db, _RUN, previous)


def save_suggestions(db, rows) -> int:
    """Insert suggestions (dicts with COLUMNS, optionally "threshold"), ignoring ones already stored; returns how
    many are new. Inside `stamping(db, run_id)` each names that run."""
    now, run_id = _now(), getattr(db, _RUN, None)
    values = [tuple(row.get(c, "" if c == "reason" else None) for c in COLUMNS) + (row.get("threshold"), run_id, now)
              for row in rows]
    if not values:
        return 0
    columns = ", ".join(f'"{c}"' for c in COLUMNS) + ", threshold, run_id, created_at"
    with writing(db):
        before = db.conn.total_changes
        marks = ", ".join("?" * (len(COLUMNS) + 3))
        db.conn.executemany(f"INSERT OR IGNORE INTO suggestions ({columns}) VALUES ({marks})", values)
        return db.conn.total_changes - before


def suggestion_rows(db, status: str | None = "pending", code_id: str | None = None, min_score: float | None = None,
                    document_id: int | None = None, method: str | None = None, limit: int | None = None) -> list[dict]:
    """Suggestions, best first, with document title, code label, the suggested text and the reason."""
    where, params = [], []
    for column, value in (("x.status", status), ("x.code_id", code_id), ("x.document_id", document_id),
                          ("x.method", method)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if min_score is not None:
        where.append("x.score >= ?")
        params.append(float(min_score))
    sql = f"""SELECT x.id, x.document_id, d.title, x.segment_id, x.start, x."end", x.code_id, c.label AS code_label,
                     x.method, x.source, x.score, x.reason, x.status, x.created_at, x.decided_by, x.decided_at,
                     x.coding_id, x.run_id, x.threshold,
                     coalesce(s.text, substr(d.text, x.start + 1, x."end" - x.start)) AS snippet
              FROM suggestions x JOIN documents d ON d.id = x.document_id JOIN codes c ON c.id = x.code_id
              LEFT JOIN segments s ON s.id = x.segment_id
              {'WHERE ' + ' AND '.join(where) if where else ''}
              ORDER BY x.score DESC, x.document_id, x.start, x.code_id, x.id
              {'LIMIT ' + str(int(limit)) if limit is not None else ''}"""
    return list(db.query(sql, params))


def suggestion_audit(db, status: str | None = None, code_id: str | None = None,
                     accepted_codings: bool = False) -> list[dict]:
    """Every suggestion (of a status, a code; only those accepted as a coding that still exists) with its run:
    method, score, threshold, decision and who ran it with which settings, model and codebook; oldest first."""
    where, params = ["1"], []
    for column, value in (("x.status", status), ("x.code_id", code_id)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if accepted_codings:
        where.append("x.status = 'accepted' AND g.id IS NOT NULL")
    return list(db.query(
        f"""SELECT x.id AS suggestion_id, x.document_id, d.title AS document, x.start, x."end", x.code_id,
                   c.label AS code_label, x.method, x.source, x.score, x.threshold, x.reason, x.status, x.created_at,
                   x.decided_by, x.decided_at, g.id AS coding_id, x.run_id, r.started_at AS run_started_at,
                   r.method AS run_method, r.settings, r.model, r.model_sha256, r.codebook_sha256, r.run_by,
                   r.workbench_version
            FROM suggestions x JOIN documents d ON d.id = x.document_id JOIN codes c ON c.id = x.code_id
            LEFT JOIN codings g ON g.id = x.coding_id LEFT JOIN suggestion_runs r ON r.id = x.run_id
            WHERE {' AND '.join(where)} ORDER BY x.id""", params))


def suggestions_by_id(db, ids: list[int]) -> dict[int, dict]:
    """{id: suggestion row} of the ids that exist."""
    found: dict[int, dict] = {}
    for chunk, marks in id_chunks(list(ids)):
        found.update((r["id"], r) for r in db.query(f"SELECT * FROM suggestions WHERE id IN ({marks})", chunk))
    return found


def mark_accepted(db, coder: str, accepted: list[tuple[int, int]]) -> None:
    """Record (suggestion id, coding id) pairs as accepted by `coder`, in one transaction."""
    decided = _now()
    with writing(db):
        before = list(suggestions_by_id(db, [i for i, _ in accepted]).values())
        db.conn.executemany("UPDATE suggestions SET status = 'accepted', decided_by = ?, decided_at = ?, coding_id = ? "
                            "WHERE id = ?", [(coder, decided, coding_id, i) for i, coding_id in accepted])
        _log_decisions(db, "suggestion.accept", before, coder)


def mark_rejected(db, coder: str, ids: list[int]) -> None:
    """Record suggestions as rejected by `coder`, in one transaction."""
    with writing(db):
        before = list(suggestions_by_id(db, ids).values())
        for suggestion_id in ids:
            db.execute("UPDATE suggestions SET status = 'rejected', decided_by = ?, decided_at = ? WHERE id = ?",
                       [coder, _now(), suggestion_id])
        _log_decisions(db, "suggestion.reject", before, coder)


def _log_decisions(db, kind: str, before: list[dict], coder: str) -> None:
    """One change per decided suggestion: its row before and after (read back in one pass)."""
    if not is_recording(db):
        return
    after = suggestions_by_id(db, [r["id"] for r in before])
    record_changes(db, [(kind, "suggestions", str(r["id"]), {"suggestions": [r]}, {"suggestions": [after[r["id"]]]},
                         coder) for r in before if after.get(r["id"]) != r])


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


def pending_segment_suggestions(db, methods: tuple[str, ...],
                                document_ids: list[int] | None = None) -> list[tuple[int, int, str, str, str]]:
    """(id, segment id, code id, method, reason) of the pending suggestions of these methods that name a
    segment, in these documents (None: all)."""
    where, params = "", []
    if document_ids is not None:
        where, params = f" AND document_id IN ({','.join('?' * len(document_ids))})", [int(d) for d in document_ids]
    return db.execute(
        f"SELECT id, segment_id, code_id, method, reason FROM suggestions WHERE status = 'pending' "
        f"AND method IN ({','.join('?' * len(methods))}) AND segment_id IS NOT NULL{where}",
        [*methods, *params]).fetchall()


def withdraw_pending(db, ids: list[int]) -> None:
    """Delete these suggestions where they are still pending, in one transaction."""
    with writing(db):
        db.conn.executemany("DELETE FROM suggestions WHERE id = ? AND status = 'pending'", [(i,) for i in ids])


def set_reasons(db, reasons: dict[int, str]) -> None:
    """Replace the reasons of these pending suggestions ({id: reason}), in one transaction."""
    with writing(db):
        db.conn.executemany("UPDATE suggestions SET reason = ? WHERE id = ? AND status = 'pending'",
                            [(reason, i) for i, reason in reasons.items()])


def suggestion_spans(db, methods: list[str], document_ids: set[int]) -> list[tuple[int, int, int, str]]:
    """(document id, start, end, code id) of the suggestions of these methods not rejected, in these documents."""
    rows = db.query(f'SELECT document_id, start, "end", code_id FROM suggestions WHERE status != \'rejected\' '
                    f"AND method IN ({','.join('?' * len(methods))}) "
                    f"AND document_id IN ({','.join('?' * len(document_ids))})", [*methods, *document_ids])
    return [(r["document_id"], r["start"], r["end"], r["code_id"]) for r in rows]


def pending_by_code(db) -> dict[str, int]:
    """{code id: pending suggestions}, most first (then by code id), for the codes that have any."""
    rows = db.execute("SELECT code_id, count(*) AS n FROM suggestions WHERE status = 'pending' "
                      "GROUP BY code_id ORDER BY n DESC, code_id").fetchall()
    return {code_id: n for code_id, n in rows}


def pending_suggestion_count(db) -> int:
    """How many suggestions wait for a decision."""
    return next(db.query("SELECT count(*) AS n FROM suggestions WHERE status = 'pending'"))["n"]


def suggestion_passage(db, suggestion_id: int) -> dict | None:
    """A suggestion in its place: {suggestion row with title, passage, before, after}, where passage is the segment
    that holds it (its own, else the one where it starts) and before/after the segments beside it in its document
    ({ordinal, speaker, start, end, text} or None); None when there is no such suggestion."""
    row = next(db.query("""SELECT x.id, x.document_id, d.title, x.segment_id, x.start, x."end", x.code_id, x.method,
                                  x.score, x.reason, x.status FROM suggestions x JOIN documents d ON d.id = x.document_id
                           WHERE x.id = ?""", [int(suggestion_id)]), None)
    if row is None:
        return None
    columns = 'id, ordinal, speaker, start, "end", text'
    passage = next(db.query(f"SELECT {columns} FROM segments WHERE id = ? AND document_id = ?",
                            [row["segment_id"], row["document_id"]]), None) if row["segment_id"] is not None else None
    if passage is None:
        passage = next(db.query(f'SELECT {columns} FROM segments WHERE document_id = ? AND start <= ? AND "end" > ? '
                                "ORDER BY ordinal LIMIT 1", [row["document_id"], row["start"], row["start"]]), None)
    if passage is None:  # a span outside every segment: the span alone
        text = next(db.query('SELECT substr(text, ? + 1, ? - ?) AS t FROM documents WHERE id = ?',
                             [row["start"], row["end"], row["start"], row["document_id"]]))["t"]
        return {**row, "passage": {"id": None, "ordinal": None, "speaker": None, "start": row["start"],
                                   "end": row["end"], "text": text}, "before": None, "after": None}
    beside = {r["ordinal"]: r for r in db.query(f"SELECT {columns} FROM segments WHERE document_id = ? "
                                                "AND ordinal IN (?, ?)", [row["document_id"], passage["ordinal"] - 1,
                                                                          passage["ordinal"] + 1])}
    return {**row, "passage": passage, "before": beside.get(passage["ordinal"] - 1),
            "after": beside.get(passage["ordinal"] + 1)}

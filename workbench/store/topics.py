"""Topic runs: one row per run, its topics and the topic of each segment (JSON columns decoded on read)."""

from __future__ import annotations

import datetime as dt
import json

from workbench.store.database import writing

RUN_JSON = ("parameters", "filters", "versions")
TOPIC_JSON = ("words", "keywords", "representative")


def next_run_number(db) -> int:
    """One more than the highest run id (1 for the first run)."""
    return next(db.query("SELECT coalesce(max(id), 0) + 1 AS n FROM topic_runs"))["n"]


def run_name_taken(db, name: str) -> bool:
    """True when a run of this name is stored."""
    return bool(list(db.query("SELECT 1 FROM topic_runs WHERE name = ?", [name])))


def insert_run(db, record: dict, topics: list[dict], assignments, replace: bool = False) -> int:
    """Store a run (replacing one of its name), its topics and (segment, topic, score) assignments; returns its id."""
    with writing(db):
        if replace:
            db.execute("DELETE FROM topic_runs WHERE name = ?", [record["name"]])
        row = {k: (json.dumps(v, ensure_ascii=False) if k in RUN_JSON else v) for k, v in record.items()}
        row["created_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        run_id = db["topic_runs"].insert(row).last_pk
        db["topics"].insert_all([{"run_id": run_id, **t, **{k: json.dumps(t[k], ensure_ascii=False)
                                                            for k in TOPIC_JSON}} for t in topics])
        insert_segment_topics(db, run_id, assignments, applied=False)
    return run_id


def insert_segment_topics(db, run_id: int, rows, applied: bool) -> None:
    """Store (segment id, topic, score) rows of a run; applied marks segments added after the fit."""
    with writing(db):
        db.conn.executemany("INSERT INTO segment_topics (run_id, segment_id, topic, score, applied) "
                            "VALUES (?, ?, ?, ?, ?)", [(run_id, s, t, p, int(applied)) for s, t, p in rows])


def _decode(row: dict) -> dict:
    row = dict(row)
    for key in RUN_JSON:
        row[key] = json.loads(row[key])
    return row


def run_rows(db) -> list[dict]:
    """Every topic run, newest last."""
    return [_decode(r) for r in db.query("SELECT * FROM topic_runs ORDER BY id")]


def find_run(db, ref: str | int) -> dict | None:
    """A run by name, else by id; None when neither is stored."""
    rows = list(db.query("SELECT * FROM topic_runs WHERE name = ?", [str(ref)]))
    if not rows and str(ref).isdigit():
        rows = list(db.query("SELECT * FROM topic_runs WHERE id = ?", [int(ref)]))
    return _decode(rows[0]) if rows else None


def run_names(db) -> list[str]:
    """Names of every run, oldest first."""
    return [r["name"] for r in db.query("SELECT name FROM topic_runs ORDER BY id")]


def delete_run_row(db, run_id: int) -> None:
    """Remove a run with its topics and assignments."""
    with writing(db):
        db.execute("DELETE FROM topic_runs WHERE id = ?", [run_id])


def topic_rows(db, run_id: int) -> list[dict]:
    """Topics of a run by number, with words, keywords, representative segment ids and size (segments)."""
    out = []
    for row in db.query("SELECT * FROM topics WHERE run_id = ? ORDER BY topic", [run_id]):
        row = dict(row)
        for key in TOPIC_JSON:
            row[key] = json.loads(row[key])
        row.pop("run_id")
        row["size"] = next(db.query("SELECT count(*) AS n FROM segment_topics WHERE run_id = ? AND topic = ?",
                                    [run_id, row["topic"]]))["n"]
        out.append(row)
    return out


def run_assignments(db, run_id: int) -> list[dict]:
    """segment_id, document_id, topic, score, applied for every segment of the run."""
    return list(db.query("""SELECT t.segment_id, s.document_id, t.topic, t.score, t.applied
                            FROM segment_topics t JOIN segments s ON s.id = t.segment_id
                            WHERE t.run_id = ? ORDER BY t.segment_id""", [run_id]))


def assigned_segment_ids(db, run_id: int) -> set[int]:
    """Ids of the segments the run has a topic for."""
    return {r[0] for r in db.execute("SELECT segment_id FROM segment_topics WHERE run_id = ?", [run_id])}


def topic_members(db, run_id: int, topic: int) -> list[dict]:
    """[{segment_id, document_id, start, end, score}] of a topic's segments in document order."""
    return list(db.query(
        """SELECT s.id AS segment_id, s.document_id, s.start, s."end", t.score FROM segment_topics t
           JOIN segments s ON s.id = t.segment_id WHERE t.run_id = ? AND t.topic = ? ORDER BY s.document_id, s.start""",
        [run_id, topic]))


def coded_run_segments(db, run_id: int, coder: str | None = None) -> list[tuple[int, str]]:
    """Distinct (segment id, code id) where a coding (by coder, when given) overlaps a segment of the run."""
    where, params = ["t.run_id = ?"], [run_id]
    if coder:
        where.append("g.coder = ?")
        params.append(coder)
    return db.execute(
        f"""SELECT DISTINCT t.segment_id, g.code_id FROM segment_topics t JOIN segments s ON s.id = t.segment_id
            JOIN codings g ON g.document_id = s.document_id AND g.start < s."end" AND s.start < g."end"
            WHERE {' AND '.join(where)}""", params).fetchall()


def run_segment_types(db, run_id: int) -> dict[int, str]:
    """{segment id: its document's type} over the run's segments."""
    return dict(db.execute("""SELECT t.segment_id, d.type FROM segment_topics t JOIN segments s ON s.id = t.segment_id
                              JOIN documents d ON d.id = s.document_id WHERE t.run_id = ?""", [run_id]).fetchall())


def run_segment_attribute(db, run_id: int, name: str) -> dict[int, str]:
    """{segment id: its document's value of attribute `name`, '(none)' when absent} over the run's segments."""
    return dict(db.execute(
        """SELECT t.segment_id, coalesce(a.value, '(none)') FROM segment_topics t JOIN segments s ON s.id = t.segment_id
           LEFT JOIN attributes a ON a.document_id = s.document_id AND a.name = ? WHERE t.run_id = ?""",
        [name, run_id]).fetchall())


def run_segment_dates(db, run_id: int, name: str) -> dict[int, str | None]:
    """{segment id: its document's date in attribute `name`, or None} over the run's segments."""
    return dict(db.execute(
        """SELECT t.segment_id, a.value_date FROM segment_topics t JOIN segments s ON s.id = t.segment_id
           LEFT JOIN attributes a ON a.document_id = s.document_id AND a.name = ? AND a.value_type = 'date'
           WHERE t.run_id = ?""", [name, run_id]).fetchall())


def topic_run_texts(db, run_id: int) -> list[str]:
    """The texts of the segments a topic run was fitted on."""
    return [r["text"] for r in db.query(
        "SELECT s.text FROM segment_topics t JOIN segments s ON s.id = t.segment_id WHERE t.run_id = ?", [run_id])]

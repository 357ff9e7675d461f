"""Merging another copy of a project into this one, in SQL: the other file is ATTACHed as `other`, each table's
rows are mapped to this project's ids in temp tables, and everything is written in one transaction.

Matching: a document by its text hash, else by its source hash and part (then its codings' snippets are checked
against this project's text); a code by id (a different definition is a conflict: the other's definition is kept
as a memo on the code, never written over this one); a coding by (document, start, end, code, coder); a memo by
all its fields; an attribute by (document, name). New rows get ids above this project's largest, so one
statement maps each table.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from workbench.errors import ProjectError
from workbench.store.changes import record_change
from workbench.store.database import database_file, writing

STEPS = ("coders", "documents", "codes", "codings", "memos", "attributes", "suggestions")
# What makes a code's definition; a difference in any of these is a conflict (position and colour are not).
DEFINITION = ("parent_id", "label", "description", "include", "exclude", "examples", "patterns")
MEMO_MATCH = ("document_id", "code_id", "coding_id", "text", "author", "created", "anchor_text", "source")


class _DryRun(Exception):
    """Raised inside the transaction of a dry run, so that everything it wrote is rolled back."""


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _columns(db, table: str) -> list[str]:
    return [r[1] for r in db.execute(f"PRAGMA main.table_info({table})").fetchall()]


def _top(db, table: str) -> int:
    return db.execute(f"SELECT coalesce(max(id), 0) FROM main.{table}").fetchone()[0]


def _copy(db, table: str, source: str, mapped: dict[str, str]) -> int:
    """INSERT INTO main.table every column, as `mapped` says for some (an SQL expression over alias o), from
    `source` (FROM ... WHERE ...); returns the rows written."""
    cols = _columns(db, table)
    exprs = ", ".join(mapped.get(c, f'o."{c}"') for c in cols)
    names = ", ".join(f'"{c}"' for c in cols)
    return db.execute(f"INSERT INTO main.{table} ({names}) SELECT {exprs} FROM {source}").rowcount


def _count(db, sql: str, params=()) -> int:
    return db.execute(sql, list(params)).fetchone()[0]


def attach(db, other_path: str | Path) -> None:
    """ATTACH the other project file as `other` (outside any transaction)."""
    other = Path(other_path)
    if other.resolve() == Path(database_file(db)).resolve():
        raise ProjectError(f"{other} is this project itself", hint="merge another copy (e.g. from `workbench split`)")
    db.execute("ATTACH DATABASE ? AS other", [str(other)])


def detach(db) -> None:
    db.execute("DETACH DATABASE other")


def merge_attached(db, source_name: str, dry_run: bool = False, progress=None) -> dict:
    """Merge the ATTACHed `other` into main in one transaction (rolled back for a dry run); the report."""
    report = {"from": source_name, "dry_run": dry_run, "added": {}, "matched": {}, "skipped": {}, "conflicts": [],
              "not_placed": [], "change_id": None}
    try:
        with writing(db):
            db.execute("PRAGMA defer_foreign_keys = ON")
            for step in STEPS:
                globals()[f"_merge_{step}"](db, report)
                if progress:
                    progress(step)
            added = {k: v for k, v in report["added"].items() if v}
            if added:
                summary = {**added, "other_changes": _count(db, "SELECT count(*) FROM other.changes"),
                           "not_placed": len(report["not_placed"]), "from": source_name}
                report["change_id"] = record_change(db, "merge", "project", source_name, None, {"summary": summary},
                                                    force=True)
            for table in ("documents", "codes", "codings"):
                db.execute(f"DROP TABLE temp.merge_{table}")
            if dry_run:
                raise _DryRun
    except _DryRun:
        report["change_id"] = None
    return report


def _merge_coders(db, report) -> None:
    report["matched"]["coders"] = _count(db, "SELECT count(*) FROM other.coders WHERE name IN "
                                             "(SELECT name FROM main.coders)")
    report["added"]["coders"] = db.execute("INSERT OR IGNORE INTO main.coders (name, created_at) "
                                           "SELECT name, created_at FROM other.coders").rowcount


def _merge_documents(db, report) -> None:
    doc_top, seg_top = _top(db, "documents"), _top(db, "segments")
    db.execute("DROP TABLE IF EXISTS temp.merge_documents")
    db.execute("CREATE TEMP TABLE merge_documents (other_id INTEGER PRIMARY KEY, here_id INTEGER, how TEXT)")
    db.execute(
        """INSERT INTO temp.merge_documents
           SELECT o.id, coalesce(t.id, s.id, o.id + ?), CASE WHEN t.id IS NOT NULL THEN 'text'
                  WHEN s.id IS NOT NULL THEN 'source' ELSE 'new' END
           FROM other.documents o
           LEFT JOIN (SELECT text_sha256, min(id) AS id FROM main.documents GROUP BY text_sha256) t
                  ON t.text_sha256 = o.text_sha256
           LEFT JOIN main.documents s ON s.source_sha256 = o.source_sha256 AND s.source_part = o.source_part""",
        [doc_top])
    new = "JOIN temp.merge_documents m ON m.other_id = {} AND m.how = 'new'"
    report["added"]["documents"] = _copy(db, "documents", "other.documents o " + new.format("o.id"),
                                         {"id": "m.here_id"})
    report["added"]["segments"] = _copy(db, "segments", "other.segments o " + new.format("o.document_id"),
                                        {"id": f"o.id + {seg_top}", "document_id": "m.here_id"})
    report["matched"]["documents"] = _count(db, "SELECT count(*) FROM temp.merge_documents WHERE how != 'new'")
    report["skipped"]["segments_of_matched_documents"] = _count(
        db, "SELECT count(*) FROM other.segments o JOIN temp.merge_documents m ON m.other_id = o.document_id "
            "AND m.how != 'new'")
    report["matched"]["documents_by_source_only"] = _count(
        db, "SELECT count(*) FROM temp.merge_documents WHERE how = 'source'")
    report["seg_top"] = seg_top


def _merge_codes(db, report) -> None:
    report["added"]["codebooks"] = db.execute(
        "INSERT OR IGNORE INTO main.codebooks SELECT * FROM other.codebooks").rowcount
    differs = " OR ".join(f'o."{c}" IS NOT h."{c}"' for c in DEFINITION)
    db.execute("DROP TABLE IF EXISTS temp.merge_codes")
    db.execute(f"""CREATE TEMP TABLE merge_codes AS
                   SELECT o.id, CASE WHEN h.id IS NULL THEN 'new' WHEN {differs} THEN 'conflict' ELSE 'same' END
                          AS how
                   FROM other.codes o LEFT JOIN main.codes h ON h.id = o.id""")
    report["added"]["codes"] = _copy(db, "codes", "other.codes o JOIN temp.merge_codes m ON m.id = o.id "
                                                  "AND m.how = 'new'", {})
    report["matched"]["codes"] = _count(db, "SELECT count(*) FROM temp.merge_codes WHERE how != 'new'")
    memos = []
    for row in db.query("SELECT o.* FROM other.codes o JOIN temp.merge_codes m ON m.id = o.id "
                        "AND m.how = 'conflict' ORDER BY o.id"):
        here = db.execute(f"SELECT {', '.join(DEFINITION)} FROM main.codes WHERE id = ?", [row["id"]]).fetchone()
        fields = [c for c, mine in zip(DEFINITION, here) if row[c] != mine]
        text = ("Definition in a merged copy (kept here; this project's definition was not changed): "
                + json.dumps({c: row[c] for c in DEFINITION}, ensure_ascii=False))
        report["conflicts"].append({"item": "code", "id": row["id"], "fields": fields,
                                    "kept": "this project's definition; the other's as a memo on the code"})
        if not _count(db, "SELECT count(*) FROM main.memos WHERE code_id = ? AND source = 'merge' AND text = ?",
                      [row["id"], text]):
            memos.append((text, f"merge:{report['from']}", _now(), row["id"]))
    memo_top = _top(db, "memos")
    db.conn.executemany("INSERT INTO main.memos (id, text, author, created, source, code_id) "
                        "VALUES (?, ?, ?, ?, 'merge', ?)", [(memo_top + i + 1, *m) for i, m in enumerate(memos)])
    report["added"]["definition_memos"] = len(memos)


def _merge_codings(db, report) -> None:
    top = _top(db, "codings")
    db.execute("DROP TABLE IF EXISTS temp.merge_codings")
    db.execute("CREATE TEMP TABLE merge_codings (other_id INTEGER PRIMARY KEY, here_id INTEGER, how TEXT)")
    db.execute(
        """INSERT INTO temp.merge_codings
           SELECT o.id, coalesce(h.id, o.id + ?),
                  CASE WHEN substr(d.text, o.start + 1, o."end" - o.start) IS NOT o.snippet THEN 'text differs'
                       WHEN h.id IS NOT NULL THEN 'matched' ELSE 'new' END
           FROM other.codings o JOIN temp.merge_documents m ON m.other_id = o.document_id
           JOIN main.documents d ON d.id = m.here_id
           LEFT JOIN main.codings h ON h.document_id = m.here_id AND h.start = o.start AND h."end" = o."end"
                AND h.code_id = o.code_id AND h.coder = o.coder""", [top])
    report["added"]["codings"] = _copy(
        db, "codings", """other.codings o JOIN temp.merge_codings c ON c.other_id = o.id AND c.how = 'new'
                          JOIN temp.merge_documents m ON m.other_id = o.document_id
                          JOIN main.documents d ON d.id = m.here_id""",
        {"id": "c.here_id", "document_id": "m.here_id", "text_sha256": "d.text_sha256"})
    report["matched"]["codings"] = _count(db, "SELECT count(*) FROM temp.merge_codings WHERE how = 'matched'")
    rows = db.query(
        """SELECT o.id, m.here_id AS document_id, o.start, o."end", o.code_id, o.coder, o.snippet,
                  substr(d.text, o.start + 1, o."end" - o.start) AS here_text
           FROM other.codings o JOIN temp.merge_codings c ON c.other_id = o.id AND c.how = 'text differs'
           JOIN temp.merge_documents m ON m.other_id = o.document_id JOIN main.documents d ON d.id = m.here_id
           ORDER BY o.id""")
    lost = [{"item": "coding", "other_id": r["id"], "document_id": r["document_id"], "start": r["start"],
             "end": r["end"], "code_id": r["code_id"], "coder": r["coder"],
             "reason": f"this project's text at {r['start']}-{r['end']} is {r['here_text'][:40]!r}, "
                       f"not {r['snippet'][:40]!r}"} for r in rows]
    report["not_placed"] += lost
    report["skipped"]["codings"] = len(lost)


def _merge_memos(db, report) -> None:
    top = _top(db, "memos")
    mapped = {"document_id": "md.here_id", "coding_id": "mc.here_id"}
    same = " AND ".join(f'h."{c}" IS {mapped.get(c, "o." + c)}' for c in MEMO_MATCH)
    source = """other.memos o LEFT JOIN temp.merge_documents md ON md.other_id = o.document_id
                 LEFT JOIN temp.merge_codings mc ON mc.other_id = o.coding_id"""
    placeable = "(o.coding_id IS NULL OR mc.how IN ('new', 'matched'))"
    report["matched"]["memos"] = _count(
        db, f"SELECT count(*) FROM {source} WHERE {placeable} AND EXISTS (SELECT 1 FROM main.memos h WHERE {same})")
    report["added"]["memos"] = _copy(
        db, "memos", f"{source} WHERE {placeable} AND NOT EXISTS (SELECT 1 FROM main.memos h WHERE {same})",
        {"id": f"o.id + {top}", **mapped})
    lost = [{"item": "memo", "other_id": r["id"], "coding_id": r["coding_id"],
             "reason": "the coding it belongs to was not placed"}
            for r in db.query(f"SELECT o.id, o.coding_id FROM {source} WHERE NOT {placeable} ORDER BY o.id")]
    report["not_placed"] += lost
    report["skipped"]["memos"] = len(lost)


def _merge_attributes(db, report) -> None:
    source = """other.attributes o JOIN temp.merge_documents m ON m.other_id = o.document_id
                LEFT JOIN main.attributes h ON h.document_id = m.here_id AND h.name = o.name"""
    report["matched"]["attributes"] = _count(db, f"SELECT count(*) FROM {source} WHERE h.value IS o.value")
    lost = [{"item": "attribute", "document_id": r["document_id"], "name": r["name"], "value": r["value"],
             "reason": f"this project has {r['here']!r} (kept)"} for r in db.query(
        f"SELECT m.here_id AS document_id, o.name, o.value, h.value AS here FROM {source} "
        "WHERE h.value IS NOT NULL AND h.value IS NOT o.value ORDER BY m.here_id, o.name")]
    report["not_placed"] += lost
    report["skipped"]["attributes"] = len(lost)
    report["added"]["attributes"] = _copy(db, "attributes", f"{source} WHERE h.document_id IS NULL",
                                          {"document_id": "m.here_id"})


def _merge_suggestions(db, report) -> None:
    top, seg_top, run_top = _top(db, "suggestions"), report.pop("seg_top"), _top(db, "suggestion_runs")
    new = """other.suggestions o JOIN temp.merge_documents m ON m.other_id = o.document_id
             AND m.how = 'new' LEFT JOIN temp.merge_codings c ON c.other_id = o.coding_id"""
    # Suggestions of a matched document that only the other copy has: placed on this project's segment with the
    # same span and text (and, when accepted, only with their coding placed); the others are listed.
    db.execute("DROP TABLE IF EXISTS temp.merge_only_there")
    db.execute(
        """CREATE TEMP TABLE merge_only_there AS
           SELECT o.id AS other_id, hs.id AS segment_here, c.here_id AS coding_here,
                  CASE WHEN o.segment_id IS NOT NULL AND hs.id IS NULL THEN 'its passage differs in this project'
                       WHEN o.status = 'accepted' AND coalesce(c.how, '') NOT IN ('new', 'matched')
                       THEN 'its coding was not placed' END AS problem
           FROM other.suggestions o JOIN temp.merge_documents m ON m.other_id = o.document_id AND m.how != 'new'
           LEFT JOIN main.suggestions h ON h.document_id = m.here_id AND h.start = o.start AND h."end" = o."end"
                AND h.code_id = o.code_id AND h.source = o.source
           LEFT JOIN other.segments os ON os.id = o.segment_id
           LEFT JOIN main.segments hs ON hs.document_id = m.here_id AND hs.start = os.start AND hs."end" = os."end"
                AND hs.text = os.text
           LEFT JOIN temp.merge_codings c ON c.other_id = o.coding_id
           WHERE h.id IS NULL""")
    there = """other.suggestions o JOIN temp.merge_only_there t ON t.other_id = o.id AND t.problem IS NULL
               JOIN temp.merge_documents m ON m.other_id = o.document_id"""
    # The runs of the suggestions copied come along under new ids, so each still names the run that made it.
    _copy(db, "suggestion_runs", f"other.suggestion_runs o WHERE o.id IN (SELECT o.run_id FROM {new}) "
                                 f"OR o.id IN (SELECT o.run_id FROM {there})", {"id": f"o.id + {run_top}"})
    report["added"]["suggestions"] = _copy(
        db, "suggestions", new, {"id": f"o.id + {top}", "document_id": "m.here_id",
                                 "segment_id": f"o.segment_id + {seg_top}", "coding_id": "c.here_id",
                                 "run_id": f"o.run_id + {run_top}"})
    report["added"]["suggestions"] += _copy(
        db, "suggestions", there, {"id": f"o.id + {_top(db, 'suggestions')}", "document_id": "m.here_id",
                                   "segment_id": "t.segment_here", "coding_id": "t.coding_here",
                                   "run_id": f"o.run_id + {run_top}"})
    unplaced = list(db.query("SELECT t.other_id, t.problem, o.status FROM temp.merge_only_there t "
                             "JOIN other.suggestions o ON o.id = t.other_id WHERE t.problem IS NOT NULL "
                             "ORDER BY t.other_id"))
    report["not_placed"] += [{"item": "suggestion", "other_id": r["other_id"], "status": r["status"],
                              "reason": r["problem"]} for r in unplaced]
    report["skipped"]["suggestions"] = len(unplaced)
    shared = """other.suggestions o JOIN temp.merge_documents m ON m.other_id = o.document_id AND m.how != 'new'
                LEFT JOIN main.suggestions h ON h.document_id = m.here_id AND h.start = o.start
                     AND h."end" = o."end" AND h.code_id = o.code_id AND h.source = o.source
                LEFT JOIN temp.merge_codings c ON c.other_id = o.coding_id"""
    report["skipped"]["pending_suggestions"] = _count(  # pending there, already here
        db, f"SELECT count(*) FROM {shared} WHERE o.status = 'pending' AND h.id IS NOT NULL "
            "AND o.id NOT IN (SELECT other_id FROM temp.merge_only_there)")
    report["matched"]["decisions"] = _count(
        db, f"SELECT count(*) FROM {shared} WHERE o.status != 'pending' AND h.status = o.status "
            "AND o.id NOT IN (SELECT other_id FROM temp.merge_only_there)")
    decisions, lost = [], []
    for r in db.query(f"""SELECT o.id, o.status, o.decided_by, o.decided_at, h.id AS here_id, h.status AS here,
                                 c.here_id AS coding_id, c.how FROM {shared}
                          WHERE o.status != 'pending' AND h.status IS NOT o.status
                                AND o.id NOT IN (SELECT other_id FROM temp.merge_only_there) ORDER BY o.id"""):
        reason = None
        if r["here"] != "pending":
            reason = f"decided {r['here']!r} in this project (kept)"
        elif r["status"] == "accepted" and r["how"] not in ("new", "matched"):
            reason = "its coding was not placed"
        if reason:
            lost.append({"item": "suggestion decision", "other_id": r["id"], "status": r["status"], "reason": reason})
        else:
            decisions.append((r["status"], r["decided_by"], r["decided_at"],
                              r["coding_id"] if r["status"] == "accepted" else None, r["here_id"]))
    db.conn.executemany("UPDATE main.suggestions SET status = ?, decided_by = ?, decided_at = ?, coding_id = ? "
                        "WHERE id = ?", decisions)
    report["added"]["decisions"] = len(decisions)
    report["not_placed"] += lost
    report["skipped"]["decisions"] = len(lost)


def keep_for_coder(db, coder: str, all_codings: bool, origin: str) -> dict:
    """In a fresh copy of a project: drop other coders' codings and memos (unless all_codings) and the change log
    that names them, make `coder` the default coder, and log one `split` change; the counts kept. Only the coder's
    own account (if any) stays: a laptop copy carries no one else's password hash."""
    with writing(db):
        db.execute("DELETE FROM accounts WHERE name != ?", [coder])
        if not all_codings:
            others = "SELECT id FROM codings WHERE coder != ?"
            db.execute(f"UPDATE suggestions SET coding_id = NULL, status = 'pending', decided_by = NULL, "
                       f"decided_at = NULL WHERE coding_id IN ({others})", [coder])
            db.execute(f"DELETE FROM memos WHERE coding_id IN ({others})", [coder])
            db.execute("DELETE FROM codings WHERE coder != ?", [coder])
            db.execute("DELETE FROM memos WHERE author != ? AND author IN (SELECT name FROM coders)", [coder])
            triggers = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                  "AND tbl_name = 'changes'").fetchall()
            for name, _ in triggers:
                db.execute(f'DROP TRIGGER "{name}"')
            db.execute("DELETE FROM changes")
            for _, sql in triggers:
                db.execute(sql)
        db.execute("INSERT INTO settings (name, value, updated_at) VALUES ('default_coder', ?, ?) "
                   "ON CONFLICT(name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                   [coder, _now()])
        kept = {table: _count(db, f"SELECT count(*) FROM {table}") for table in ("documents", "codes", "codings",
                                                                                  "memos")}
        record_change(db, "split", "project", origin, None,
                      {"summary": {"for": coder, "all_codings": all_codings, **kept}}, coder, force=True)
    db.execute("VACUUM")
    return kept

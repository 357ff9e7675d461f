"""Documents and their segments: written in one transaction, read as plain dicts."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict
from typing import Any

from workbench.errors import InvalidValueError, NotFoundError
from workbench.store.attributes import attributes_of, set_attributes
from workbench.store.segments import insert_segments, kind_scope

DOCUMENT_TYPES = ("interview", "focus_group", "notes", "document", "survey")


def sha256(data: bytes | str) -> str:
    """The hex SHA-256 of bytes, or of text as UTF-8."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def find_by_source(db, source_sha256: str, part: str = "") -> dict | None:
    """The document already ingested from these bytes (and survey row), if any."""
    rows = list(db.query(
        "SELECT id, title FROM documents WHERE source_sha256 = ? AND source_part = ?",
        [source_sha256, part]))
    return rows[0] if rows else None


def find_by_text(db, text_sha256: str, title: str) -> dict | None:
    """A document whose stored text has this hash (one with this title first, else the oldest), if any."""
    rows = list(db.query("SELECT id FROM documents WHERE text_sha256 = ? ORDER BY title = ? DESC, id LIMIT 1",
                         [text_sha256, title]))
    return rows[0] if rows else None


def insert_document(db, record: dict, segments: list, attributes: dict, memos: list) -> int:
    """Write a document with its segments, attributes and memos; all or nothing."""
    text = record["text"]
    row = {
        **record,
        "text_sha256": sha256(text),
        "char_count": len(text),
        "word_count": len(text.split()),
        "ingested_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "warnings": json.dumps(record.get("warnings", []), ensure_ascii=False),
        "metadata": json.dumps(record.get("metadata", {}), ensure_ascii=False, default=str),
    }
    from workbench.store.database import writing

    columns = ", ".join(f'"{c}"' for c in row)
    with writing(db):
        doc_id = db.execute(f"INSERT INTO documents ({columns}) VALUES ({', '.join('?' * len(row))})",
                            list(row.values())).lastrowid
        insert_segments(db, doc_id, text, segments)
        set_attributes(db, doc_id, attributes, record=False)
        if memos:
            db["memos"].insert_all({"document_id": doc_id, "source": "import", **asdict(m)} for m in memos)
    return doc_id


def resolve_document(db, ref: int | str) -> dict:
    """A document row by id, exact title or unique title prefix."""
    ref_text = str(ref).strip()
    if ref_text.isdigit():
        rows = list(db.query("SELECT * FROM documents WHERE id = ?", [int(ref_text)]))
    else:
        rows = list(db.query("SELECT * FROM documents WHERE title = ?", [ref_text]))
        if not rows:
            rows = list(db.query("SELECT * FROM documents WHERE title LIKE ? ESCAPE '\\' ORDER BY id",
                                 [ref_text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"]))
    if not rows:
        raise NotFoundError(f"no document {ref_text!r}")
    if len(rows) > 1:
        listed = ", ".join(f"{r['id']} ({r['title']})" for r in rows[:5])
        raise NotFoundError(f"{ref_text!r} matches several documents: {listed}", hint="use the document id")
    return rows[0]


def list_documents(db, doc_type: str | None = None) -> list[dict[str, Any]]:
    """Every document with attributes and segment counts, without its text."""
    where, params = ("WHERE d.type = ?", [doc_type]) if doc_type else ("", [])
    rows = db.query(
        f"""SELECT d.id, d.title, d.title_inferred, d.type, d.type_inferred, d.format, d.file_name, d.source_path,
                   d.char_count, d.word_count, d.warnings, d.ingested_at,
                   (SELECT count(*) FROM segments s WHERE s.document_id = d.id) AS segment_count
            FROM documents d {where} ORDER BY d.id""",
        params,
    )
    out = []
    for row in rows:
        row["type_inferred"] = bool(row["type_inferred"])
        row["title_inferred"] = bool(row["title_inferred"])
        row["warnings"] = json.loads(row["warnings"])
        row["attributes"] = attributes_of(db, row["id"])
        out.append(row)
    return out


def document_header(db, document_id: int, with_text: bool = False) -> dict:
    """id, title and char_count of a document (and its text when asked)."""
    return next(db.query(f"SELECT id, title, char_count{', text' if with_text else ''} FROM documents WHERE id = ?",
                         [document_id]))


def document_types(db) -> list[dict]:
    """[{document_id, title, type}] of every document."""
    return list(db.query("SELECT id AS document_id, title, type FROM documents"))


def document_texts(db) -> list[dict]:
    """[{id, title, type, text, ingested_at}] of every document, by id."""
    return list(db.query("SELECT id, title, type, text, ingested_at FROM documents ORDER BY id"))


def segments_by_position(db, document_id: int, include_structure: bool = False) -> list[dict]:
    """[{id, start, end, text}] of a document's segments, by position; structure segments (headings, captions,
    source notes, references, front matter) are left out unless include_structure."""
    where, params = kind_scope(include_structure)
    return list(db.query(f'SELECT id, start, "end", text FROM segments WHERE document_id = ?{where} '
                         "ORDER BY start, ordinal", [document_id, *params]))


def document_segments(db, document_id: int) -> list[dict]:
    """Every segment of a document (offsets, kind, speaker, time, page, text), in order."""
    return list(db.query(
        'SELECT id, ordinal, start, "end", kind, speaker, time_start, time_end, page, section, level, context, text '
        "FROM segments WHERE document_id = ? ORDER BY ordinal", [document_id]))


def document_speakers(db, document_id: int) -> list[dict]:
    """Speakers of a document in order of first turn, with turn and word counts."""
    rows = db.query(
        """SELECT speaker, count(*) AS turns, min(ordinal) AS first,
                  sum(length(text) - length(replace(text, ' ', '')) + 1) AS words
           FROM segments WHERE document_id = ? AND speaker IS NOT NULL
           GROUP BY speaker ORDER BY first""",
        [document_id],
    )
    return [{"speaker": r["speaker"], "turns": r["turns"], "words": r["words"]} for r in rows]


def rename_speaker(db, document_id: int, old: str, new: str) -> int:
    """Rename (or merge) a speaker in one document; re-infers an inferred type."""
    new = " ".join(new.split())
    if not new:
        raise InvalidValueError("the new speaker name is empty", hint="give a name")
    with db.atomic():
        changed = db.execute("UPDATE segments SET speaker = ? WHERE document_id = ? AND speaker = ?",
                             [new, document_id, old]).rowcount
        if not changed:
            known = ", ".join(s["speaker"] for s in document_speakers(db, document_id)) or "none"
            raise NotFoundError(f"document {document_id} has no speaker {old!r}", hint=f"speakers: {known}")
        doc = db["documents"].get(document_id)
        if doc["type_inferred"] and doc["type"] in ("interview", "focus_group"):
            count = len(document_speakers(db, document_id))
            new_type = "focus_group" if count >= 3 else "interview"
            db["documents"].update(document_id, {"type": new_type})
    return changed


def set_document_type(db, document_id: int, doc_type: str) -> None:
    """Set a document's type by hand (it is no longer inferred)."""
    if doc_type not in DOCUMENT_TYPES:
        raise InvalidValueError(f"unknown document type {doc_type!r}", hint="types: " + ", ".join(DOCUMENT_TYPES))
    db["documents"].update(document_id, {"type": doc_type, "type_inferred": 0})


def source_paths(db) -> list[dict]:
    """[{id, source_path}] of the documents ingested from a file."""
    return list(db.query("SELECT id, source_path FROM documents WHERE source_path IS NOT NULL"))


def apply_manifest_entries(db, updates: list[tuple[int, dict, dict]]) -> None:
    """Set (document id, {title, type...}, attributes) for several documents in one transaction."""
    with db.atomic():
        for document_id, fields, attributes in updates:
            if fields:
                db["documents"].update(document_id, fields)
            set_attributes(db, document_id, attributes)


def document_ids(db) -> set[int]:
    """The ids of every document."""
    return {r[0] for r in db.execute("SELECT id FROM documents")}


def document_ids_by_title(db) -> dict[str, int]:
    """{title: document id} (of titles held by several documents, the one read last)."""
    return {r["title"]: r["id"] for r in db.query("SELECT id, title FROM documents")}


def document_for_resegment(db, document_id: int) -> dict:
    """id, title, type, format and text of a document (what re-segmenting it needs)."""
    rows = list(db.query("SELECT id, title, type, format, text FROM documents WHERE id = ?", [document_id]))
    if not rows:
        raise NotFoundError(f"no document {document_id}")
    return rows[0]


def coding_snippets(db, document_id: int) -> list[dict]:
    """[{id, start, end, code_id, coder, snippet}] of every coding of a document."""
    return list(db.query('SELECT id, start, "end", code_id, coder, snippet FROM codings WHERE document_id = ? '
                         "ORDER BY start, id", [document_id]))

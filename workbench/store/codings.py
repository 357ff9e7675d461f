"""Coders, codings and memos: every coding is checked against the document text on write."""

from __future__ import annotations

import datetime as dt

from workbench.errors import CodingError, NotFoundError
from workbench.store.changes import capture, recapture, record_change, record_changes, record_edits
from workbench.store.database import writing
from workbench.store.documents import resolve_document
from workbench.store.sql import Private, Where, one_row


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def add_coder(db, name: str) -> str:
    """Register a coder by name (idempotent)."""
    name = " ".join(str(name).split())
    if not name:
        raise CodingError("a coder needs a name", hint="e.g. --coder alice")
    with writing(db):
        db.execute("INSERT OR IGNORE INTO coders (name, created_at) VALUES (?, ?)", [name, _now()])
    return name


def list_coders(db, private: Private | None = None) -> list[dict]:
    """Every coder with the number of codings they made (without those `private` hides)."""
    where = Where("g.coder = c.name").private(private)
    return list(db.query(
        f"""SELECT c.name, c.created_at, (SELECT count(*) FROM codings g {where.clause()}) AS codings
            FROM coders c ORDER BY c.name""", where.params))


def check_coder(db, coder: str) -> None:
    """CodingError unless the coder is registered."""
    if not coder_exists(db, coder):
        known = ", ".join(coder_names(db)) or "none yet"
        raise CodingError(f"unknown coder {coder!r}", hint=f"add it with `workbench coders add {coder}` (coders: {known})")


def coder_names(db) -> list[str]:
    """The registered coders' names, sorted."""
    return [r["name"] for r in db.query("SELECT name FROM coders ORDER BY name")]


def _check_code(db, code_id: str) -> None:
    if not list(db.query("SELECT 1 FROM codes WHERE id = ?", [code_id])):
        raise CodingError(f"unknown code {code_id!r}", hint="list codes with `workbench codebook show`")


def code_span(db, document, start: int, end: int, code_id: str, coder: str, memo: str | None = None,
              source: str = "manual", snippet: str | None = None) -> int:
    """Code [start, end) of a document; returns the coding id (an identical coding is reused).

    snippet, when given (imports), must equal the document text at those offsets.
    """
    [coding_id] = code_spans(db, [(document, start, end, code_id, memo, source, snippet)], coder)
    return coding_id


def code_spans(db, items, coder: str) -> list[int]:
    """Code many spans in one transaction, all or nothing; each document's text is read once.

    items: (document, start, end, code_id, memo, source, snippet) tuples, as for code_span.
    """
    check_coder(db, coder)
    documents: dict = {}
    checked_codes: set[str] = set()
    coding_ids, logged = [], []
    with writing(db):
        for document, start, end, code_id, memo, source, snippet in items:
            if document not in documents:
                documents[document] = resolve_document(db, document)
            doc = documents[document]
            text = doc["text"]
            if not (isinstance(start, int) and isinstance(end, int)) or not 0 <= start < end <= len(text):
                raise CodingError(f"offsets {start}-{end} are outside document {doc['id']} (0-{len(text)}) or empty",
                                  hint="start must be below end, and end at most the document's length")
            if code_id not in checked_codes:
                _check_code(db, code_id)
                checked_codes.add(code_id)
            actual = text[start:end]
            if snippet is not None and snippet != actual:
                raise CodingError(f"the text at {start}-{end} of document {doc['id']} is {actual[:40]!r}, "
                                  f"not {snippet[:40]!r}", hint="the offsets do not match this document's text")
            existing = list(db.query(
                'SELECT id FROM codings WHERE document_id = ? AND start = ? AND "end" = ? AND code_id = ? AND coder = ?',
                [doc["id"], start, end, code_id, coder]))
            if existing:
                coding_ids.append(existing[0]["id"])
                continue
            row = {"document_id": doc["id"], "start": start, "end": end, "code_id": code_id, "coder": coder,
                   "created_at": _now(), "memo": memo, "source": source or "manual", "snippet": actual,
                   "text_sha256": doc["text_sha256"]}
            coding_ids.append(db["codings"].insert(row).last_pk)
            logged.append(("coding.add", "codings", str(coding_ids[-1]), None,
                           {"codings": [{"id": coding_ids[-1], **row}]}, coder))
        record_changes(db, logged)
    return coding_ids


def segment_span(db, segment_id: int) -> dict:
    """The id, document and offsets of one segment, for coding it whole."""
    return one_row(db, 'SELECT id, document_id, start, "end" FROM segments WHERE id = ?', [segment_id],
                   NotFoundError(f"no segment {segment_id}", hint="list segments with `workbench segments DOC`"))


def uncode(db, coding_id: int) -> dict:
    """Delete one coding (and the memos attached to it); returns what was deleted."""
    with writing(db):
        before = capture(db, {"codings": ("id = ?", [coding_id]), "memos": ("coding_id = ?", [coding_id]),
                              "suggestions": ("coding_id = ?", [coding_id])})
        if not before.get("codings"):
            raise NotFoundError(f"no coding {coding_id}", hint="list codings with `workbench codings`")
        db.execute("UPDATE suggestions SET coding_id = NULL, status = 'pending' WHERE coding_id = ?", [coding_id])
        db.execute("DELETE FROM memos WHERE coding_id = ?", [coding_id])
        db.execute("DELETE FROM codings WHERE id = ?", [coding_id])
        after = recapture(db, {"suggestions": before.get("suggestions", [])})
        record_change(db, "coding.remove", "codings", str(coding_id), before, after, before["codings"][0]["coder"])
    return before["codings"][0]


def find_codings(db, document=None, start: int | None = None, end: int | None = None,
                 code_id: str | None = None, coder: str | None = None) -> list[int]:
    """Ids of codings at a place, for uncoding by position."""
    where, params = [], []
    if document is not None:
        where.append("document_id = ?")
        params.append(resolve_document(db, document)["id"])
    for column, value in (("start", start), ('"end"', end), ("code_id", code_id), ("coder", coder)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    sql = "SELECT id FROM codings" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
    return [r["id"] for r in db.query(sql, params)]


def list_codings(db, code_ids: list[str] | None = None, coder: str | None = None,
                 document_id: int | None = None, source: str | None = None,
                 private: Private | None = None) -> list[dict]:
    """Codings with their document title and code label, in document order (without those `private` hides)."""
    where = Where().among("g.code_id", code_ids).equal("g.coder", coder)
    where.equal("g.document_id", document_id).equal("g.source", source).private(private)
    sql = f"""SELECT g.id, g.document_id, d.title, g.start, g."end", g.code_id, c.label AS code_label, g.coder,
                     g.created_at, g.memo, g.source, g.snippet
              FROM codings g JOIN documents d ON d.id = g.document_id JOIN codes c ON c.id = g.code_id
              {where.clause()}
              ORDER BY g.document_id, g.start, g."end", g.code_id"""
    return list(db.query(sql, where.params))


def add_memo(db, text: str, document=None, code_id: str | None = None, coding_id: int | None = None,
             author: str | None = None) -> int:
    """A memo on exactly one of: a document, a code, a coding (logged as memo.add by its author)."""
    if sum(x is not None for x in (document, code_id, coding_id)) != 1:
        raise CodingError("a memo belongs to exactly one document, code or coding",
                          hint="give one of --document, --code, --coding")
    if not str(text).strip():
        raise CodingError("the memo is empty")
    row = {"text": str(text).strip(), "author": author, "created": _now(), "source": "manual"}
    if document is not None:
        row["document_id"] = resolve_document(db, document)["id"]
    if code_id is not None:
        _check_code(db, code_id)
        row["code_id"] = code_id
    if coding_id is not None:
        rows = list(db.query("SELECT document_id FROM codings WHERE id = ?", [coding_id]))
        if not rows:
            raise NotFoundError(f"no coding {coding_id}")
        row.update(coding_id=coding_id, document_id=rows[0]["document_id"])
    with writing(db):
        memo_id = db["memos"].insert(row).last_pk
        record_change(db, "memo.add", "memos", str(memo_id), None, capture(db, {"memos": ("id = ?", [memo_id])}),
                      author)
    return memo_id


def list_memos(db, document_id: int | None = None, code_id: str | None = None) -> list[dict]:
    """Memos (of a document and/or a code, or all), oldest first."""
    where, params = [], []
    if document_id is not None:
        where.append("document_id = ?")
        params.append(document_id)
    if code_id is not None:
        where.append("code_id = ?")
        params.append(code_id)
    sql = "SELECT * FROM memos" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
    return list(db.query(sql, params))


def coder_exists(db, coder: str) -> bool:
    """True when a coder of this name is registered."""
    return bool(list(db.query("SELECT 1 FROM coders WHERE name = ?", [coder])))


def coder_spans(db, coder: str, document_ids: set[int]) -> list[tuple[int, int, int, str]]:
    """(document id, start, end, code id) of a coder's codings in these documents."""
    rows = db.query(f'SELECT document_id, start, "end", code_id FROM codings WHERE coder = ? '
                    f"AND document_id IN ({','.join('?' * len(document_ids))})", [coder, *document_ids])
    return [(r["document_id"], r["start"], r["end"], r["code_id"]) for r in rows]


def import_memo(db, text: str, author: str | None, created: str | None, document_id: int | None = None,
                code_id: str | None = None) -> bool:
    """Add an imported memo unless that document or code already has one with this text (call inside a
    transaction); True when added."""
    if list(db.query("SELECT 1 FROM memos WHERE document_id IS ? AND code_id IS ? AND text = ?",
                     [document_id, code_id, text])):
        return False
    db["memos"].insert({"document_id": document_id, "code_id": code_id, "text": text,
                        "author": author, "created": created, "source": "import"})
    return True


def coding_memos(db) -> list[dict]:
    """Codings that carry a memo (not blank): id, coder, created_at and memo, by id."""
    return list(db.query("SELECT id, coder, created_at, memo FROM codings WHERE memo IS NOT NULL "
                         "AND trim(memo) != '' ORDER BY id"))


def set_created_at(db, coding_id: int, created: str) -> None:
    """Give a coding the time it was made elsewhere (imports; call inside a transaction)."""
    db.execute("UPDATE codings SET created_at = ? WHERE id = ?", [created, coding_id])


def coding_count(db, coder: str | None = None) -> int:
    """How many codings the project holds, or one coder made."""
    where = Where().equal("coder", coder)
    return next(db.query(f"SELECT count(*) AS n FROM codings {where.clause()}", where.params))["n"]


def coding_rows(db, document_id: int | None = None, coders: list[str] | None = None,
                code_ids: list[str] | None = None) -> list[dict]:
    """Plain codings (id, document, offsets, code, coder, created_at, snippet), by document, place, code, coder."""
    where = Where().equal("document_id", document_id).among("coder", coders).among("code_id", code_ids)
    return list(db.query(f"""SELECT id, document_id, start, "end", code_id, coder, created_at, snippet FROM codings
                             {where.clause()} ORDER BY document_id, start, "end", code_id, coder, id""", where.params))


def codes_used_by(db, coders: list[str]) -> set[str]:
    """The ids of the codes these coders applied."""
    where = Where().among("coder", coders)
    return {r["code_id"] for r in db.query(f"SELECT DISTINCT code_id FROM codings {where.clause()}", where.params)}


def documents_coded_by(db, coders: list[str]) -> list[int]:
    """Ids of the documents these coders coded, in id order."""
    where = Where().among("coder", coders)
    return [r["document_id"] for r in db.query(
        f"SELECT DISTINCT document_id FROM codings {where.clause()} ORDER BY document_id", where.params)]


_CODED_SEGMENTS = """
    SELECT DISTINCT s.id AS segment_id, s.document_id, g.code_id
    FROM codings g JOIN segments s
      ON s.document_id = g.document_id AND g.start < s."end" AND s.start < g."end"
    {where}"""


def coded_segment_rows(db, coder: str | None = None, private: Private | None = None,
                       code_id: str | None = None) -> list[dict]:
    """(segment_id, document_id, code_id) of each segment a coding overlaps (of one coder, of one code when given;
    without the codings `private` hides)."""
    where = Where().equal("g.coder", coder).equal("g.code_id", code_id).private(private)
    return list(db.query(_CODED_SEGMENTS.format(where=where.clause()), where.params))


def excerpt_rows(db, code_ids: list[str] | None = None, coder: str | None = None, doc_type: str | None = None,
                 attributes: dict[str, str] | None = None, private: Private | None = None) -> list[dict]:
    """Codings with their document and the segment where each starts (speaker, page, time), in document order
    (without those `private` hides)."""
    where = Where().among("g.code_id", code_ids).equal("g.coder", coder).documents(doc_type, attributes)
    where.private(private)
    sql = f"""
        SELECT g.id AS coding_id, g.code_id, d.id AS document_id, d.title, d.type,
               s.speaker, s.page, s.time_start, g.start, g."end", g.snippet AS text, g.coder, g.memo, g.source,
               g.created_at
        FROM codings g JOIN documents d ON d.id = g.document_id
        LEFT JOIN segments s ON s.id = (SELECT id FROM segments WHERE document_id = g.document_id
                                        AND start <= g.start AND g.start < "end" ORDER BY ordinal LIMIT 1)
        {where.clause()}
        ORDER BY d.id, g.start, g.code_id"""
    return list(db.query(sql, where.params))


def recode(db, coding_id: int, code_id: str) -> dict:
    """Give a coding another code (same span, coder, memo); returns the coding as it now is."""
    rows = list(db.query("SELECT * FROM codings WHERE id = ?", [coding_id]))
    if not rows:
        raise NotFoundError(f"no coding {coding_id}", hint="list codings with `workbench codings`")
    _check_code(db, code_id)
    old = rows[0]
    if old["code_id"] == code_id:
        return old
    clash = list(db.query('SELECT id FROM codings WHERE document_id = ? AND start = ? AND "end" = ? AND code_id = ? '
                          "AND coder = ?", [old["document_id"], old["start"], old["end"], code_id, old["coder"]]))
    if clash:
        raise CodingError(f"{old['coder']} already coded this span with {code_id!r} (coding {clash[0]['id']})",
                          hint="remove one of the two codings instead")
    with writing(db):
        db.execute("UPDATE codings SET code_id = ? WHERE id = ?", [code_id, coding_id])
        record_edits(db, "coding.recode", "codings", [old], old["coder"])
    return {**old, "code_id": code_id}


def set_coding_memo(db, coding_id: int, memo: str | None) -> None:
    """Replace the memo written on a coding (None or blank clears it)."""
    memo = memo.strip() if memo and memo.strip() else None
    with writing(db):
        old = list(db.query("SELECT * FROM codings WHERE id = ?", [coding_id]))
        if not old:
            raise NotFoundError(f"no coding {coding_id}", hint="list codings with `workbench codings`")
        db.execute("UPDATE codings SET memo = ? WHERE id = ?", [memo, coding_id])
        record_edits(db, "coding.memo", "codings", old, old[0]["coder"])


def recent_codes(db, coder: str, limit: int = 9) -> list[str]:
    """The codes a coder used most recently, newest first."""
    return [r["code_id"] for r in db.query(
        "SELECT code_id FROM codings WHERE coder = ? GROUP BY code_id ORDER BY max(id) DESC LIMIT ?", [coder, limit])]


def get_coding(db, coding_id: int) -> dict | None:
    """One coding (id, document, span, code, coder, snippet, memo, source), or None."""
    rows = list(db.query('SELECT id, document_id, start, "end", code_id, coder, snippet, memo, source FROM codings '
                         "WHERE id = ?", [int(coding_id)]))
    return rows[0] if rows else None

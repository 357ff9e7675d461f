"""Segments as automatic coding, evaluation and topic runs read them: batches, filtered selections, speakers,
caption cues with their neighbours, spans and the documents they belong to."""

from __future__ import annotations

from workbench.errors import NotFoundError
from workbench.store.database import id_chunks

BATCH = 2000  # segments per batch of segment_batches
# Structure a reader sees but nobody codes by theme: left out of suggestions, topic models and agreement units
# unless asked for (include_structure). Hand coding can still code them.
STRUCTURE_KINDS = ("heading", "caption", "source_note", "references", "front_matter")


def kind_scope(include_structure: bool) -> tuple[str, list[str]]:
    """The SQL condition (with its parameters) that leaves structure segments out, unless they are included."""
    if include_structure:
        return "", []
    return f" AND kind NOT IN ({','.join('?' * len(STRUCTURE_KINDS))})", list(STRUCTURE_KINDS)


SEGMENT_COLUMNS = ("start", "end", "kind", "speaker", "time_start", "time_end", "page", "section", "level", "context")


def insert_segments(db, doc_id: int, text: str, segments: list, first_ordinal: int = 0) -> None:
    """Write a document's segments (objects with SEGMENT_COLUMNS as attributes); their text is sliced from `text`."""
    columns = ", ".join(f'"{c}"' for c in SEGMENT_COLUMNS)
    db.conn.executemany(
        f"INSERT INTO segments (document_id, ordinal, {columns}, text) VALUES (?, ?, {', '.join('?' * len(SEGMENT_COLUMNS))}, ?)",
        ((doc_id, first_ordinal + i, *(getattr(seg, c) for c in SEGMENT_COLUMNS), text[seg.start:seg.end])
         for i, seg in enumerate(segments)))


def segment_count(db) -> int:
    """How many segments the project holds."""
    return next(db.query("SELECT count(*) AS n FROM segments"))["n"]


def segment_batches(db, document_ids: list[int] | None, size: int = BATCH, include_structure: bool = False):
    """(total, iterator of lists of (id, document_id, start, end, text)) over segments in id order; structure
    segments (STRUCTURE_KINDS) are left out unless include_structure."""
    where, params = kind_scope(include_structure)
    if document_ids is not None and not list(document_ids):
        return 0, iter(())
    if document_ids is not None:
        document_ids = [int(d) for d in document_ids]
        known = {r[0] for r in db.execute(
            f"SELECT id FROM documents WHERE id IN ({','.join('?' * len(document_ids))})", document_ids)}
        missing = [d for d in document_ids if d not in known]
        if missing:
            raise NotFoundError(f"no document {missing[0]}")
        where, params = where + f" AND document_id IN ({','.join('?' * len(document_ids))})", params + document_ids
    total = db.execute(f"SELECT count(*) FROM segments WHERE 1 {where}", params).fetchone()[0]

    def batches():
        last = 0
        while True:
            rows = db.execute(f'SELECT id, document_id, start, "end", text FROM segments WHERE id > ? {where} '
                              "ORDER BY id LIMIT ?", [last, *params, size]).fetchall()
            if not rows:
                return
            yield rows
            last = rows[-1][0]
    return total, batches()


def _filter_conditions(filters: dict[str, list[str]]) -> tuple[list[str], list]:
    where, params = [], []
    for key, values in filters.items():
        marks = ",".join("?" * len(values))
        if key == "type":
            where.append(f"d.type IN ({marks})")
        elif key == "kind":
            where.append(f"s.kind IN ({marks})")
        elif key == "speaker":
            where.append(f"s.speaker IN ({marks})")
        elif key == "document":
            where.append(f"(CAST(d.id AS TEXT) IN ({marks}) OR d.title IN ({marks}) OR d.file_name IN ({marks}))")
            params += values * 2
        else:
            name = key.removeprefix("attribute:")
            where.append("EXISTS (SELECT 1 FROM attributes a WHERE a.document_id = d.id AND a.name = ? "
                         f"AND a.value IN ({marks}))")
            params.append(name)
        params += values
    return where, params


def filtered_segments(db, filters: dict[str, list[str]], skip_kinds: tuple[str, ...] = ()) -> list[dict]:
    """[{id, document_id, text}] in document order of the segments whose document type, kind, speaker,
    document (id, title or file name) or attributes (any other key) hold one of the filter values."""
    where, params = _filter_conditions(filters)
    if skip_kinds:
        where.append(f"s.kind NOT IN ({','.join('?' * len(skip_kinds))})")
        params += list(skip_kinds)
    return list(db.query(
        f"""SELECT s.id, s.document_id, s.text FROM segments s JOIN documents d ON d.id = s.document_id
            {'WHERE ' + ' AND '.join(where) if where else ''} ORDER BY s.document_id, s.ordinal""", params))


def speaker_segments(db, document_ids: list[int] | None = None) -> list[tuple[int, str, str | None]]:
    """(segment id, speaker, the document's `interviewer` attribute) of every segment with a speaker."""
    where, params = "", []
    if document_ids is not None:
        where = f" AND s.document_id IN ({','.join('?' * len(document_ids))})"
        params = list(document_ids)
    return db.execute(
        "SELECT s.id, s.speaker, a.value FROM segments s LEFT JOIN attributes a "
        "ON a.document_id = s.document_id AND a.name = 'interviewer' "
        f"WHERE s.speaker IS NOT NULL{where}", params).fetchall()


def cue_neighbours(db, segment_ids) -> list[tuple[int, str | None, str, str | None]]:
    """(cue id, previous cue's text, its text, next cue's text) for the caption cues among the ids; a neighbour
    is None unless it is a cue of the same speaker in the same document."""
    out = []
    for chunk, marks in id_chunks(list(dict.fromkeys(int(i) for i in segment_ids))):
        out += db.execute(
            "SELECT s.id, p.text, s.text, n.text FROM segments s "
            "LEFT JOIN segments p ON p.document_id = s.document_id AND p.ordinal = s.ordinal - 1 "
            "  AND p.kind = 'cue' AND p.speaker IS s.speaker "
            "LEFT JOIN segments n ON n.document_id = s.document_id AND n.ordinal = s.ordinal + 1 "
            "  AND n.kind = 'cue' AND n.speaker IS s.speaker "
            f"WHERE s.kind = 'cue' AND s.id IN ({marks})", chunk).fetchall()
    return out


def segment_details(db, ids: list[int]) -> list[dict]:
    """[{segment_id, document_id, title, speaker, start, end, text}] in the order of ids (missing ones left out)."""
    if not ids:
        return []
    rows = {r["segment_id"]: r for r in db.query(
        f"""SELECT s.id AS segment_id, s.document_id, d.title, s.speaker, s.start, s."end", s.text
            FROM segments s JOIN documents d ON d.id = s.document_id WHERE s.id IN ({','.join('?' * len(ids))})""",
        ids)}
    return [rows[i] for i in ids if i in rows]


def document_segment_spans(db, document_ids: set[int]) -> dict[int, list[tuple[int, int, int]]]:
    """{document id: [(segment id, start, end), ...]} for these documents."""
    out: dict[int, list[tuple[int, int, int]]] = {d: [] for d in document_ids}
    marks = ",".join("?" * len(document_ids))
    for r in db.query(f'SELECT id, document_id, start, "end" FROM segments WHERE document_id IN ({marks})',
                      list(document_ids)):
        out[r["document_id"]].append((r["id"], r["start"], r["end"]))
    return out


def replace_segments(db, document_id: int, text: str, segments: list) -> dict:
    """Re-cut a document into new segments (objects with the SEGMENT_COLUMNS of `documents`) in one transaction.

    A segment with the same offsets as an old one keeps its id (and so its suggestions, embeddings and topics);
    old segments that no longer exist are deleted with what hangs on them. Codings are offsets into the text
    and are not touched. Returns {kept, added, removed, suggestions_removed}."""
    from workbench.store.database import writing

    with writing(db):
        old = {(r[1], r[2]): r[0] for r in db.execute(
            'SELECT id, start, "end" FROM segments WHERE document_id = ?', [document_id])}
        keep_ids = {old[(s.start, s.end)] for s in segments if (s.start, s.end) in old}
        gone = [i for i in old.values() if i not in keep_ids]
        removed_suggestions = 0
        for chunk, marks in id_chunks(gone):
            removed_suggestions += db.execute(
                f"SELECT count(*) FROM suggestions WHERE segment_id IN ({marks})", chunk).fetchone()[0]
            db.execute(f"DELETE FROM segments WHERE id IN ({marks})", chunk)
        db.execute("UPDATE segments SET ordinal = -1 - ordinal WHERE document_id = ?", [document_id])
        fresh = []
        for ordinal, seg in enumerate(segments):
            seg_id = old.get((seg.start, seg.end))
            if seg_id is None:
                fresh.append((ordinal, seg))
                continue
            sets = ", ".join(f'"{c}" = ?' for c in SEGMENT_COLUMNS)
            db.execute(f"UPDATE segments SET ordinal = ?, {sets} WHERE id = ?",
                       [ordinal, *(getattr(seg, c) for c in SEGMENT_COLUMNS), seg_id])
        for ordinal, seg in fresh:
            insert_segments(db, document_id, text, [seg], first_ordinal=ordinal)
    return {"kept": len(keep_ids), "added": len(fresh), "removed": len(gone),
            "suggestions_removed": removed_suggestions}

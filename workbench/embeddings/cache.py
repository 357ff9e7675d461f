"""Sentence embeddings of segments, cached in the project (segment_embeddings), shared by autocode and topics.

`segment_embeddings(db, ids)` returns one normalised float32 row per id, in order, computing only
what is missing or stale (text changed since). Every function embeds with the project's encoder
(`encoders.project_encoder`) and keys vectors by its name (or the name and what was embedded, such
as a caption cue's window), so vectors of different encoders never mix, switching back reuses the
earlier ones, and nothing computed twice is kept twice.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from workbench.embeddings import encoders
from workbench.embeddings.encoders import DIM, MODEL_NAME
from workbench.errors import NotFoundError
from workbench.store import embeddings as stored
from workbench.store.embeddings import segment_texts

if TYPE_CHECKING:
    import numpy as np

__all__ = ["DIM", "MODEL_NAME", "segment_texts", "segment_embeddings", "cached_embeddings", "chunk_embeddings",
           "example_embeddings", "cached_count", "text_sha256"]
CACHE_BATCH = 512  # segments embedded and written per transaction (an interruption keeps the finished ones)


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def segment_embeddings(db, segment_ids, progress=None, name: str | None = None) -> np.ndarray:
    """Embeddings of segments in the order given, from the cache or computed (and cached) when missing or stale;
    with the project's encoder, or the encoder `name` (a saved topic run keeps the encoder it was fitted with)."""
    ids = [int(i) for i in segment_ids]
    texts = segment_texts(db, ids)
    missing_ids = [i for i in dict.fromkeys(ids) if i not in texts]
    if missing_ids:
        raise NotFoundError(f"no segment {missing_ids[0]}", hint="list segments with `workbench segments DOC`")
    return cached_embeddings(db, ids, texts, None, progress, name=name)


def cached_embeddings(db, ids: list[int], texts: dict[int, str], key: str | None = None, progress=None,
                      name: str | None = None) -> np.ndarray:
    """Embeddings of texts[id] for the ids in order with the project's encoder (or `name`), cached in
    segment_embeddings under `key` (default: the encoder's name; or the name and what was embedded) and
    recomputed when the text changed."""
    import numpy as np

    pin = name is None
    name = name or encoders.project_encoder(db)
    key = key or name
    cached = stored.segment_vectors(db, key, ids)
    vectors: dict[int, np.ndarray] = {}
    todo = []
    for i in dict.fromkeys(ids):
        digest = text_sha256(texts[i])
        if i in cached and cached[i][0] == digest:
            vectors[i] = np.frombuffer(cached[i][1], dtype=np.float32)
        else:
            todo.append((i, digest))
    todo.sort(key=lambda item: len(texts[item[0]]))  # similar lengths batch with less padding
    for start in range(0, len(todo), CACHE_BATCH):
        chunk = todo[start:start + CACHE_BATCH]
        computed = encoders.embed_texts([texts[i] for i, _ in chunk], name=name)
        if pin:
            encoders.pin_project_encoder(db, name)
        stored.save_segment_vectors(db, key, [(i, digest, computed[k].tobytes()) for k, (i, digest) in enumerate(chunk)],
                                    computed.shape[1])
        for k, (i, _) in enumerate(chunk):
            vectors[i] = computed[k]
        if progress:
            progress(start + len(chunk), len(todo))
    if not ids:
        return np.zeros((0, encoders.encoder(name).dim), dtype=np.float32)
    return np.vstack([vectors[i] for i in ids]).astype(np.float32, copy=False)


def chunk_embeddings(db, pieces: list[tuple[int, int, str]], progress=None, name: str | None = None) -> np.ndarray:
    """Embeddings of (segment id, chunk number, text) pieces of long segments, in order, cached per piece (with the
    project's encoder or `name`)."""
    import numpy as np

    pin = name is None
    name = name or encoders.project_encoder(db)
    cached = stored.chunk_vectors(db, name)
    vectors: dict[int, np.ndarray] = {}
    todo = []
    for k, (segment_id, chunk, text) in enumerate(pieces):
        hit = cached.get((segment_id, chunk))
        if hit and hit[0] == text_sha256(text):
            vectors[k] = np.frombuffer(hit[1], dtype=np.float32)
        else:
            todo.append(k)
    if todo:
        computed = encoders.embed_texts([pieces[k][2] for k in todo], progress=progress, name=name)
        if pin:
            encoders.pin_project_encoder(db, name)
        stored.save_chunk_vectors(db, name, [(pieces[k][0], pieces[k][1], text_sha256(pieces[k][2]),
                                                    computed[j].tobytes()) for j, k in enumerate(todo)],
                                  computed.shape[1])
        vectors.update((k, computed[j]) for j, k in enumerate(todo))
    if not pieces:
        return np.zeros((0, encoders.encoder(name).dim), dtype=np.float32)
    return np.vstack([vectors[k] for k in range(len(pieces))])


def example_embeddings(db, example_ids: list[int]) -> np.ndarray:
    """Embeddings of stored training examples in the order given, computed once and kept with the example (one
    vector each: of the encoder that embedded it last; another encoder embeds it again)."""
    import numpy as np

    name = encoders.project_encoder(db)
    ids = [int(i) for i in example_ids]
    if not ids:
        return np.zeros((0, encoders.encoder(name).dim), dtype=np.float32)
    rows = stored.example_vectors(db, ids)
    todo = [i for i in ids if rows[i][1] != name or rows[i][2] is None]
    vectors = {i: np.frombuffer(rows[i][2], dtype=np.float32) for i in ids if i not in todo}
    if todo:
        computed = encoders.embed_texts([rows[i][0] for i in todo], name=name)
        encoders.pin_project_encoder(db, name)
        stored.save_example_vectors(db, name, [(i, computed[k].tobytes()) for k, i in enumerate(todo)])
        vectors.update((i, computed[k]) for k, i in enumerate(todo))
    return np.vstack([vectors[i] for i in ids]).astype(np.float32, copy=False)


def cached_count(db) -> int:
    """How many segment embeddings of the project's encoder the project holds."""
    return stored.vector_count(db, encoders.project_encoder(db))

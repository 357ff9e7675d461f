"""What every topic strategy shares: defaults, the unit of text a model sees, and the fit parameters."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

DEFAULT_SEED = 42
SMALL_CORPUS = 300  # fewer distinct segments than this: k-means instead of UMAP + HDBSCAN
MIN_DISTINCT = 3  # fewer distinct segments than this: no topic model at all
CHUNK_CHARS = 1000  # about 200 words, within all-MiniLM-L6-v2's 256 word-piece window
EMBEDDERS = ("minilm", "tfidf")
CLUSTERERS = ("auto", "hdbscan", "kmeans")


@dataclass(frozen=True)
class Unit:
    """A piece of text the model sees: a whole segment, or one sentence-bounded chunk of a long one."""

    segment_id: int
    chunk: int  # 0 for a whole segment; 1, 2, ... for the chunks of a long one
    chunks: int  # how many chunks its segment was cut into
    text: str


@dataclass
class FitParams:
    """Parameters of a topic run, stored with it so a run can be repeated."""

    embedder: str = "minilm"
    clusterer: str = "auto"
    min_topic_size: int = 10
    n_topics: int | None = None
    reduce_outliers: bool = False
    min_words: int = 3
    seed: int = DEFAULT_SEED
    top_words: int = 10
    extra_stop_words: list[str] = field(default_factory=list)
    include_structure: bool = False  # headings, captions, source notes, references, front matter

    def as_dict(self) -> dict:
        return asdict(self)


def default_n_topics(n_distinct: int) -> int:
    """Number of k-means topics when none is given: about sqrt(n/2), between 2 and 30."""
    return max(2, min(30, round((n_distinct / 2) ** 0.5)))

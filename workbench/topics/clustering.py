"""Clustering strategies: UMAP + HDBSCAN for corpora of a few hundred segments and more, k-means for small ones."""

from __future__ import annotations

from workbench.topics._base import SMALL_CORPUS, default_n_topics


def choose(clusterer: str, n_distinct: int) -> str:
    """The clusterer `auto` stands for: k-means below SMALL_CORPUS distinct segments, else HDBSCAN."""
    if clusterer != "auto":
        return clusterer
    return "kmeans" if n_distinct < SMALL_CORPUS else "hdbscan"


def umap_hdbscan(n_distinct: int, min_topic_size: int, seed: int):
    """(dimensionality reduction, clusterer) for BERTopic: seeded UMAP to 5 dimensions, then HDBSCAN."""
    from hdbscan import HDBSCAN
    from umap import UMAP

    # PCA initialisation: the spectral one can fail on large corpora and fall back to a layout that
    # differs between processes (seen at 50,000 segments), which would break reproducibility.
    reducer = UMAP(n_neighbors=min(15, n_distinct - 1), n_components=5, min_dist=0.0, metric="cosine",
                   init="pca", random_state=seed, n_jobs=1, low_memory=True)
    clusterer = HDBSCAN(min_cluster_size=max(2, min_topic_size), metric="euclidean", cluster_selection_method="eom",
                        prediction_data=True)
    return reducer, clusterer


def kmeans(n_distinct: int, n_topics: int | None, seed: int):
    """(no reduction, k-means) for BERTopic; k is capped at half the distinct segments."""
    from bertopic.dimensionality import BaseDimensionalityReduction
    from sklearn.cluster import KMeans

    k = n_topics or default_n_topics(n_distinct)
    k = max(1, min(k, n_distinct // 2))
    return BaseDimensionalityReduction(), KMeans(n_clusters=k, random_state=seed, n_init=10)


def topic_count(topics) -> int:
    return len({t for t in topics if t != -1})

"""Apply a saved topic run to segments ingested after it was fitted: each goes to the nearest topic."""

from __future__ import annotations

from workbench.store.topics import assigned_segment_ids, insert_segment_topics
from workbench.topics.fit import _segment_topics
from workbench.topics.runs import load_model
from workbench.topics.selection import select_segments, units_of


def apply_topics(db, project_path, run: dict, progress=None) -> dict:
    """Assign topics to the segments passing the run's filters that it has no topic for yet; returns counts."""
    import numpy as np

    done = assigned_segment_ids(db, run["id"])
    params = run["parameters"]
    segments = select_segments(db, run["filters"], params.get("include_interviewer", False),
                               params.get("min_words", 3), exclude_ids=done,
                               include_structure=params.get("include_structure", False))
    if not segments:
        return {"run": run["name"], "applied": 0, "by_topic": {}}
    model, embedder = load_model(project_path, run)
    units = units_of(segments)
    if run["embedder"] == "minilm":
        emb = embedder.fit_units(db, units, progress)
    else:
        emb = embedder.embed([u.text for u in units])
    predicted, _ = model.transform([u.text for u in units], embeddings=emb)
    topic_ids = sorted(model.topic_sizes_)
    centroids = {t: np.asarray(model.topic_embeddings_[k]) for k, t in enumerate(topic_ids)}
    rows = _segment_topics(units, emb, np.asarray(predicted), centroids)
    insert_segment_topics(db, run["id"], rows, applied=True)
    by_topic: dict[int, int] = {}
    for _, topic, _ in rows:
        by_topic[topic] = by_topic.get(topic, 0) + 1
    return {"run": run["name"], "applied": len(rows), "by_topic": dict(sorted(by_topic.items()))}

"""Fit a topic run: select segments, embed, cluster with BERTopic, describe topics, map chunks back to segments."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from pathlib import Path

from workbench.errors import TopicError
from workbench.topics import clustering, representation, runs
from workbench.topics._base import CLUSTERERS, EMBEDDERS, MIN_DISTINCT, FitParams
from workbench.topics.embedders import bertopic_backend, make_embedder
from workbench.topics.selection import (
    distinct_key,
    parse_filters,
    select_segments,
    units_of,
)

REPRESENTATIVE = 5


def check_params(params: FitParams) -> None:
    """Refuse parameters no run could use, before any work is done."""
    if params.embedder not in EMBEDDERS:
        raise TopicError(f"unknown embedder {params.embedder!r}", hint="embedders: " + ", ".join(EMBEDDERS))
    if params.clusterer not in CLUSTERERS:
        raise TopicError(f"unknown clusterer {params.clusterer!r}", hint="clusterers: " + ", ".join(CLUSTERERS))
    if params.min_topic_size < 2:
        raise TopicError(f"minimum topic size {params.min_topic_size} is below 2", hint="use --min-topic-size 2 or more")
    if params.n_topics is not None and params.n_topics < 1:
        raise TopicError(f"number of topics {params.n_topics} is below 1", hint="use --topics 1 or more")


def fit_topics(db, project_path: Path, name: str | None = None, params: FitParams | None = None, filters=None,
               include_interviewer: bool = False, replace: bool = False, progress=None) -> dict:
    """Fit and store a topic run; returns its summary. An interruption leaves no run and no model folder."""
    import numpy as np

    params = params or FitParams()
    check_params(params)
    filters = parse_filters(filters)
    name = runs.check_name(db, name, replace)
    started = time.perf_counter()
    _say(progress, "selecting segments")
    segments = select_segments(db, filters, include_interviewer, params.min_words,
                               include_structure=params.include_structure)
    if not segments:
        raise TopicError("every selected segment is an interviewer turn or shorter than "
                         f"{params.min_words} words", hint="use --include-interviewer or a lower --min-words")
    units = units_of(segments)
    distinct: dict[str, int] = {}
    unit_doc = [distinct.setdefault(distinct_key(u.text), len(distinct)) for u in units]
    first_unit = {}
    for k, d in enumerate(unit_doc):
        first_unit.setdefault(d, k)
    docs = [units[first_unit[d]].text for d in range(len(distinct))]
    if len(docs) < MIN_DISTINCT:
        raise TopicError(f"only {len(docs)} distinct segment(s) selected; a topic model needs at least {MIN_DISTINCT}",
                         hint="select more segments (fewer filters, --include-interviewer, lower --min-words)")
    words = representation.stop_words(params.extra_stop_words)
    embedder = make_embedder(params.embedder, words, params.seed)
    t0 = time.perf_counter()
    if params.embedder == "tfidf":
        doc_emb = embedder.fit_texts(docs, progress)
        unit_emb = doc_emb[unit_doc]
    else:
        unit_emb = embedder.fit_units(db, units, progress)
        doc_emb = unit_emb[[first_unit[d] for d in range(len(docs))]]
    embed_seconds = time.perf_counter() - t0

    t0 = time.perf_counter()
    chosen = clustering.choose(params.clusterer, len(docs))
    note = ""
    _say(progress, f"clustering {len(docs)} segments ({chosen})")
    model, topics = _fit_bertopic(docs, doc_emb, chosen, params, words, embedder)
    if chosen == "hdbscan" and params.clusterer == "auto" and clustering.topic_count(topics) < 2:
        note = f"HDBSCAN found {clustering.topic_count(topics)} topic(s); k-means used instead"
        chosen = "kmeans"
        _say(progress, f"clustering {len(docs)} segments (kmeans: {note})")
        model, topics = _fit_bertopic(docs, doc_emb, chosen, params, words, embedder)
    if params.reduce_outliers and -1 in topics and clustering.topic_count(topics) > 0:
        _say(progress, "reducing outliers")
        topics = list(model.reduce_outliers(docs, topics, strategy="embeddings", embeddings=doc_emb))
        model.update_topics(docs, topics=topics, top_n_words=params.top_words,
                            vectorizer_model=representation.vectorizer(words, len(docs)),
                            ctfidf_model=representation.ctfidf_model(),
                            representation_model={"KeyBERT": representation.keyword_model(params.seed)})
    topics = np.asarray(topics)
    centroids = _centroids(doc_emb, topics)
    model.topic_embeddings_ = np.vstack([centroids[t] for t in sorted(centroids)])
    cluster_seconds = time.perf_counter() - t0

    assignments = _segment_topics(units, unit_emb, topics[unit_doc], centroids)
    topic_rows = _describe(model, assignments, {s["id"]: s["text"] for s in segments}, params.top_words,
                           keywords_first=params.embedder == "minilm")
    record = {
        "name": name, "embedder": params.embedder, "clusterer": chosen,
        "parameters": {**params.as_dict(), "include_interviewer": include_interviewer, "note": note,
                       "distinct_texts": len(docs), "units": len(units),
                       "embed_seconds": round(embed_seconds, 3), "cluster_seconds": round(cluster_seconds, 3)},
        "filters": filters, "versions": {**runs.library_versions(), **embedder.versions()},
        "segment_count": len(assignments), "topic_count": sum(1 for t in topic_rows if t["topic"] != -1),
        "outlier_count": sum(1 for a in assignments if a[1] == -1),
    }

    def write_model(folder: Path) -> None:
        _say(progress, "saving the model")
        folder.mkdir(parents=True)
        logging.getLogger("BERTopic").setLevel(logging.ERROR)
        model.save(str(folder / "bertopic"), serialization="safetensors", save_ctfidf=True, save_embedding_model=False)
        embedder.save(folder)

    record["seconds"] = round(time.perf_counter() - started, 3)
    run = runs.save_run(db, project_path, record, topic_rows, assignments, write_model, replace)
    _say(progress, "done")
    return run


def _say(progress, stage: str) -> None:
    if progress:
        progress(stage, 0, 0)


def _fit_bertopic(docs, embeddings, clusterer: str, params: FitParams, words, embedder):
    """A fitted BERTopic model and the topic of each distinct text."""
    from bertopic import BERTopic

    logging.getLogger("BERTopic").setLevel(logging.WARNING)
    if clusterer == "hdbscan":
        reducer, cluster_model = clustering.umap_hdbscan(len(docs), params.min_topic_size, params.seed)
    else:
        reducer, cluster_model = clustering.kmeans(len(docs), params.n_topics, params.seed)
    model = BERTopic(embedding_model=bertopic_backend(embedder), umap_model=reducer, hdbscan_model=cluster_model,
                     vectorizer_model=representation.vectorizer(words, len(docs)),
                     ctfidf_model=representation.ctfidf_model(),
                     representation_model={"KeyBERT": representation.keyword_model(params.seed)},
                     top_n_words=params.top_words, calculate_probabilities=False, verbose=False)
    try:
        topics, _ = model.fit_transform(docs, embeddings=embeddings)
    except ValueError as exc:
        if "empty vocabulary" in str(exc):
            raise TopicError("the selected segments have no words left after stop words",
                             hint="select more segments, or check the text is not only fillers") from exc
        raise
    return model, list(topics)


def _centroids(embeddings, topics) -> dict:
    """Unit-length mean embedding of each topic (outliers included as -1)."""
    import numpy as np

    out = {}
    for t in sorted(set(topics.tolist())):
        mean = embeddings[topics == t].mean(axis=0)
        out[int(t)] = mean / (np.linalg.norm(mean) or 1.0)
    return out


def _segment_topics(units, unit_emb, unit_topics, centroids) -> list[tuple[int, int, float | None]]:
    """(segment id, topic, score): a chunked segment takes the topic covering most of its text (outliers last)."""
    chars: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    scores: dict[tuple[int, int], float] = {}
    order: list[int] = []
    for k, unit in enumerate(units):
        topic = int(unit_topics[k])
        if unit.segment_id not in chars:
            order.append(unit.segment_id)
        chars[unit.segment_id][topic] += len(unit.text)
        score = float(unit_emb[k] @ centroids[topic])
        scores[(unit.segment_id, topic)] = max(score, scores.get((unit.segment_id, topic), -1.0))
    out = []
    for seg in order:
        by_topic = chars[seg]
        topic = max(by_topic, key=lambda t: (t != -1, by_topic[t], -t))
        out.append((seg, topic, None if topic == -1 else round(scores[(seg, topic)], 6)))
    return out


def _describe(model, assignments, texts: dict[int, str], top_words: int, keywords_first: bool = True) -> list[dict]:
    """Topic rows: label, c-TF-IDF words with weights, keywords, size, representative segments."""
    members: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for seg, topic, score in assignments:
        members[topic].append((score if score is not None else -1.0, seg))
    keywords_of = model.topic_aspects_.get("KeyBERT", {})
    rows = []
    for topic in sorted(members):
        ranked = sorted(members[topic], key=lambda item: (-item[0], item[1]))
        seen, representative = set(), []
        for _, seg in ranked:
            key = distinct_key(texts[seg])
            if key not in seen:
                seen.add(key)
                representative.append(seg)
            if len(representative) == REPRESENTATIVE:
                break
        words = [(w, round(float(s), 6)) for w, s in (model.get_topic(topic) or [])[:top_words] if w]
        keywords = [(w, round(float(s), 6)) for w, s in keywords_of.get(topic, [])[:top_words] if w]
        first, then = [w for w, _ in keywords], [w for w, _ in words]
        if not keywords_first:  # single words embed poorly through tf-idf + svd: c-TF-IDF words lead
            first, then = then, first
        label = "outliers" if topic == -1 else representation.label_of(first, then)
        rows.append({"topic": topic, "label": label, "words": words, "keywords": keywords,
                     "size": len(members[topic]), "representative": representative})
    return rows

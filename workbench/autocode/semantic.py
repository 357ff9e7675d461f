"""Semantic suggestions: segments close in meaning to a code's definition, or, once a code has enough
codings, ranked by a logistic-regression classifier trained on the coded segments' embeddings."""

from __future__ import annotations

import time

DEFAULT_THRESHOLD = 0.40  # cosine similarity to a code's text; best on the tuning split of corpus/gold
CLASSIFIER_THRESHOLD = 0.5  # probability from the code's classifier
MIN_CODINGS = 8
MAX_PER_CODE = 200
MIN_WORDS = 3


def code_text(code: dict) -> str:
    """What a code means, as one text: label, description, include criteria and examples."""
    parts = [code["label"], code.get("description") or "", *(code.get("include") or []), *(code.get("examples") or [])]
    return ". ".join(p.strip().rstrip(".") for p in parts if p and p.strip())


def coded_segments(db, code_ids: list[str]) -> dict[str, set[int]]:
    """code id -> ids of the segments its codings overlap (any coder, any source)."""
    out: dict[str, set[int]] = {c: set() for c in code_ids}
    for segment_id, code_id in db.execute(
            """SELECT DISTINCT s.id, g.code_id FROM codings g JOIN segments s
               ON s.document_id = g.document_id AND g.start < s."end" AND g."end" > s.start"""):
        out.setdefault(code_id, set()).add(segment_id)
    return out


def _threshold(threshold, code_id: str) -> float:
    if isinstance(threshold, dict):
        return float(threshold.get(code_id, DEFAULT_THRESHOLD))
    return DEFAULT_THRESHOLD if threshold is None else float(threshold)


def train_classifier(db, positives: set[int], negatives: set[int], pool: list[int], min_codings: int):
    """A logistic regression over embeddings: positives vs other coded segments, topped up from `pool`
    (uncoded segments, a fixed random sample) when there are too few; returns (model, negatives used)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from workbench.autocode.embeddings import segment_embeddings

    negatives = sorted(negatives - positives)
    wanted = max(2 * len(positives), min_codings)
    if len(negatives) < wanted:
        taken = set(negatives)
        extra = [i for i in pool if i not in positives and i not in taken]
        rng = np.random.default_rng(0)
        take = min(wanted - len(negatives), len(extra))
        negatives += [extra[k] for k in sorted(rng.choice(len(extra), size=take, replace=False))] if take else []
    ids = sorted(positives) + negatives
    x = segment_embeddings(db, ids)
    y = np.array([1] * len(positives) + [0] * len(negatives))
    clf = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000)
    clf.fit(x, y)
    return clf, len(negatives)


def suggest_semantic(db, code_ids: list[str] | None = None, document_ids: list[int] | None = None,
                     threshold: float | dict | None = None, progress=None, min_codings: int = MIN_CODINGS,
                     classifier_threshold: float = CLASSIFIER_THRESHOLD, max_per_code: int = MAX_PER_CODE,
                     min_words: int = MIN_WORDS, include_interviewer: bool = False) -> dict:
    """Suggest codes by meaning; threshold is one similarity or {code id: similarity}; progress(done, total)
    while segments are embedded. Interviewer and moderator turns are left out unless include_interviewer."""
    import numpy as np

    from workbench.autocode.embeddings import (
        MODEL_NAME,
        embed_texts,
        segment_embeddings,
    )
    from workbench.autocode.rules import scope_codes, segment_batches
    from workbench.autocode.scope import interviewer_segment_ids
    from workbench.autocode.suggestions import decided_pairs, save_suggestions

    codes = scope_codes(db, code_ids)
    _, batches = segment_batches(db, document_ids)
    questions = set() if include_interviewer else interviewer_segment_ids(db, document_ids)
    segments = [r for rows in batches for r in rows if len(r[4].split()) >= min_words and r[0] not in questions]
    result = {"segments": len(segments), "codes": len(codes), "new": 0, "per_code": {}, "model": MODEL_NAME,
              "embed_seconds": 0.0, "score_seconds": 0.0}
    if not codes or not segments:
        return result
    started = time.perf_counter()
    ids = [r[0] for r in segments]
    vectors = segment_embeddings(db, ids, progress)
    code_vectors = embed_texts([code_text(c) for c in codes])
    result["embed_seconds"] = time.perf_counter() - started

    started = time.perf_counter()
    similarity = vectors @ code_vectors.T
    coded = coded_segments(db, [c["id"] for c in codes])
    all_coded = set().union(*coded.values())
    total_segments = db.execute("SELECT count(*) FROM segments").fetchone()[0]
    done = decided_pairs(db, ("semantic", "classifier"), [c["id"] for c in codes])
    rows = []
    for j, code in enumerate(codes):
        positives = coded.get(code["id"], set())
        if len(positives) >= min_codings and total_segments - len(positives) >= min_codings:
            clf, n_negative = train_classifier(db, positives, all_coded - positives,
                                               [i for i in ids if i not in all_coded], min_codings)
            scores = clf.predict_proba(vectors)[:, 1]
            method, cutoff = "classifier", classifier_threshold
            why = (f"logistic regression on {len(positives)} coded and {n_negative} other segments "
                   f"(probability >= {cutoff:.2f})")
        else:
            scores = similarity[:, j]
            method, cutoff = "semantic", _threshold(threshold, code["id"])
            why = f"cosine similarity to the code's definition (threshold {cutoff:.2f})"
        order = np.argsort(-scores, kind="stable")
        picked = 0
        for k in order:
            if scores[k] < cutoff or picked >= max_per_code:
                break
            segment_id, document_id, start, end, _ = segments[k]
            if segment_id in positives or code["id"] in done.get(segment_id, ()):
                continue
            picked += 1
            label = "classifier probability" if method == "classifier" else "similarity"
            rows.append({"document_id": document_id, "segment_id": segment_id, "start": start, "end": end,
                         "code_id": code["id"], "method": method, "source": method, "score": round(float(scores[k]), 4),
                         "reason": f"{label} {scores[k]:.2f}: {why}"})
        result["per_code"][code["id"]] = {"method": method, "suggested": picked}
    result["new"] = save_suggestions(db, rows)
    result["score_seconds"] = time.perf_counter() - started
    return result

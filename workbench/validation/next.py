"""What to code next, and passages like a given one.

`next_passages`: uncertainty sampling across codes. Classifiers trained on what the coder has coded score the
passages of the documents the coder has not coded yet; a passage the classifiers are least sure about (a
probability near 0.5 for some code) teaches them most once coded. Picks are spread over documents (a round per
document, most uncertain first) and near-duplicates of a pick are skipped. Before anything is coded, passages
closest to the codes' definitions come first: they are the likeliest to carry a code.

`similar_passages`: the passages nearest by embedding to a segment, a coding or any text.
"""

from __future__ import annotations

from workbench.errors import InvalidValueError, NotFoundError

NEAR_DUPLICATE = 0.92  # cosine above which a candidate is taken to repeat an earlier pick
MIN_WORDS_NEXT = 8  # shorter passages (caption fragments, one-line answers) teach little: asked for only when
# there are too few longer ones


def _spread(order, documents, vectors, n: int) -> list[int]:
    """Up to n row numbers in the given order of preference, a round per document, skipping near-duplicates."""
    import numpy as np

    queues: dict[int, list[int]] = {}
    for k in order:
        queues.setdefault(int(documents[k]), []).append(int(k))
    picked: list[int] = []
    while len(picked) < n and any(queues.values()):
        for doc in list(queues):
            while queues[doc]:
                k = queues[doc].pop(0)
                if picked and float(np.max(vectors[picked] @ vectors[k])) > NEAR_DUPLICATE:
                    continue
                picked.append(k)
                break
            if len(picked) >= n:
                break
    return picked


def uncertain_rows(db, data, train, candidates, n: int, examples=None) -> list[tuple[int, float, str]]:
    """(row, score, why) of the n candidate rows to code next given classifiers trained on the train rows
    (uncertainty sampling across codes, spread over documents; closeness to the definitions before anything is
    coded)."""
    import numpy as np

    from workbench.validation.scoring import example_training, method_scores

    candidates = np.asarray(candidates, dtype=np.int64)
    if data.words is not None:
        longer = candidates[data.words[candidates] >= MIN_WORDS_NEXT]
        candidates = longer if len(longer) >= n else candidates
    examples = example_training(db, data.codes) if examples is None else examples
    scores = method_scores(data, train, candidates, examples, ("classifier",))["classifier"]
    trained = {c: s for c, s in scores.items() if s.any()}
    labels = {c["id"]: c["label"] for c in data.codes}
    if trained:
        codes = list(trained)
        matrix = np.vstack([trained[c] for c in codes])
        uncertainty = 1 - np.abs(2 * matrix - 1)  # 1 at probability 0.5, 0 at 0 or 1
        best, top = uncertainty.max(axis=0), uncertainty.argmax(axis=0)
        why = [f"the classifiers are unsure: {labels[codes[top[j]]]} {matrix[top[j], j]:.2f}"
               for j in range(len(candidates))]
    else:
        from workbench.autocode.semantic import code_text
        from workbench.embeddings.encoders import embed_for

        similarity = data.vectors[candidates] @ embed_for(db, [code_text(c) for c in data.codes]).T
        best, top = similarity.max(axis=1), similarity.argmax(axis=1)
        why = [f"nothing coded yet: close to the definition of {data.codes[top[j]]['label']}"
               for j in range(len(candidates))]
    order = np.argsort(-best, kind="stable")
    picks = _spread(candidates[order], data.documents, data.vectors, n)
    position = {int(k): int(j) for j, k in enumerate(candidates)}
    return [(k, round(float(best[position[k]]), 4), why[position[k]]) for k in picks]


def next_passages(db, coder: str | None, n: int = 10) -> list[dict]:
    """The n passages whose coding would teach the classifiers most, each with why it was picked."""
    import numpy as np

    from workbench.store.codings import documents_coded_by
    from workbench.store.segments import segment_details
    from workbench.validation.dataset import build_dataset

    if n < 1:
        raise InvalidValueError(f"cannot pick {n} passages", hint="ask for at least 1")
    data = build_dataset(db, coder, None, None, with_rules=False)
    if not len(data):
        return []
    in_coded = np.isin(data.documents, documents_coded_by(db, [coder]) if coder else [])
    candidates = np.flatnonzero(~in_coded)
    if not len(candidates):  # every document has codings: the passages without any code of the coder
        candidates = np.flatnonzero(~np.any([y for y in data.labels.values()], axis=0))
    if not len(candidates):
        return []
    picks = uncertain_rows(db, data, np.flatnonzero(in_coded), candidates, n)
    details = {d["segment_id"]: d for d in segment_details(db, [data.segment_ids[k] for k, _, _ in picks])}
    return [{**details[data.segment_ids[k]], "score": score, "why": why} for k, score, why in picks]


def similar_passages(db, segment: int | None = None, coding: int | None = None, text: str | None = None,
                     n: int = 10) -> list[dict]:
    """The n passages nearest by meaning to a segment, a coding's text or a selection, nearest first; the
    passage itself is left out, and for a coding so are the passages already coded with its code."""
    import numpy as np

    from workbench.embeddings.cache import segment_embeddings
    from workbench.store.codings import coded_segment_rows, get_coding
    from workbench.store.segments import segment_details
    from workbench.store.validations import document_segments

    if sum(x is not None for x in (segment, coding, text)) != 1:
        raise InvalidValueError("give one segment, one coding or a text", hint="workbench similar SEGMENT_ID")
    skip: set[int] = set()
    if coding is not None:
        found = get_coding(db, coding)
        if found is None:
            raise NotFoundError(f"no coding {coding}", hint="list codings with `workbench codings`")
        text = found["snippet"]
        skip = {r["segment_id"] for r in coded_segment_rows(db, code_id=found["code_id"])}
    rows = document_segments(db, None)
    ids = [r[0] for r in rows if len(r[4].split()) >= 3]
    if segment is not None:
        if not segment_details(db, [int(segment)]):
            raise NotFoundError(f"no segment {segment}", hint="list segments with `workbench segments DOC`")
        query = segment_embeddings(db, [int(segment)])[0]
        skip.add(int(segment))
    else:
        if not (text or "").strip():
            raise InvalidValueError("the text to match is empty", hint="select some words first")
        from workbench.embeddings.encoders import embed_for

        query = embed_for(db, [text])[0]
    vectors = segment_embeddings(db, ids)
    similarity = vectors @ query
    out = []
    for k in np.argsort(-similarity, kind="stable"):
        if ids[k] in skip:
            continue
        out.append((ids[k], float(similarity[k])))
        if len(out) >= n:
            break
    details = {d["segment_id"]: d for d in segment_details(db, [i for i, _ in out])}
    return [{**details[i], "similarity": round(s, 4)} for i, s in out if i in details]

"""Topic coherence as NPMI of a topic's top words, counted over the segments themselves (document co-occurrence).

NPMI(a, b) = log(p(a, b) / (p(a) p(b))) / -log(p(a, b)), with p the share of segments containing the word;
pairs that never co-occur score -1. A topic's coherence is the mean over its word pairs; a model's is the
mean over its topics (outliers left out). Word pairs (bigrams) count as their two words.
"""

from __future__ import annotations

import itertools


def npmi(texts: list[str], topics_words: list[list[str]], stop_words: list[str] | None = None) -> dict:
    """{"mean": model NPMI, "per_topic": [NPMI per topic]} of top-word lists over these texts."""
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer

    counter = CountVectorizer(binary=True, token_pattern=r"(?u)\b[^\W\d_]{2,}\b", lowercase=True,
                              stop_words=stop_words or None)
    matrix = counter.fit_transform(texts).tocsc()
    vocab = counter.vocabulary_
    n = matrix.shape[0]
    per_topic = []
    for words in topics_words:
        unigrams = list(dict.fromkeys(w for phrase in words for w in phrase.split() if w in vocab))[:10]
        if len(unigrams) < 2:
            continue
        cols = matrix[:, [vocab[w] for w in unigrams]]
        joint = (cols.T @ cols).toarray().astype(float) / n
        single = np.diag(joint)
        scores = []
        for i, j in itertools.combinations(range(len(unigrams)), 2):
            p_ij = joint[i, j]
            if p_ij == 0:
                scores.append(-1.0)
            elif p_ij == 1:
                scores.append(1.0)
            else:
                scores.append(float(np.log(p_ij / (single[i] * single[j])) / -np.log(p_ij)))
        per_topic.append(float(np.mean(scores)))
    return {"mean": float(np.mean(per_topic)) if per_topic else float("nan"), "per_topic": per_topic}

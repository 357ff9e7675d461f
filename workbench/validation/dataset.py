"""What a validation (and a gated suggestion run) reads: the segments in scope, one coder's labels rolled up the
code tree, the segments' embeddings with and without their neighbouring turns, and the rule scores.

Units are segments, as in `workbench.autocode.evaluate`: a segment carries code C when one of the coder's codings
of C, or of a sub-code of C, overlaps it. Segments are those suggestions look at: not interviewer or moderator
turns, not structure (headings, references...), at least MIN_WORDS words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from workbench.errors import InvalidValueError, NotFoundError

if TYPE_CHECKING:
    import numpy as np

MIN_WORDS = 3
CONTEXT_WEIGHT = 0.5  # weight of each neighbouring turn in a segment's "with context" embedding


@dataclass
class Dataset:
    segment_ids: list[int]
    documents: np.ndarray  # document id of each segment
    spans: list[tuple[int, int]]  # (start, end) of each segment
    codes: list[dict]  # code rows in tree order
    themes: dict[str, str]  # code id -> its top-level code
    words: np.ndarray | None = None  # words in each segment
    labels: dict[str, np.ndarray] = field(default_factory=dict)  # code id -> 0/1 per segment (rolled up)
    vectors: np.ndarray | None = None  # segment embeddings (caption cues with their window)
    context_vectors: np.ndarray | None = None  # with the neighbouring turns of the same document mixed in
    rule_scores: dict[str, np.ndarray] = field(default_factory=dict)  # code id -> rule score per segment (0: none)
    rule_reasons: dict[str, dict[int, dict]] = field(default_factory=dict)  # code id -> row -> describe() of hits

    def __len__(self) -> int:
        return len(self.segment_ids)


def coders_with_codings(db) -> list[tuple[str, int]]:
    """(coder, codings) of every coder who has coded something, most first."""
    from workbench.store.codings import list_coders

    return sorted(((c["name"], c["codings"]) for c in list_coders(db) if c["codings"]), key=lambda c: (-c[1], c[0]))


def choose_coder(db, coder: str | None) -> str:
    """The coder whose codings are the evidence: the one named, else the only coder with codings."""
    coders = coders_with_codings(db)
    if coder:
        if coder not in {name for name, _ in coders}:
            raise NotFoundError(f"coder {coder!r} has no codings to validate against",
                                hint="code some passages first, or name another coder with --coder")
        return coder
    if not coders:
        raise NotFoundError("nobody has coded anything yet, so there is nothing to measure suggestions against",
                            hint="code passages by hand in the reader (20 per code is the least the gate accepts)")
    if len(coders) > 1:
        raise InvalidValueError("several coders have codings: " + ", ".join(f"{n} ({c})" for n, c in coders),
                                hint="name the coder (or the team name with the agreed codings) with --coder")
    return coders[0][0]


def _with_context(vectors, documents) -> np.ndarray:
    """Each row plus CONTEXT_WEIGHT times the rows before and after it in the same document, renormalised."""
    import numpy as np

    mixed = vectors.copy()
    same_before = np.r_[False, documents[1:] == documents[:-1]]
    same_after = np.r_[documents[:-1] == documents[1:], False]
    mixed[same_before] += CONTEXT_WEIGHT * vectors[np.flatnonzero(same_before) - 1]
    mixed[same_after] += CONTEXT_WEIGHT * vectors[np.flatnonzero(same_after) + 1]
    norms = np.linalg.norm(mixed, axis=1, keepdims=True)
    return (mixed / np.where(norms == 0, 1, norms)).astype(np.float32)


def segments_in_scope(db, document_ids: list[int] | None, include_interviewer: bool = False,
                      include_structure: bool = False) -> tuple[list[tuple], list[int]]:
    """(every segment row (id, document_id, start, end, text, speaker) of these documents (None: all) in reading
    order, the positions of those suggestions look at): not the interviewer's or moderator's turns unless
    include_interviewer, not structure unless include_structure, at least MIN_WORDS words."""
    from workbench.autocode.scope import interviewer_segment_ids
    from workbench.store.validations import document_segments

    rows = document_segments(db, document_ids, include_structure)
    questions = set() if include_interviewer else interviewer_segment_ids(db, document_ids)
    return rows, [k for k, r in enumerate(rows) if r[0] not in questions and len(r[4].split()) >= MIN_WORDS]


def build_dataset(db, coder: str | None, document_ids: list[int] | None, code_ids: list[str] | None = None,
                  with_vectors: bool = True, with_rules: bool = True, progress=None) -> Dataset:
    """The segments of these documents (None: all) with the coder's labels (None: no labels), embeddings and
    rule scores. Context embeddings mix in every neighbouring turn, the interviewer's questions too."""
    import numpy as np

    from workbench.autocode.context import classifier_embeddings
    from workbench.store.codes import ancestor_chains, scope_codes
    from workbench.store.codings import coded_segment_rows

    codes = scope_codes(db, code_ids)
    chains = ancestor_chains(db)
    rows, keep = segments_in_scope(db, document_ids)
    data = Dataset(segment_ids=[rows[k][0] for k in keep], documents=np.array([rows[k][1] for k in keep], dtype=np.int64),
                   spans=[(rows[k][2], rows[k][3]) for k in keep], codes=codes,
                   words=np.array([len(rows[k][4].split()) for k in keep], dtype=np.int64),
                   themes={c["id"]: chains.get(c["id"], [c["id"]])[-1] for c in codes})
    position = {segment_id: k for k, segment_id in enumerate(data.segment_ids)}
    for c in codes:
        data.labels[c["id"]] = np.zeros(len(keep), dtype=np.int8)
    if coder is not None:
        for row in coded_segment_rows(db, coder):
            k = position.get(row["segment_id"])
            if k is None:
                continue
            for code_id in chains.get(row["code_id"], [row["code_id"]]):
                if code_id in data.labels:
                    data.labels[code_id][k] = 1
    if with_vectors and keep:
        every = classifier_embeddings(db, [r[0] for r in rows], progress)  # all turns: questions are context
        doc_of_all = np.array([r[1] for r in rows], dtype=np.int64)
        data.vectors = every[keep]
        data.context_vectors = _with_context(every, doc_of_all)[keep]
    if with_rules and keep:
        rule_scores(db, data, [rows[k][4] for k in keep])
    return data


def rule_scores(db, data: Dataset, texts: list[str]) -> None:
    """Fill data.rule_scores: per code, the score its rules (or its sub-codes' rules) give each segment (0: none)."""
    import numpy as np

    from workbench.autocode.reasons import describe
    from workbench.autocode.rules import match_texts, rule_set
    from workbench.store.codes import ancestor_chains

    chains = ancestor_chains(db)
    for c in data.codes:
        data.rule_scores[c["id"]] = np.zeros(len(texts), dtype=np.float32)
        data.rule_reasons[c["id"]] = {}
    with_patterns = [c for c in data.codes if c["patterns"]]
    if not with_patterns:
        return
    rs = rule_set(with_patterns)
    found, _ = match_texts(rs, texts)
    for k, by_code in enumerate(found):
        for code_id, hits in by_code.items():
            described = describe(rs, hits)
            for target in chains.get(code_id, [code_id]):  # a sub-code's rule speaks for its parents too
                if target in data.rule_scores and described["score"] > data.rule_scores[target][k]:
                    data.rule_scores[target][k] = described["score"]
                    data.rule_reasons[target][k] = described

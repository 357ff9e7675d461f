"""Precision, recall and F1 of suggestions (or a coder) against a gold standard, per code and per theme.

Units are segments: a segment counts as coded with C when a coding (or suggestion)
of C overlaps it. Theme level maps every code to its top-level ancestor.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from workbench.errors import InvalidValueError, NotFoundError, WorkbenchError
from workbench.store.codes import code_ids
from workbench.store.codings import coder_exists, coder_spans
from workbench.store.documents import document_ids, document_ids_by_title
from workbench.store.segments import document_segment_spans
from workbench.store.suggestions import suggestion_spans

GOLD_COLUMNS = ("document", "start", "end", "code")


class GoldFileError(WorkbenchError):
    hint = "a gold file is CSV with columns document (title), start, end, code and optionally split"


def read_gold(db, path: str | Path, split: str | None = None) -> tuple[set[int], list[tuple[int, int, int, str]]]:
    """(document ids in scope, spans) from a gold CSV; errors name the row. A row with an empty code puts
    its document in scope without a span: a document the gold coders read and left uncoded."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise GoldFileError(f"cannot read gold file {path}: {exc.strerror}") from exc
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in GOLD_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise GoldFileError(f"{path.name}: missing column {missing[0]!r}")
    titles = document_ids_by_title(db)
    codes = code_ids(db)
    docs: set[int] = set()
    spans = []
    for n, row in enumerate(reader, start=2):
        if split and row.get("split") != split:
            continue
        if row["document"] not in titles:
            raise GoldFileError(f"{path.name} row {n}: no document titled {row['document']!r} in the project")
        if not (row["code"] or "").strip():  # a document coded with nothing: in scope, no span
            docs.add(titles[row["document"]])
            continue
        if row["code"] not in codes:
            raise GoldFileError(f"{path.name} row {n}: unknown code {row['code']!r}",
                                hint="load the codebook the gold file was coded with")
        try:
            start, end = int(row["start"]), int(row["end"])
        except ValueError as exc:
            raise GoldFileError(f"{path.name} row {n}: start and end must be whole numbers") from exc
        doc_id = titles[row["document"]]
        docs.add(doc_id)
        spans.append((doc_id, start, end, row["code"]))
    if not docs:
        raise GoldFileError(f"{path.name}: no rows" + (f" in split {split!r}" if split else ""))
    return docs, spans


def to_units(segments: dict[int, list[tuple[int, int, int]]], spans) -> set[tuple[int, str]]:
    """(segment id, code) for every segment a span overlaps."""
    units = set()
    for doc_id, start, end, code in spans:
        for seg_id, s, e in segments.get(doc_id, ()):
            if start < e and s < end:
                units.add((seg_id, code))
    return units


def predicted_spans(db, doc_ids: set[int], coder: str | None = None, method: str | None = None):
    """Spans of a coder's codings, or of suggestions (any status; `method` rules/semantic/classifier)."""
    if coder:
        if not coder_exists(db, coder):
            raise NotFoundError(f"unknown coder {coder!r}", hint="list coders with `workbench coders`")
        return coder_spans(db, coder, doc_ids)
    every = ["rules", "semantic", "classifier", "classifier+context", "rules+classifier", "llm"]
    methods = {"rules": ["rules"], "semantic": ["semantic", "classifier"], "classifier": ["classifier"],
               "both": ["rules", "semantic", "classifier"], "llm": ["llm"], "auto": every, None: every}
    if method not in methods:
        raise InvalidValueError(f"unknown method {method!r}", hint="auto, rules, semantic, classifier, both or llm")
    return suggestion_spans(db, methods[method], doc_ids)


def scores(gold: set[tuple[int, str]], predicted: set[tuple[int, str]]) -> dict:
    """Per-label and macro-averaged precision, recall, F1 from sets of (unit, label)."""
    labels = sorted({c for _, c in gold} | {c for _, c in predicted})
    per = {}
    for label in labels:
        g = {u for u, c in gold if c == label}
        p = {u for u, c in predicted if c == label}
        tp = len(g & p)
        precision = tp / len(p) if p else 0.0
        recall = tp / len(g) if g else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per[label] = {"support": len(g), "predicted": len(p), "tp": tp,
                      "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}
    scored = [v for v in per.values() if v["support"]]
    macro = {k: round(sum(v[k] for v in scored) / len(scored), 4) if scored else 0.0
             for k in ("precision", "recall", "f1")}
    return {"per_label": per, "macro": macro}


def evaluate(db, gold_path=None, gold_coder: str | None = None, coder: str | None = None,
             method: str | None = None, split: str | None = None) -> dict:
    """Compare suggestions (default) or a coder's codings with a gold file or a gold coder."""
    from workbench.store.codes import ancestor_chains

    if bool(gold_path) == bool(gold_coder):
        raise InvalidValueError("give either a gold file or a gold coder")
    if gold_path:
        doc_ids, gold_spans = read_gold(db, gold_path, split)
    else:
        gold_spans = predicted_spans(db, document_ids(db), coder=gold_coder)
        doc_ids = {s[0] for s in gold_spans}
        if not doc_ids:
            raise NotFoundError(f"coder {gold_coder!r} has no codings")
    segments = document_segment_spans(db, doc_ids)
    gold = to_units(segments, gold_spans)
    predicted = to_units(segments, predicted_spans(db, doc_ids, coder, method))
    top = {code: chain[-1] for code, chain in ancestor_chains(db).items()}
    theme = lambda units: {(u, top.get(c, c)) for u, c in units}
    return {"documents": len(doc_ids), "segments": sum(len(v) for v in segments.values()),
            "split": split, "predicted_by": f"coder {coder}" if coder else f"suggestions ({method or 'all'})",
            "code": scores(gold, predicted), "theme": scores(theme(gold), theme(predicted))}

"""Inter-coder agreement between two coders: per code and overall, by segment or by character.

The statistics are small pure functions over two equal-length sequences of nominal judgements,
so they can be checked against textbook values; `agreement` builds binary sequences (coded with
a code or not, per unit) from the project's codings and feeds them to those functions.

Conventions where a statistic is undefined:
* no units at all (n = 0): percent agreement, kappa and alpha are None;
* both coders give the same judgement on every unit: kappa and alpha are 1.0 (sklearn returns
  nan and krippendorff raises when only one value occurs; perfect agreement is what happened).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from workbench.errors import CodingError, InvalidValueError, WorkbenchError
from workbench.store.codes import code_rows, descendants
from workbench.store.codings import coder_names, coding_count, coding_rows, documents_coded_by
from workbench.store.documents import document_header, resolve_document, segments_by_position

UNITS = ("segment", "character")


def _arrays(a: Sequence, b: Sequence):
    import numpy as np

    x, y = np.asarray(a), np.asarray(b)
    if x.ndim != 1 or x.shape != y.shape:
        raise InvalidValueError(f"agreement needs two equal-length sequences, got {len(a)} and {len(b)}",
                                hint="give one judgement per unit for each coder")
    return x, y


def _require(module: str, package: str):
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise WorkbenchError(f"inter-coder agreement needs the {package!r} package",
                             hint=f"install it with `pip install {package}`") from None


def percent_agreement(a: Sequence, b: Sequence) -> float | None:
    """Share of units on which both coders give the same judgement (None when there are none)."""
    x, y = _arrays(a, b)
    return float((x == y).mean()) if len(x) else None


def cohen_kappa(a: Sequence, b: Sequence) -> float | None:
    """Cohen's kappa (sklearn); 1.0 when the coders agree on every unit, None when there are none."""
    x, y = _arrays(a, b)
    if not len(x):
        return None
    if (x == y).all():
        return 1.0
    metrics = _require("sklearn.metrics", "scikit-learn")
    return float(metrics.cohen_kappa_score(x, y))


def krippendorff_alpha(a: Sequence, b: Sequence) -> float | None:
    """Krippendorff's alpha, nominal, two coders, no missing values; 1.0 on full agreement."""
    import numpy as np

    x, y = _arrays(a, b)
    if not len(x):
        return None
    if (x == y).all():
        return 1.0
    krippendorff = _require("krippendorff", "krippendorff")
    if x.dtype == bool and y.dtype == bool:
        data, domain = np.vstack([x, y]).astype(np.int8), [0, 1]
    else:
        labels, codes = np.unique(np.concatenate([x, y]), return_inverse=True)
        data, domain = codes.reshape(2, -1), list(range(len(labels)))
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal",
                                    value_domain=domain))


def code_statistics(a: Sequence, b: Sequence) -> dict:
    """Counts and agreement statistics for one code's binary judgements by coders A and B."""
    import numpy as np

    x, y = (arr.astype(bool) for arr in _arrays(a, b))
    return {"n": len(x), "coded_by_a": int(x.sum()), "coded_by_b": int(y.sum()),
            "coded_by_both": int(np.logical_and(x, y).sum()), "percent_agreement": percent_agreement(x, y),
            "kappa": cohen_kappa(x, y), "alpha": krippendorff_alpha(x, y)}


def _mean(values) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _check_coders(db, coder_a: str, coder_b: str) -> tuple[str, str]:
    names = [" ".join(str(c).split()) for c in (coder_a, coder_b)]
    known = coder_names(db)
    for name in names:
        if name not in known:
            raise CodingError(f"unknown coder {name!r}",
                              hint="coders: " + (", ".join(known) or "none yet; add one with `workbench coders add NAME`"))
    if names[0] == names[1]:
        raise CodingError(f"agreement compares two different coders, got {names[0]!r} twice",
                          hint="name a second coder who coded the same documents")
    for name in names:
        if not coding_count(db, name):
            raise CodingError(f"coder {name!r} has no codings",
                              hint="both coders must code the same documents before agreement can be computed")
    return names[0], names[1]


def _scope(db, used: set[str], codes: list[str] | None, with_subcodes: bool):
    """The codes compared (given, else those used in the compared documents), their labels, and which
    stored code ids count as each of them."""
    rows = code_rows(db)
    labels = {r["id"]: r["label"] for r in rows}
    if codes is None:
        scope = [r["id"] for r in rows if r["id"] in used]
        if not scope:
            raise CodingError("the two coders used no codes of the codebook in these documents",
                              hint="check the project's codes and the documents compared")
    else:
        scope = list(dict.fromkeys(codes))
        if not scope:
            raise InvalidValueError("no codes to compare", hint="leave codes out to compare every code used")
        for code in scope:
            if code not in labels:
                raise CodingError(f"unknown code {code!r}", hint="list codes with `workbench codebook show`")
    counts_as: dict[str, list[int]] = {}
    for i, code in enumerate(scope):
        for member in (descendants(db, code) if with_subcodes else [code]):
            counts_as.setdefault(member, []).append(i)
    return scope, labels, counts_as


def _document_judgements(doc: dict, segments: list[dict], codings: list[dict], unit: str,
                         coders: tuple[str, str], counts_as: dict[str, list[int]], n_codes: int):
    """Boolean (codes x units) matrices for coder A and coder B in one document."""
    import numpy as np

    n_units = len(segments) if unit == "segment" else doc["char_count"]
    judged = {c: np.zeros((n_codes, n_units), dtype=bool) for c in coders}
    if unit == "segment":
        starts = np.array([s["start"] for s in segments], dtype=np.int64)
        ends = np.array([s["end"] for s in segments], dtype=np.int64)
    for g in codings:
        rows = counts_as.get(g["code_id"], [])
        if not rows:
            continue
        if unit == "segment":
            judged[g["coder"]][rows] |= (starts < g["end"]) & (g["start"] < ends)
        else:
            judged[g["coder"]][rows, g["start"]:g["end"]] = True
    return judged[coders[0]], judged[coders[1]]


def _segment_disagreements(doc, segments, scope, a, b, coders) -> list[dict]:
    import numpy as np

    found = []
    for code_i, seg_i in np.argwhere(a != b):
        seg = segments[seg_i]
        who = 0 if a[code_i, seg_i] else 1
        found.append({"document_id": doc["id"], "document": doc["title"], "segment_id": seg["id"],
                      "start": seg["start"], "end": seg["end"], "code": scope[code_i],
                      "coded_by": coders[who], "not_coded_by": coders[1 - who], "text": seg["text"]})
    return found


def _character_disagreements(doc, scope, a, b, coders) -> list[dict]:
    """Runs of consecutive characters that exactly one coder (the same one) coded with a code."""
    import numpy as np

    found = []
    for code_i, code in enumerate(scope):
        diff = a[code_i].astype(np.int8) - b[code_i].astype(np.int8)  # 1: only A, -1: only B
        edges = np.flatnonzero(np.diff(np.concatenate([[0], diff, [0]])))
        for start, end in zip(edges[:-1].tolist(), edges[1:].tolist()):
            if diff[start]:
                who = 0 if diff[start] > 0 else 1
                found.append({"document_id": doc["id"], "document": doc["title"], "segment_id": None,
                              "start": start, "end": end, "code": code, "coded_by": coders[who],
                              "not_coded_by": coders[1 - who], "text": doc["text"][start:end]})
    return found


def _documents(db, coders: tuple[str, str], documents: Sequence[int | str] | None) -> list[int]:
    """The documents compared: those given (by id or title), else those BOTH coders coded at least one span in.

    A document only one coder opened says nothing about agreement: counting its units would add the
    other coder's silence as disagreements (and pad the agreement with units nobody looked at)."""
    if documents is not None:
        ids = list(dict.fromkeys(resolve_document(db, ref)["id"] for ref in documents))
        if not ids:
            raise InvalidValueError("no documents to compare",
                                    hint="leave documents out to compare the documents both coders coded")
        return sorted(ids)
    first, second = (set(documents_coded_by(db, [coder])) for coder in coders)
    shared = sorted(first & second)
    if not shared:
        raise CodingError(f"{coders[0]!r} and {coders[1]!r} coded no document in common",
                          hint="agreement compares documents both coders coded: code the same documents, "
                               "or name the documents to compare")
    return shared


def agreement(db, coder_a: str, coder_b: str, unit: str = "segment", codes: list[str] | None = None,
              skip_uncoded: bool = False, with_subcodes: bool = False,
              documents: Sequence[int | str] | None = None) -> dict:
    """Agreement of two coders per code and overall, with every disagreement listed for resolution.

    Units are the segments (or characters) of every document BOTH coders coded at least once, with
    any code, or of the `documents` given (ids or titles); the result names them (`documents` ids,
    `document_titles`). A segment counts as coded with C when a coding of C overlaps it; a character
    when it lies inside one. `with_subcodes` counts a coding of a sub-code as one of each listed
    ancestor; `skip_uncoded` leaves out units neither coder coded with any code in scope.
    """
    import numpy as np

    if unit not in UNITS:
        raise InvalidValueError(f"unknown unit {unit!r}", hint="units: " + ", ".join(UNITS))
    coders = _check_coders(db, coder_a, coder_b)
    doc_ids = _documents(db, coders, documents)
    coded = {doc_id: coding_rows(db, doc_id, list(coders)) for doc_id in doc_ids}
    scope, labels, counts_as = _scope(db, {g["code_id"] for rows in coded.values() for g in rows}, codes,
                                      with_subcodes)
    per_a, per_b, disagreements, titles = [], [], [], []
    for doc_id in doc_ids:
        doc = document_header(db, doc_id, with_text=unit == "character")
        titles.append(doc["title"])
        segments = segments_by_position(db, doc_id) if unit == "segment" else []
        a, b = _document_judgements(doc, segments, coded[doc_id], unit, coders, counts_as, len(scope))
        if unit == "segment":
            disagreements += _segment_disagreements(doc, segments, scope, a, b, coders)
        else:
            disagreements += _character_disagreements(doc, scope, a, b, coders)
        if skip_uncoded:
            keep = (a | b).any(axis=0)
            a, b = a[:, keep], b[:, keep]
        per_a.append(a)
        per_b.append(b)
    all_a = np.concatenate(per_a, axis=1) if per_a else np.zeros((len(scope), 0), dtype=bool)
    all_b = np.concatenate(per_b, axis=1) if per_b else np.zeros((len(scope), 0), dtype=bool)
    order = {code: i for i, code in enumerate(scope)}
    disagreements.sort(key=lambda d: (d["document_id"], d["start"], d["end"], order[d["code"]], d["coded_by"]))
    counted = Counter(d["code"] for d in disagreements)
    per_code = [{"code": code, "label": labels.get(code, code), **code_statistics(all_a[i], all_b[i]),
                 "disagreements": counted[code]}
                for i, code in enumerate(scope)]
    pooled_a, pooled_b = all_a.ravel(), all_b.ravel()
    overall = {"n": len(pooled_a), "percent_agreement": percent_agreement(pooled_a, pooled_b),
               "kappa": cohen_kappa(pooled_a, pooled_b), "alpha": krippendorff_alpha(pooled_a, pooled_b),
               "mean_kappa": _mean(c["kappa"] for c in per_code),
               "mean_alpha": _mean(c["alpha"] for c in per_code), "disagreements": len(disagreements)}
    return {"coder_a": coders[0], "coder_b": coders[1], "unit": unit, "with_subcodes": with_subcodes,
            "skip_uncoded": skip_uncoded, "documents": doc_ids, "document_titles": titles, "units": int(all_a.shape[1]),
            "codes": per_code, "overall": overall, "disagreements": disagreements}

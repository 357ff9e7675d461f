"""Gated suggestions (`autocode --method auto`, the default): each code is suggested only once it has earned it.

The newest validation (`workbench validate`) says per code whether it passed the gate, with which method and at
which threshold. A passed code is scored with that method, trained on everything the validation's coder has
coded (and the codebook's examples), and suggested where its score reaches the threshold; the reason says how
often such suggestions were right when measured. A code that did not pass is not suggested, and the result says
why ("not enough evidence yet: code 12 more passages"). A parent stands back where one of its passed sub-codes
is suggested. When the coder's codings changed since the validation it is run again first.
"""

from __future__ import annotations

from workbench.validation import figures as fig

DECIDED_METHODS = ("rules", "semantic", "classifier", "classifier+context", "rules+classifier", "llm")


def _reason(method: str, score: float, threshold: float, rule: dict | None, trust: str | None, run: int,
            llm_reason: str | None = None) -> str:
    if method == "rules":
        head = rule["reason"] if rule else f"rule score {score:.2f}"
    elif method == "rules+classifier":
        head = (f"{rule['reason']}; " if rule else "") + f"rules and classifier together {score:.2f}"
    elif method == "llm":
        head = llm_reason or f"language model {score:.2f}"
    else:
        head = f"{method} probability {score:.2f}"
    return f"{head} (at least {threshold:.2f}, set by validation {run}){'; ' + trust if trust else ''}"


def suggest_gated(db, validation: dict, code_ids: list[str] | None = None, document_ids: list[int] | None = None,
                  progress=None) -> dict:
    """Save the suggestions of every passed code in these documents (None: all); returns what was suggested per
    code and, for each code left off, why."""
    import numpy as np

    from workbench.store.codes import ancestor_chains
    from workbench.store.codings import documents_coded_by
    from workbench.store.suggestions import decided_pairs, save_suggestions
    from workbench.validation.dataset import build_dataset
    from workbench.validation.scoring import example_training, method_scores

    entries = validation["results"]["codes"]
    wanted = set(code_ids) if code_ids else None
    passed = {c: e for c, e in entries.items() if e["passed"] and (wanted is None or c in wanted)}
    result = {"validation": validation["id"], "new": 0, "per_code": {},
              "off": {c: e["message"] for c, e in entries.items() if not e["passed"] and (wanted is None or c in wanted)}}
    if not passed:
        return result
    coder = validation["coder"]
    training_docs = set(documents_coded_by(db, [coder]))
    targets = sorted(set(document_ids) | training_docs) if document_ids is not None else None
    data = build_dataset(db, coder, targets, None, progress=progress)
    if not len(data):
        return result
    in_training = np.isin(data.documents, list(training_docs))
    train = np.flatnonzero(in_training)
    test = np.flatnonzero(np.isin(data.documents, document_ids)) if document_ids is not None else np.arange(len(data))
    methods = sorted({e["method"] for e in passed.values()} | ({"classifier"} if any(
        e["method"] == "rules+classifier" for e in passed.values()) else set()))
    scores = method_scores(data, train, test, example_training(db, data.codes), [m for m in methods if m != "llm"])
    llm_reasons = {}
    if "llm" in methods:  # the model's answers (asked now where missing), if it is still the model validated
        llm_off = _llm_scores(db, validation, data, test, scores, llm_reasons, progress)
        for code_id in [c for c, e in passed.items() if e["method"] == "llm" and llm_off]:
            result["off"][code_id] = llm_off
            del passed[code_id]
    chains = ancestor_chains(db)
    # coded with the code by anyone, or suggested it before (decided or pending): not suggested again
    done = decided_pairs(db, DECIDED_METHODS, list(passed))
    fires = {c: scores[e["method"]][c] >= e["threshold"] for c, e in passed.items()}
    for code_id in passed:  # a parent stands back where a passed sub-code of it fires
        for ancestor in chains.get(code_id, [code_id])[1:]:
            if ancestor in fires:
                fires[ancestor] = fires[ancestor] & ~fires[code_id]
    rows = []
    for code_id, entry in passed.items():
        method, threshold = entry["method"], entry["threshold"]
        picked = 0
        for j in np.flatnonzero(fires[code_id]):
            k = test[j]
            segment_id = data.segment_ids[k]
            if code_id in done.get(segment_id, ()):
                continue
            score = float(scores[method][code_id][j])
            rule = data.rule_reasons.get(code_id, {}).get(int(k))
            trust = fig.trust_text(entry["bands"].get(method), score)
            start, end = data.spans[k]
            rows.append({"document_id": int(data.documents[k]), "segment_id": segment_id, "start": start, "end": end,
                         "code_id": code_id, "method": method, "source": rule["source"] if method == "rules" and rule
                         else method, "score": round(score, 4), "threshold": threshold,
                         "reason": _reason(method, score, threshold, rule, trust, validation["id"],
                                           llm_reasons.get((segment_id, code_id)))})
            picked += 1
        result["per_code"][code_id] = {"method": method, "threshold": threshold, "suggested": picked}
    result["new"] = save_suggestions(db, rows)
    return result


def _llm_scores(db, validation: dict, data, test, scores: dict, reasons: dict, progress=None) -> str | None:
    """Put the language model's scores of the test rows in scores["llm"] and its quote and rationale per (segment,
    code) in reasons; returns why llm codes are off instead when the server or model is not the one validated or
    does not answer."""
    from workbench.errors import WorkbenchError
    from workbench.llm.method import llm_scores
    from workbench.llm.session import open_session

    measured = (validation.get("settings") or {}).get("llm") or {}
    try:
        session = open_session(db, None, (validation.get("settings") or {}).get("codes"))
    except WorkbenchError as exc:
        return f"measured with a language model, which cannot be asked now: {exc.message}"
    try:
        if session.key != measured.get("prompt_key"):
            return ("measured with another language model, server, prompt or codebook than the project's now: "
                    "validate again with --llm")
        scores["llm"] = llm_scores(db, session, [data.segment_ids[k] for k in test], progress, reasons)
    except WorkbenchError as exc:
        return f"the language model did not answer: {exc.message}"
    finally:
        session.close()
    return None

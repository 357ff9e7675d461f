"""The `llm` suggestion method: a language model reads each segment with the codebook, and a code is suggested
where it names the code with a quote found verbatim in the segment. The score is the confidence it gave (high
1.0, medium 0.75, low 0.5); the reason is its quote and rationale. The same answers score validation's `llm`
method, so the gate measures the model like any other coder before its suggestions are on by default.
"""

from __future__ import annotations

from workbench.llm.answers import score_of
from workbench.llm.session import LLMSession, ask_segments


def scoped_segments(db, document_ids: list[int] | None, include_interviewer: bool = False,
                    include_structure: bool = False) -> list[dict]:
    """The segments suggestions look at in these documents (None: all), in reading order, as validation takes
    them (`workbench.validation.dataset.segments_in_scope`)."""
    from workbench.validation.dataset import segments_in_scope

    rows, keep = segments_in_scope(db, document_ids, include_interviewer, include_structure)
    return [{"segment_id": r[0], "document_id": r[1], "start": r[2], "end": r[3], "text": r[4], "speaker": r[5]}
            for r in (rows[k] for k in keep)]


def reason_of(code: dict, model: str) -> str:
    """«the quoted words» — the rationale (high confidence, model)."""
    rationale = f" — {code['rationale']}" if code.get("rationale") else ""
    return f"«{code['quote']}»{rationale} ({code.get('confidence', 'medium')} confidence, {model})"


def _without_parents(codes: list[dict], chains: dict) -> list[dict]:
    """The codes of one answer less any parent of another of them (the more specific code stands)."""
    named = {c["code"] for c in codes}
    covered = {a for c in named for a in chains.get(c, [c])[1:]}
    return [c for c in codes if c["code"] not in covered]


def suggest_llm(db, session: LLMSession, document_ids: list[int] | None = None, progress=None,
                include_interviewer: bool = False, include_structure: bool = False) -> dict:
    """Ask the model about every segment in scope (answers already stored are reused) and save a suggestion for
    each code it gives with a verifiable quote, unless the segment is coded with that code or it was suggested
    there by the model before."""
    from workbench.store.codes import ancestor_chains
    from workbench.store.suggestions import decided_pairs, save_suggestions

    segments = scoped_segments(db, document_ids, include_interviewer, include_structure)
    answers = ask_segments(db, session, segments, progress)
    chains = ancestor_chains(db)
    done = decided_pairs(db, ("llm",), [c["id"] for c in session.codes])
    rows, per_code = [], {}
    for segment in segments:
        answer = answers.get(segment["segment_id"])
        if answer is None:
            continue
        for code in _without_parents(answer["answer"].get("codes") or [], chains):
            if code["code"] in done.get(segment["segment_id"], ()):
                continue
            rows.append({"document_id": segment["document_id"], "segment_id": segment["segment_id"],
                         "start": segment["start"], "end": segment["end"], "code_id": code["code"], "method": "llm",
                         "source": "llm", "score": score_of(code), "reason": reason_of(code, session.config.model)})
            per_code[code["code"]] = per_code.get(code["code"], 0) + 1
    new = save_suggestions(db, rows)
    return {**session.stats, "new": new, "per_code": per_code, "model": session.config.model,
            "digest": session.info.get("digest")}


def llm_scores(db, session: LLMSession, segment_ids: list[int], progress=None,
               reasons: dict | None = None) -> dict:
    """{code id: score per segment (0: not given)} for the codes offered, each code also scoring where one of its
    sub-codes was given (as labels roll up in validation); asks for segments not yet answered. With `reasons`,
    fills it with {(segment id, code id): the model's quote and rationale} from the same answers."""
    import numpy as np

    from workbench.store.codes import ancestor_chains
    from workbench.store.segments import segment_details

    details = {d["segment_id"]: d for d in segment_details(db, list(segment_ids))}
    segments = [{"segment_id": i, "text": details[i]["text"], "speaker": details[i].get("speaker")}
                for i in segment_ids if i in details]
    answers = ask_segments(db, session, segments, progress)
    chains = ancestor_chains(db)
    scores = {c["id"]: np.zeros(len(segment_ids)) for c in session.codes}
    for k, segment_id in enumerate(segment_ids):
        answer = answers.get(segment_id)
        for code in (answer["answer"].get("codes") or []) if answer else []:
            for target in chains.get(code["code"], [code["code"]]):
                if target in scores:
                    scores[target][k] = max(scores[target][k], score_of(code))
                if reasons is not None:
                    reasons.setdefault((segment_id, target), reason_of(code, session.config.model))
    return scores

"""Provenance of automatic suggestions: which run made each one (method, settings, model and the hash of its
weights, a hash of the codebook as it was, who ran it), and the audit trail from a coding back to its run."""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

# Codes' fields that define them: any edit to one of these changes the codebook hash.
DEFINITION = ("id", "parent_id", "label", "description", "include", "exclude", "examples", "patterns")
AUDIT_COLUMNS = ("suggestion_id", "document", "start", "end", "code_id", "code_label", "method", "score", "threshold",
                 "reason", "status", "decided_by", "decided_at", "coding_id", "run_id", "run_started_at", "settings",
                 "model", "model_sha256", "codebook_sha256", "run_by")


def codebook_sha256(db, code_ids: list[str] | None = None) -> str:
    """SHA-256 over a canonical JSON of the codes' definitions (id, parent, label, description, include and
    exclude criteria, examples, patterns) and the stored training examples of those codes."""
    from workbench.store.codes import scope_codes
    from workbench.store.examples import list_examples

    codes = sorted(({k: code.get(k) for k in DEFINITION} for code in scope_codes(db, code_ids)),
                   key=lambda c: c["id"])
    wanted = {c["id"] for c in codes}
    examples = sorted(({"ref": e["ref"], "text": e["text"], "codes": sorted(set(e["codes"]) & wanted)}
                       for e in list_examples(db) if set(e["codes"]) & wanted),
                      key=lambda e: (e["ref"], e["text"], e["codes"]))
    canonical = json.dumps({"codes": codes, "training_examples": examples}, sort_keys=True, ensure_ascii=False,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _version(package: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return None


def run_model(db, method: str, settings: dict | None = None) -> tuple[str, str | None]:
    """(model name, SHA-256 of its weights) a run of this method uses: the project's encoder for semantic and
    both, the spaCy version for rules (the pipeline's name is added when the run ends), the language model and
    the server for llm (with the digest the server reports, when it is a SHA-256)."""
    if method == "llm":
        llm = (settings or {}).get("llm") or {}
        digest = str(llm.get("digest") or "").removeprefix("sha256:")
        is_sha = len(digest) == 64 and all(ch in "0123456789abcdef" for ch in digest.lower())
        return f"{llm.get('model')} at {llm.get('url')}", digest.lower() if is_sha else None
    if method == "rules":
        return f"spaCy {_version('spacy') or '?'}", None
    from workbench.embeddings.encoders import project_encoder, weights_sha256

    name = project_encoder(db)
    return name, weights_sha256(name) or None


@dataclass
class SuggestionRun:
    """A run in progress: its id, and the result the method fills (read when the run ends)."""

    id: int
    method: str
    settings: dict
    model: str | None
    result: dict[str, Any] = field(default_factory=dict)


@contextmanager
def suggestion_run(db, method: str, settings: dict, who: str | None = None):
    """Record a suggestion run: its row is written on entry, suggestions saved inside name it, and on a clean exit
    it records when it ended, each code's method and threshold and the spaCy pipeline rules used."""
    from workbench.store.suggestions import finish_run, insert_run, stamping

    if method == "both":
        from workbench.autocode.combine import ALONE, CONFIRM

        settings = {**settings, "combine": {"confirm": CONFIRM, "alone": ALONE}}
    model, model_hash = run_model(db, method, settings)
    run_id = insert_run(db, method, settings, model, model_hash, codebook_sha256(db, settings.get("codes")), who,
                        _version("workbench"))
    run = SuggestionRun(run_id, method, dict(settings), model)
    with stamping(db, run_id):
        yield run
    per_code, thresholds = per_code_settings(run.result, settings.get("threshold"))
    pipeline = (run.result.get("rules") or {}).get("pipeline")
    if pipeline:
        run.settings["pipeline"] = f"{pipeline} (spaCy {_version('spacy') or '?'})"
    if per_code:
        run.settings["per_code"] = per_code
    finish_run(db, run_id, run.settings, run.settings.get("pipeline") if method == "rules" else None, thresholds)


def per_code_settings(result: dict, threshold) -> tuple[dict, dict]:
    """({code: {method: threshold or None}}, {(code, method): threshold}) from a run's result."""
    from workbench.autocode.semantic import CLASSIFIER_THRESHOLD, DEFAULT_THRESHOLD

    per_code: dict[str, dict] = {}
    for code_id in (result.get("rules") or {}).get("per_code", {}):
        per_code.setdefault(code_id, {})["rules"] = None
    for code_id, how in (result.get("semantic") or {}).get("per_code", {}).items():
        if how.get("method") == "classifier":
            cutoff = CLASSIFIER_THRESHOLD
        elif isinstance(threshold, dict):
            cutoff = float(threshold.get(code_id, DEFAULT_THRESHOLD))
        else:
            cutoff = DEFAULT_THRESHOLD if threshold is None else float(threshold)
        per_code.setdefault(code_id, {})[how.get("method", "semantic")] = cutoff
    thresholds = {(code_id, method): cutoff for code_id, methods in per_code.items()
                  for method, cutoff in methods.items() if cutoff is not None}
    return per_code, thresholds


def audit_rows(db, status: str | None = None, code_id: str | None = None,
               accepted_codings: bool = False) -> list[dict]:
    """One row per suggestion (AUDIT_COLUMNS and a few more): what suggested it, how it was decided, which run."""
    from workbench.store.suggestions import suggestion_audit

    rows = suggestion_audit(db, status, code_id, accepted_codings)
    for row in rows:
        row["settings"] = json.loads(row["settings"]) if row["settings"] else None
        if row["threshold"] is None and row["settings"]:
            row["threshold"] = (row["settings"].get("per_code", {}).get(row["code_id"], {}) or {}).get(row["method"])
    return rows


def automatic_codings(db) -> dict[int, dict]:
    """{coding id: its audit row} of the codings made by accepting a suggestion."""
    return {row["coding_id"]: row for row in audit_rows(db, accepted_codings=True)}


def method_label(row: dict) -> str:
    """The method of a suggestion as a reader names it ("classifier", "rules", "topic")."""
    return row.get("method") or "automatic"


def describe(row: dict) -> str:
    """The provenance of an automatic coding as a few lines of plain text (REFI notes, reports)."""
    lines = [f"Automatic suggestion {row['suggestion_id']} by {method_label(row)}"
             + (f", run {row['run_id']} of {row['run_started_at']}" if row.get("run_id") else " (no run recorded)")
             + (f" by {row['run_by']}" if row.get("run_by") else "") + "."]
    if row.get("model"):
        lines.append(f"Model: {row['model']}" + (f" (weights sha256 {row['model_sha256'][:12]})"
                                                 if row.get("model_sha256") else "") + ".")
    if row.get("codebook_sha256"):
        lines.append(f"Codebook sha256 {row['codebook_sha256'][:12]}.")
    score = f"Score {row['score']:.2f}" if row.get("score") is not None else "Score unknown"
    lines.append(score + (f", threshold {row['threshold']:.2f}." if row.get("threshold") is not None else "."))
    if row.get("reason"):
        lines.append(f"Reason: {row['reason']}")
    if row.get("decided_by"):
        lines.append(f"Accepted by {row['decided_by']}" + (f" at {row['decided_at']}" if row.get("decided_at") else "")
                     + ".")
    return "\n".join(lines)

"""`project.suggestions`: compute suggestions (rules, classifiers, both), review them, measure them."""

from __future__ import annotations

from typing import Any

from workbench.errors import InvalidValueError, NotFoundError
from workbench.store.database import ProjectPart
from workbench.store.documents import resolve_document
from workbench.store.suggestions import pending_suggestion_count

METHODS = ("auto", "rules", "semantic", "both", "llm")  # auto: the codes that passed the measured gate (the default)


class Suggestions(ProjectPart):
    """The automatic suggestions of one project; nothing is coded until a coder accepts."""

    def _doc_id(self, ref: int | str | None) -> int | None:
        return None if ref is None else resolve_document(self.db, ref)["id"]

    def run(self, method: str = "auto", codes: list[str] | None = None, documents: list | None = None,
            threshold: float | None = None, progress=None, include_interviewer: bool = False,
            include_structure: bool = False, who: str | None = None, llm: dict | None = None,
            allow_remote: bool = False) -> dict[str, Any]:
        """Compute suggestions; nothing is coded until accepted.

        auto (the default) suggests only the codes that passed the gate of the newest validation, each with the
        method and threshold it measured best with (validating first when the coder's codings changed since);
        the others are listed under "off" with why (see `workbench.autocode.gated`). rules, semantic and both run
        that method for every code, gate or not. With both, a suggestion stands where rules and the classifier agree on its theme (see
        `workbench.autocode.combine`); the pending ones that fall short are withdrawn.
        llm asks a language model on an OpenAI-compatible server (the project's `llm_*` settings, with `llm`
        overriding them: url, model, temperature, seed...; a host other than loopback only with allow_remote or
        when allowed in the settings) about each segment; see `workbench.llm`.
        Interviewer and moderator turns are left out unless include_interviewer is set; headings, captions,
        source notes, references and front matter unless include_structure is.
        The run is recorded with its settings, model and codebook hash (`who` ran it); its id is in "run_id".
        """
        from workbench.autocode.provenance import suggestion_run

        if method not in METHODS:
            raise InvalidValueError(f"unknown method {method!r}", hint=", ".join(METHODS))
        doc_ids = [self._doc_id(d) for d in documents] if documents else None
        settings = {"method": method, "codes": codes, "documents": doc_ids, "threshold": threshold,
                    "include_interviewer": include_interviewer, "include_structure": include_structure}
        if method == "llm":
            return self._run_llm(settings, llm, allow_remote, progress, who)
        with suggestion_run(self.db, method, settings, who) as run:
            result = run.result
            if method == "auto":
                result["auto"] = self._run_gated(codes, doc_ids, progress)
                run.settings["validation"] = result["auto"]["validation"]
                run.settings["per_code"] = {c: {v["method"]: v["threshold"]}
                                            for c, v in result["auto"]["per_code"].items()}
                return {**result, "run_id": run.id}
            self._run_methods(result, method, codes, doc_ids, threshold, progress, include_interviewer,
                              include_structure)
        return {**result, "run_id": run.id}

    def _run_llm(self, settings, overrides, allow_remote, progress, who) -> dict[str, Any]:
        """The llm method: the server is checked before the run is recorded (no server, no run)."""
        from workbench.autocode.provenance import suggestion_run
        from workbench.llm.method import suggest_llm
        from workbench.llm.session import open_session

        session = open_session(self.db, overrides, settings["codes"], allow_remote)
        try:
            with suggestion_run(self.db, "llm", {**settings, "llm": session.provenance()}, who) as run:
                run.result["llm"] = suggest_llm(self.db, session, settings["documents"], progress,
                                                settings["include_interviewer"], settings["include_structure"])
                run.settings["llm"]["system_fingerprint"] = session.stats.get("system_fingerprint")
            return {**run.result, "run_id": run.id}
        finally:
            session.close()

    def _run_gated(self, codes, doc_ids, progress) -> dict[str, Any]:
        """Gated suggestions from the newest validation, validated again first when its coder's codings changed;
        with no coding at all, every code is off ("not enough evidence yet")."""
        from workbench.autocode.gated import suggest_gated
        from workbench.validation.accessor import Validation
        from workbench.validation.dataset import coders_with_codings

        validation = Validation(self.db, self.path)
        latest = validation.latest()
        revalidated, why_not = False, None
        coders = coders_with_codings(self.db)
        if (latest is None or latest["stale"]) and coders:
            try:
                self._validate_again(validation, latest, progress)
                latest, revalidated = validation.latest(), True
            except InvalidValueError as exc:
                if latest is None and len(coders) > 1:  # several coders and none named: say how to choose
                    raise
                why_not = exc.message  # e.g. codings in one document only: nothing to cross-validate yet
        if latest is None:
            gate = validation.gate()
            return {"validation": None, "new": 0, "per_code": {}, "revalidated": False,
                    "off": {c: f"not enough evidence yet: {why_not}" if why_not else g["message"]
                            for c, g in gate.items() if codes is None or c in codes}}
        return {**suggest_gated(self.db, latest, codes, doc_ids, progress), "revalidated": revalidated}

    @staticmethod
    def _validate_again(validation, latest, progress) -> None:
        """Validate with the same coder and codes, measuring the language model again when the last validation did
        (without it when it cannot be asked now: its codes then stay off). The same codes keep the same prompt key,
        so the model's stored answers are reused rather than every passage asked again."""
        from workbench.llm.client import LLMServerError
        from workbench.llm.config import LLMConfigError

        coder = latest["coder"] if latest else None
        codes = (latest.get("settings") or {}).get("codes") if latest else None
        if latest and (latest.get("settings") or {}).get("llm"):
            try:
                return validation.run(coder, codes, progress=progress, llm=True)
            except (LLMConfigError, LLMServerError):
                pass
        validation.run(coder, codes, progress=progress)

    def _run_methods(self, result, method, codes, doc_ids, threshold, progress, include_interviewer,
                     include_structure) -> None:
        """The body of `run`: each method's result under its name in `result`."""
        if method in ("rules", "both"):
            from workbench.autocode.rules import suggest_rules

            result["rules"] = suggest_rules(self.db, codes, doc_ids, progress, include_interviewer, include_structure)
        if method in ("semantic", "both"):
            from workbench.autocode.semantic import suggest_semantic

            result["semantic"] = suggest_semantic(self.db, codes, doc_ids, threshold, progress,
                                                  include_interviewer=include_interviewer,
                                                  keep_theme_scores=method == "both", include_structure=include_structure)
        if method == "both":
            from workbench.autocode.combine import withdraw_unsupported

            result["withdrawn"] = withdraw_unsupported(self.db, result["semantic"].pop("theme_scores", {}), doc_ids)

    def list(self, status: str | None = "pending", code: str | None = None, min_score: float | None = None,
             document: int | str | None = None, method: str | None = None,
             limit: int | None = None) -> list[dict[str, Any]]:
        """Suggestions by status, code, least score, document and method, best first."""
        from workbench.autocode.suggestions import list_suggestions
        from workbench.validation.accessor import Validation

        rows = list_suggestions(self.db, status, code, min_score, self._doc_id(document), method, limit)
        return Validation(self.db, self.path).with_trust(rows)

    def audit(self, status: str | None = None, code: str | None = None) -> list[dict[str, Any]]:
        """The provenance trail: one row per suggestion (any status unless given) with its method, score,
        threshold, decision, coding and run (settings, model and its hash, codebook hash, who ran it)."""
        from workbench.autocode.provenance import audit_rows
        from workbench.autocode.suggestions import STATUSES
        from workbench.store.codes import get_code

        if status is not None and status not in STATUSES:
            raise InvalidValueError(f"unknown suggestion status {status!r}", hint="statuses: " + ", ".join(STATUSES))
        if code is not None:
            get_code(self.db, code)
        return audit_rows(self.db, status, code)

    def in_context(self, suggestion: int) -> dict[str, Any]:
        """One suggestion with the passage that holds it and the turns before and after (for review)."""
        from workbench.store.suggestions import suggestion_passage

        found = suggestion_passage(self.db, suggestion)
        if found is None:
            raise NotFoundError(f"no suggestion {suggestion}", hint="list suggestions with `workbench suggestions`")
        return found

    def pending_count(self) -> int:
        """How many suggestions wait for a decision."""
        return pending_suggestion_count(self.db)

    def pending_by_code(self) -> dict[str, int]:
        """{code id: suggestions waiting for a decision}, most first."""
        from workbench.store.suggestions import pending_by_code

        return pending_by_code(self.db)

    def accept(self, ids: list[int], coder: str) -> list[int]:
        """Turn suggestions into codings by this coder; returns the coding ids."""
        from workbench.autocode.suggestions import accept

        return accept(self.db, ids, coder)

    def accept_where(self, coder: str, code: str | None = None, min_score: float | None = None,
                     method: str | None = None) -> list[int]:
        """Accept every pending suggestion of a code (optionally only those scoring at least min_score)."""
        from workbench.autocode.suggestions import accept_where

        return accept_where(self.db, coder, code, min_score, method)

    def reject(self, ids: list[int], coder: str) -> int:
        """Reject suggestions; returns how many."""
        from workbench.autocode.suggestions import reject

        return reject(self.db, ids, coder)

    def reject_where(self, coder: str, code: str | None = None, max_score: float | None = None,
                     method: str | None = None) -> int:
        """Reject every pending suggestion of a code (optionally only those scoring below max_score)."""
        from workbench.autocode.suggestions import list_suggestions, reject

        ids = [r["id"] for r in list_suggestions(self.db, "pending", code, None, None, method)
               if max_score is None or r["score"] < max_score]
        return reject(self.db, ids, coder) if ids else 0

    def evaluate(self, gold_path=None, gold_coder: str | None = None, coder: str | None = None,
                 method: str | None = None, split: str | None = None) -> dict[str, Any]:
        """Precision/recall/F1 of suggestions (or a coder) against a gold file or coder, per code and theme."""
        from workbench.autocode.evaluate import evaluate

        return evaluate(self.db, gold_path, gold_coder, coder, method, split)

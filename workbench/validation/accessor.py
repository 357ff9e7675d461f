"""`project.validation`: how far each code's suggestions can be trusted, measured on the project's own coding.

    project.validation.run(coder="ann")        # grouped cross-validation, stored
    project.validation.latest()                # the newest stored result
    project.validation.trust("skills", "classifier", 0.83)
    # -> "suggestions like this were right 82% of the time (n=57)"
"""

from __future__ import annotations

import time
from typing import Any

from workbench.errors import InvalidValueError
from workbench.store.database import ProjectPart
from workbench.validation import figures as fig

TARGET_SETTING = "target_precision"
# Methods of stored suggestions that a validation measures under the same name and score scale.
MEASURED_METHODS = ("rules", "classifier", "classifier+context", "rules+classifier", "llm")


class Validation(ProjectPart):
    """Measured precision and recall of every suggestion method per code, and the gate that follows."""

    def target(self) -> float:
        """The precision a code's suggestions must reach to be on by default (a project setting, default 0.8)."""
        from workbench.store.settings import get_setting

        return float(get_setting(self.db, TARGET_SETTING) or fig.TARGET_PRECISION)

    def set_target(self, value: float) -> None:
        from workbench.store.settings import set_setting

        if not 0 < float(value) <= 1:
            raise InvalidValueError(f"target precision {value} is not between 0 and 1", hint="for example 0.8")
        set_setting(self.db, TARGET_SETTING, str(float(value)))

    def run(self, coder: str | None = None, codes: list[str] | None = None, target: float | None = None,
            min_support: int = fig.MIN_SUPPORT, folds: int | None = None, progress=None, llm: bool = False,
            llm_overrides: dict | None = None, allow_remote: bool = False) -> dict[str, Any]:
        """Cross-validate every method per code on one coder's codings (grouped by document), store and return
        the figures: per code and theme precision, recall and F1 with 95% intervals, the threshold reaching the
        target precision, precision per score band, the chosen method and whether the code passed the gate.
        With llm, the project's language model (`llm_overrides` on top of its settings) is measured too: it
        learns nothing from the codings, so every passage it answers is held out (answers are stored and reused)."""
        from workbench.embeddings.encoders import project_encoder
        from workbench.store.codings import documents_coded_by
        from workbench.store.validations import codings_sha256, save_validation
        from workbench.validation.crossval import FOLDS, out_of_fold, summarise
        from workbench.validation.dataset import build_dataset, choose_coder

        started = time.perf_counter()
        coder = choose_coder(self.db, coder)
        target = self.target() if target is None else float(target)
        documents = documents_coded_by(self.db, [coder])
        data = build_dataset(self.db, coder, documents, codes)
        scores = out_of_fold(self.db, data, k=folds or FOLDS, progress=progress)
        measured_llm = self._measure_llm(data, codes, scores, llm_overrides, allow_remote, progress) if llm else None
        results = summarise(data, scores, target, min_support)
        results.update(segments=len(data), folds=min(folds or FOLDS, len(documents)))
        n_codings, digest = codings_sha256(self.db, coder)
        settings = {"folds": results["folds"], "codes": codes, "methods": list(scores), "min_words": 3,
                    "unit": "segment", "bootstrap": fig.BOOTSTRAP, "min_predicted": fig.MIN_PREDICTED,
                    **({"llm": measured_llm} if measured_llm else {})}
        encoder = project_encoder(self.db)
        run_id = save_validation(self.db, coder, target, min_support, encoder, settings, n_codings, digest,
                                 len(documents), results)
        return {"id": run_id, "coder": coder, "target_precision": target, "min_support": min_support,
                "encoder": encoder, "codings": n_codings, "documents": len(documents), "settings": settings,
                "seconds": round(time.perf_counter() - started, 2), "results": results}

    def _measure_llm(self, data, codes, scores, overrides, allow_remote, progress) -> dict:
        """scores["llm"] from the language model's answers for every passage; returns its provenance."""
        from workbench.llm.method import llm_scores
        from workbench.llm.session import open_session

        session = open_session(self.db, overrides, codes, allow_remote)
        try:
            scores["llm"] = llm_scores(self.db, session, list(data.segment_ids), progress)
            return {**session.provenance(), "stats": session.stats}
        finally:
            session.close()

    def latest(self, coder: str | None = None) -> dict[str, Any] | None:
        """The newest stored validation (of one coder when given), with `stale` set when that coder's codings
        changed since; None when there is none."""
        from workbench.store.validations import codings_sha256, latest_validation

        found = latest_validation(self.db, coder)
        if found is None:
            return None
        n_codings, digest = codings_sha256(self.db, found["coder"])
        found["stale"] = digest != found["codings_sha256"]
        found["codings_now"] = n_codings
        return found

    def history(self) -> list[dict]:
        """Every stored validation (without its figures), oldest first."""
        from workbench.store.validations import validation_list

        return validation_list(self.db)

    def gate(self) -> dict[str, dict]:
        """{code id: {passed, method, threshold, message}} from the newest validation; a project never validated
        gets every code off with the number of passages it still needs (all of them)."""
        from workbench.store.codes import code_rows

        latest = self.latest()
        if latest is None:
            _, message = fig.gate(0, None, False)
            return {c["id"]: {"passed": False, "method": None, "threshold": None, "message": message}
                    for c in code_rows(self.db)}
        return {code_id: {k: entry[k] for k in ("passed", "method", "threshold", "message", "support")}
                for code_id, entry in latest["results"]["codes"].items()}

    def trust(self, code_id: str, method: str, score: float, latest: dict | None = None) -> str | None:
        """"suggestions like this were right 82% of the time (n=57)" for a suggestion of this code, method and
        score, from the newest validation; None when it measured no such suggestions."""
        from workbench.store.validations import latest_validation

        # the stored figures as they are: whether they are stale (a hash over the codings) is not asked here
        latest = latest if latest is not None else latest_validation(self.db)
        if latest is None or method not in MEASURED_METHODS:
            return None
        entry = latest["results"]["codes"].get(code_id)
        return fig.trust_text(entry["bands"].get(method), score) if entry else None

    def with_trust(self, rows: list[dict]) -> list[dict]:
        """The suggestion rows, each with `trust` (the text above, or None)."""
        from workbench.store.validations import latest_validation

        latest = latest_validation(self.db)
        for row in rows:
            row["trust"] = self.trust(row["code_id"], row["method"], row["score"], latest) if latest else None
        return rows

    def next(self, n: int = 10, coder: str | None = None) -> list[dict]:
        """Passages to code next: those the classifiers are least sure about, spread over documents (see
        `workbench.validation.next`); each with `why` and `score` (1: a probability of exactly 0.5)."""
        from workbench.validation.dataset import choose_coder, coders_with_codings
        from workbench.validation.next import next_passages

        chosen = choose_coder(self.db, coder) if coder or coders_with_codings(self.db) else None
        return next_passages(self.db, chosen, n)

    def similar(self, segment: int | None = None, coding: int | None = None, text: str | None = None,
                n: int = 10) -> list[dict]:
        """Passages nearest by meaning to a segment, a coding or a text, nearest first, with `similarity`."""
        from workbench.validation.next import similar_passages

        return similar_passages(self.db, segment, coding, text, n)

    def machine_agreement(self, coder: str | None = None) -> dict[str, Any]:
        """The machine as a coder: agreement (percent, Cohen's kappa, Krippendorff's alpha) per code between a
        coder and what each code's chosen method suggests at its threshold, over the passages of the newest
        validation of that coder; every passage was scored by classifiers that never saw its document."""
        from workbench.coding.blind import check_agreement
        from workbench.errors import NotFoundError
        from workbench.validation.machine import agreement_with_machine

        latest = self.latest(coder)
        if latest is None:
            raise NotFoundError("no validation yet" + (f" of {coder}'s codings" if coder else ""),
                                hint="run `workbench validate` first")
        if latest["coder"] != self.viewer:  # another coder's figures: hidden while blind, as any agreement
            check_agreement(self.db, self.viewer)
        return agreement_with_machine(self.db, latest)

"""`project.codings`: coders, hand coding of spans and segments, memos, excerpts, matrices and agreement."""

from __future__ import annotations

import os
from typing import Any

from workbench.coding import blind as blinding
from workbench.coding.filters import ExcerptFilter
from workbench.errors import CodingError, NotFoundError
from workbench.store import codings as stored
from workbench.store import settings
from workbench.store.database import ProjectPart
from workbench.store.documents import resolve_document

CODER_ENV = "WORKBENCH_CODER"
PINNED = "pinned_codes:"  # + coder name: a setting holding a JSON list of code ids
NO_CODER_HINT = (f"pass --coder NAME, set ${CODER_ENV}, or set the project's default coder with "
                 "`workbench coders default NAME`")


class Codings(ProjectPart):
    """The codings, coders and memos of one project."""

    def _doc_id(self, ref: int | str | None) -> int | None:
        return None if ref is None else resolve_document(self.db, ref)["id"]

    def _coder(self, coder: str | None) -> str | None:
        """The coder a read is limited to: as asked, or the viewer's own while blind coding hides others."""
        return blinding.codings_coder(self.db, self.viewer, coder)

    def _private(self):
        """The codings of other coders a read leaves out under blind coding of a code set (None: none)."""
        return blinding.private_codes(self.db, self.viewer)

    def blind(self) -> dict[str, Any]:
        """Whether blind coding is on and for which codes, the leads, and whether this project's viewer sees only
        their own codings (of every code, or of the blind codes)."""
        return blinding.status(self.db, self.viewer)

    def set_blind(self, on: bool, by: str | None = None, codes: list[str] | None = None) -> bool:
        """Turn blind coding on (for the whole project, or for `codes` and their sub-codes) or off; once leads are
        named only a lead (`by`) may (logged in the change log)."""
        return blinding.set_blind(self.db, on, by if by is not None else self.viewer, codes)

    def reveal(self, by: str | None = None) -> bool:
        """A lead reveals everyone's codings and the agreement figures: blind coding off."""
        return self.set_blind(False, by)

    def leads(self) -> list[str]:
        """The coders who see everyone's codings while blind coding is on."""
        return blinding.leads(self.db)

    def set_leads(self, names: list[str]) -> list[str]:
        """Name the leads (registered coders); returns them."""
        named = blinding.leads(self.db)
        if named and self.viewer and self.viewer not in named:
            raise CodingError(f"only a lead names the leads: {self.viewer} is not one",
                              hint=f"the leads are {', '.join(named)}")
        for name in names:
            stored.check_coder(self.db, name.strip())
        return blinding.set_leads(self.db, names)

    def add_coder(self, name: str) -> str:
        """Register a coder (names are trimmed); returns the name as stored."""
        return stored.add_coder(self.db, name)

    def coders(self) -> list[dict[str, Any]]:
        """Every coder with their coding count (only the viewer while blind coding hides the others; without
        other coders' codings of the blind codes while a code set is blind)."""
        everyone = stored.list_coders(self.db, self._private())
        if blinding.hides_all(self.db, self.viewer):
            return [c for c in everyone if c["name"] == self.viewer]
        return everyone

    def default_coder(self) -> str | None:
        """The project's default coder (used when no coder is given), or None."""
        return settings.get_setting(self.db, settings.DEFAULT_CODER)

    def set_default_coder(self, name: str | None) -> str | None:
        """Make `name`, a registered coder, the project's default coder; clear the default with None."""
        if name is None:
            settings.delete_setting(self.db, settings.DEFAULT_CODER)
            return None
        name = name.strip()
        stored.check_coder(self.db, name)  # a typo must not become a new coder
        settings.set_setting(self.db, settings.DEFAULT_CODER, name)
        return name

    def coder_for(self, name: str | None = None, required: bool = True) -> str | None:
        """Who makes a write: `name`, else $WORKBENCH_CODER, else the project's default coder (CodingError
        when none is set and `required`, else None)."""
        for candidate in (name, os.environ.get(CODER_ENV), self.default_coder()):
            if candidate and candidate.strip():
                return candidate.strip()
        if required:
            raise CodingError("no coder given: every coding records who made it", hint=NO_CODER_HINT)
        return None

    def code(self, document: int | str, start: int, end: int, code_id: str, coder: str,
             memo: str | None = None, source: str = "manual") -> int:
        """Code a span of a document; returns the coding id."""
        return stored.code_span(self.db, document, start, end, code_id, coder, memo, source)

    def code_segment(self, segment_id: int, code_id: str, coder: str, memo: str | None = None) -> int:
        """Code a whole segment (turn or paragraph)."""
        seg = stored.segment_span(self.db, segment_id)
        return stored.code_span(self.db, seg["document_id"], seg["start"], seg["end"], code_id, coder, memo)

    def code_phrase(self, segment_id: int, text: str | None, code_id: str, coder: str, memo: str | None = None,
                    document: int | str | None = None) -> int:
        """Code the words `text` inside one segment (the whole segment when text is None); returns the coding id.

        The phrase must occur once in the segment, case-sensitive, with any whitespace matching any run
        of spaces or line breaks; `document`, when given, must be the segment's document.
        """
        from workbench.coding.spans import phrase_spans
        from workbench.store.segments import segment_details

        found = segment_details(self.db, [segment_id])
        if not found:
            raise NotFoundError(f"no segment {segment_id}", hint="list segments with `workbench segments DOC`")
        seg = found[0]
        if document is not None and self._doc_id(document) != seg["document_id"]:
            raise CodingError(f"segment {segment_id} is not in document {document}",
                              hint=f"it is in document {seg['document_id']} ({seg['title']}); "
                                   f"list segments with `workbench segments {seg['document_id']}`")
        start, end = seg["start"], seg["end"]
        if text is not None and not text.split():
            raise CodingError("the words to code are empty",
                              hint="give words of the segment, or leave them out to code the whole segment")
        if text is not None:
            spans = phrase_spans(seg["text"], text)
            if not spans:
                raise CodingError(f"segment {segment_id} does not contain {text.strip()!r}",
                                  hint=_not_found_hint(seg["text"], text))
            if len(spans) > 1:
                raise CodingError(f"{text.strip()!r} occurs {len(spans)} times in segment {segment_id}",
                                  hint="give a longer phrase, one that occurs once in the segment")
            start, end = seg["start"] + spans[0][0], seg["start"] + spans[0][1]
        snippet = seg["text"][start - seg["start"]:end - seg["start"]]  # the store checks it against the document
        return stored.code_span(self.db, seg["document_id"], start, end, code_id, coder, memo, snippet=snippet)

    def code_segments(self, segment_ids: list[int], code_id: str, coder: str, memo: str | None = None) -> list[int]:
        """Code whole segments with one code in one transaction (all or nothing); returns the coding ids."""
        spans = [stored.segment_span(self.db, i) for i in segment_ids]
        items = [(s["document_id"], s["start"], s["end"], code_id, memo, "manual", None) for s in spans]
        return stored.code_spans(self.db, items, coder) if items else []

    def uncode(self, coding_id: int) -> dict[str, Any]:
        """Remove a coding; returns what it was."""
        return stored.uncode(self.db, coding_id)

    def recode(self, coding_id: int, code_id: str) -> dict[str, Any]:
        """Give a coding another code, keeping its span, coder and memo; returns the coding."""
        return stored.recode(self.db, coding_id, code_id)

    def set_memo(self, coding_id: int, memo: str | None) -> None:
        """Write (or clear, with None) the memo on a coding."""
        stored.set_coding_memo(self.db, coding_id, memo)

    def recent_codes(self, coder: str, limit: int = 9) -> list[str]:
        """The codes `coder` applied most recently, newest first (the code picker lists them first)."""
        return stored.recent_codes(self.db, coder, limit)

    def pinned_codes(self, coder: str) -> list[str]:
        """The coder's pinned codes (keys 1-9 in the reader's code picker), still in the codebook."""
        import json

        from workbench.store.codes import code_ids

        pinned = json.loads(settings.get_setting(self.db, PINNED + coder, "[]"))
        known = set(code_ids(self.db))
        return [c for c in pinned if c in known]

    def set_pinned_codes(self, coder: str, code_ids: list[str]) -> list[str]:
        """Pin up to nine codes for `coder`, in key order; returns them."""
        import json

        from workbench.store.codes import get_code

        chosen = list(dict.fromkeys(code_ids))
        if len(chosen) > 9:
            raise CodingError(f"{len(chosen)} codes to pin; keys 1-9 take nine", hint="unpin one first")
        for code_id in chosen:
            get_code(self.db, code_id)
        settings.set_setting(self.db, PINNED + coder, json.dumps(chosen))
        return chosen

    def find(self, **where) -> list[int]:
        """Ids of codings matching column values (document_id, start, end, code_id, coder...)."""
        return stored.find_codings(self.db, **where)

    def list(self, code: str | None = None, coder: str | None = None, document: int | str | None = None,
             with_subcodes: bool = False, source: str | None = None) -> list[dict[str, Any]]:
        """Codings filtered by code (optionally with its sub-codes), coder, document and source."""
        from workbench.store.codes import descendants, get_code

        code_ids = None
        if code:
            get_code(self.db, code)
            code_ids = descendants(self.db, code) if with_subcodes else [code]
        return stored.list_codings(self.db, code_ids, self._coder(coder), self._doc_id(document), source,
                                   self._private())

    def add_memo(self, text: str, document: int | str | None = None, code: str | None = None,
                 coding: int | None = None, author: str | None = None) -> int:
        """A memo on a document, a code or a coding; returns its id."""
        return stored.add_memo(self.db, text, document, code, coding, author)

    def memos(self, document: int | str | None = None, code: str | None = None) -> list[dict[str, Any]]:
        """Memos of a document and/or a code."""
        return stored.list_memos(self.db, self._doc_id(document), code)

    def excerpts(self, filters: ExcerptFilter | None = None, **criteria):
        """Coded excerpts as a pandas DataFrame (one row per coding, attributes as columns); criteria are
        ExcerptFilter fields."""
        from workbench.coding.queries import excerpts

        chosen = ExcerptFilter.of(filters, **criteria)
        return excerpts(self.db, ExcerptFilter.of(chosen, coder=self._coder(chosen.coder)), self._private())

    def matrix(self, cols: str = "document", count: str = "segments", coder: str | None = None, rollup: bool = True):
        """Codes x documents / document types / attribute values (`attribute:NAME`), as a DataFrame."""
        from workbench.coding.queries import matrix

        return matrix(self.db, cols, count, self._coder(coder), rollup, self._private())

    def cooccurrence(self, unit: str = "segment", coder: str | None = None, rollup: bool = False):
        """Codes x codes: segments (or documents) carrying both."""
        from workbench.coding.queries import cooccurrence

        return cooccurrence(self.db, unit, self._coder(coder), rollup, self._private())

    def agreement(self, coder_a: str, coder_b: str, unit: str = "segment", codes: list[str] | None = None,
                  skip_uncoded: bool = False, with_subcodes: bool = False,
                  documents: list[int | str] | None = None) -> dict[str, Any]:
        """Percent agreement, Cohen's kappa and Krippendorff's alpha between two coders, with disagreements,
        over the documents both coded (or `documents`, ids or titles); the result names the documents used.
        While a code set is blind, a viewer who is not a lead gets no figures on those codes: their rows are left
        out and the pooled figures computed without them (`hidden_codes` names them)."""
        from workbench.coding.agreement import agreement

        blinding.check_agreement(self.db, self.viewer)
        hidden: list[str] = []
        if codes is None and blinding.private_codes(self.db, self.viewer) is not None:
            every = agreement(self.db, coder_a, coder_b, unit, None, skip_uncoded, with_subcodes, documents)
            used = [c["code"] for c in every["codes"]]
            codes = blinding.agreement_codes(self.db, self.viewer, None, used, with_subcodes)
            hidden = [c for c in used if c not in codes]
        else:
            codes = blinding.agreement_codes(self.db, self.viewer, codes, [], with_subcodes)
        result = agreement(self.db, coder_a, coder_b, unit, codes, skip_uncoded, with_subcodes, documents)
        return {**result, "hidden_codes": hidden} if hidden else result

    def reconciliation_queue(self, coder_a: str, coder_b: str, team: str | None = None, codes: list[str] | None = None,
                             documents: list[int | str] | None = None,
                             include_decided: bool = False) -> list[dict[str, Any]]:
        """The open disagreements of A and B to reconcile into the team's agreed set (workbench.coding.reconcile)."""
        from workbench.coding import reconcile

        reconcile.check_lead(self.db, self.viewer)
        return reconcile.queue(self.db, coder_a, coder_b, team, codes, documents, include_decided)

    def decide(self, item: str | dict[str, Any], action: str, by: str | None, coder_a: str, coder_b: str,
               team: str | None = None, start: int | None = None, end: int | None = None) -> dict[str, Any]:
        """Settle a queue item: keep_a, keep_b, keep_both, agree_custom (start, end) or reject; undoable."""
        from workbench.coding import reconcile

        reconcile.check_lead(self.db, self.viewer)
        return reconcile.decide(self.db, item, action, by, coder_a, coder_b, team, start, end)

    def adopt_agreements(self, coder_a: str, coder_b: str, by: str | None, team: str | None = None,
                         codes: list[str] | None = None, documents: list[int | str] | None = None) -> dict[str, Any]:
        """Give the team every segment and code both coders coded (one undoable change)."""
        from workbench.coding import reconcile

        reconcile.check_lead(self.db, self.viewer)
        return reconcile.adopt_agreements(self.db, coder_a, coder_b, team, by, codes, documents)

    def reconciliation_summary(self, coder_a: str, coder_b: str, team: str | None = None,
                               codes: list[str] | None = None,
                               documents: list[int | str] | None = None) -> dict[str, Any]:
        """Agreement per code before (A vs B) and after (A vs team, B vs team) reconciliation."""
        from workbench.coding import reconcile

        reconcile.check_lead(self.db, self.viewer)
        return reconcile.summary(self.db, coder_a, coder_b, team, codes, documents)


def _not_found_hint(segment_text: str, phrase: str, width: int = 160) -> str:
    """What the segment says (shortened), and a word on capitals when only they differ."""
    from workbench.coding.spans import phrase_spans

    shown = " ".join(segment_text.split())
    shown = shown if len(shown) <= width else shown[:width - 3] + "..."
    case = " (matching is case-sensitive: the phrase is there with other capitals)" \
        if phrase_spans(segment_text.lower(), phrase.lower()) else ""
    return f"the segment reads: {shown!r}{case}"

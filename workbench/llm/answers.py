"""Reading a model's answer: a tolerant JSON parser and the check that every quote is in the passage.

A model may wrap its JSON in a code fence or prose, name a code by an id the codebook lacks, or quote words that
are not in the passage. The first JSON object (or list) in the reply is taken; each code stands only with a quote
found verbatim in the passage (differences of white space, typographic quotes and dashes aside). What was
dropped is counted by reason, never raised: malformed output never stops a run.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from workbench.llm.prompt import CONFIDENCE

_EQUIVALENT = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                             "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
                             "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " "})  # one character for one
_FENCE = re.compile(r"```(?:json)?", re.IGNORECASE)
MIN_QUOTE_CHARS = 3


@dataclass
class Answer:
    """What one reply says: the codes that stand (each with quote, rationale, confidence and its span in the
    passage), and the drops counted by reason ("no quote", "quote not in passage", "unknown code", "malformed")."""

    codes: list[dict] = field(default_factory=list)
    dropped: dict[str, int] = field(default_factory=dict)
    status: str = "ok"  # ok, or malformed when no JSON could be read at all

    def drop(self, reason: str) -> None:
        self.dropped[reason] = self.dropped.get(reason, 0) + 1

    def as_dict(self) -> dict:
        return {"codes": self.codes, "dropped": self.dropped}


def first_json(text: str):
    """The first JSON object or list in a reply (inside a code fence or prose), or None."""
    text = _FENCE.sub("", text or "")
    decoder = json.JSONDecoder()
    for match in re.finditer(r"[\[{]", text):
        try:
            value, _ = decoder.raw_decode(text, match.start())
        except (ValueError, RecursionError):  # RecursionError: brackets nested deeper than the decoder goes
            continue
        if isinstance(value, (dict, list)):
            return value
    return None


def _normalised(text: str) -> tuple[str, list[int]]:
    """The text with equivalent characters unified and runs of white space as one space, with the position in
    the original of every character kept."""
    out, where, space = [], [], False
    for k, ch in enumerate(text.translate(_EQUIVALENT)):
        if ch.isspace():
            if not space and out:
                out.append(" ")
                where.append(k)
            space = True
            continue
        space = False
        out.append(ch)
        where.append(k)
    return "".join(out), where


def find_quote(quote: str, passage: str) -> tuple[int, int] | None:
    """(start, end) of the quote in the passage, verbatim up to white space, typographic quotes and dashes;
    None when it is not there (or is too short to tell)."""
    quote = (quote or "").strip().strip("\"'\u201c\u201d\u2018\u2019").strip()
    if len(quote) < MIN_QUOTE_CHARS:
        return None
    at = passage.find(quote)
    if at >= 0:
        return at, at + len(quote)
    flat_passage, where = _normalised(passage)
    flat_quote, _ = _normalised(quote.translate(_EQUIVALENT))
    flat_quote = flat_quote.strip()
    at = flat_passage.find(flat_quote) if flat_quote else -1
    if at < 0 or len(flat_quote) < MIN_QUOTE_CHARS:
        return None
    return where[at], where[at + len(flat_quote) - 1] + 1


def _items(value) -> list | None:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        for key in ("codes", "labels", "annotations", "results"):
            if isinstance(value.get(key), list):
                return value[key]
        if "code" in value:
            return [value]
    return None


def read_answer(reply: str, passage: str, code_ids) -> Answer:
    """The codes a reply gives the passage (see the module's docstring)."""
    answer = Answer()
    items = _items(first_json(reply))
    if items is None:
        answer.status = "malformed"
        answer.drop("malformed")
        return answer
    known = set(code_ids)
    seen = set()
    for item in items:
        if isinstance(item, str):
            item = {"code": item}
        if not isinstance(item, dict):
            answer.drop("malformed")
            continue
        code = str(item.get("code") or item.get("id") or "").strip()
        if code not in known:
            answer.drop("unknown code")
            continue
        quote = item.get("quote") or item.get("quotes") or item.get("evidence") or ""
        if isinstance(quote, list):
            quote = next((q for q in quote if isinstance(q, str) and find_quote(q, passage)), quote[0] if quote else "")
        if not isinstance(quote, str) or not quote.strip():
            answer.drop("no quote")
            continue
        span = find_quote(quote, passage)
        if span is None:
            answer.drop("quote not in passage")
            continue
        if code in seen:
            continue
        seen.add(code)
        confidence = str(item.get("confidence") or "medium").strip().lower()
        rationale = item.get("rationale") or item.get("reason") or ""
        answer.codes.append({"code": code, "quote": passage[span[0]:span[1]], "start": span[0], "end": span[1],
                             "rationale": " ".join(str(rationale).split())[:400],
                             "confidence": confidence if confidence in CONFIDENCE else "medium"})
    return answer


def score_of(code: dict) -> float:
    """A suggestion's score from the confidence the model gave."""
    return CONFIDENCE.get(code.get("confidence"), CONFIDENCE["medium"])

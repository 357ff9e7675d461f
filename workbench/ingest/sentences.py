"""Sentence boundaries by rule: no model and no deep-learning import, so one small ingest stays fast.

A sentence ends at `.`, `?`, `!` or `…` (with any closing quotes or brackets) followed by white space
and a capital letter, digit, quote or bracket; common abbreviations (Dr., e.g., Fig. 3) and initials
(J. Smith) do not end one.
"""

from __future__ import annotations

import re

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "no", "nos", "vol", "vols", "fig", "figs", "eq",
    "eqs", "ch", "chap", "sec", "pp", "p", "para", "cf", "vs", "v", "etc", "e.g", "i.e", "al", "approx",
    "dept", "est", "inc", "ltd", "co", "corp", "plc", "rev", "gen", "col", "lt", "sgt", "capt", "gov", "hon",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "ed", "eds", "op",
}
_END = re.compile(r"[.?!…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9À-Ý])")
_WORD_BEFORE = re.compile(r"([\w.]+)$")
SENTENCE_END = re.compile(r"[.?!…][\"'”’)\]*_]*$")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`, white space between them left out."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        if m.group().startswith(".") and _is_abbreviation(text, m.start()):
            continue
        spans.append((start, m.end()))
        start = m.end()
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text):
        spans.append((start, len(text)))
    return [(s, _rstrip(text, s, e)) for s, e in spans if text[s:e].strip()]


def _is_abbreviation(text: str, dot: int) -> bool:
    m = _WORD_BEFORE.search(text, max(0, dot - 12), dot)
    if not m:
        return False
    word = m.group(1).lower().strip(".")
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def ends_sentence(text: str) -> bool:
    """Whether text ends as a sentence does (full stop, question or exclamation mark, closing quote after one)."""
    return bool(SENTENCE_END.search(text.rstrip()))

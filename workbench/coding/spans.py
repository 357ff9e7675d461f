"""Spans in a document: search hits on coded text, and where a phrase occurs in a segment."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any


def hits_with_codes(hits: Sequence[Mapping[str, Any]], codings: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Search hits whose segment overlaps one of these codings."""
    by_doc: dict[int, list[tuple[int, int]]] = {}
    for c in codings:
        by_doc.setdefault(c["document_id"], []).append((c["start"], c["end"]))
    out = []
    for h in hits:
        spans = by_doc.get(h["document_id"], [])
        if any(s < h["end"] and e > h["start"] for s, e in spans):
            out.append(h)
    return out


def phrase_spans(text: str, phrase: str) -> list[tuple[int, int]]:
    """Half-open spans of `text` where `phrase` occurs as whole words (overlapping ones too), case-sensitive;
    any run of whitespace in the phrase matches any run of whitespace (spaces, line breaks) in the text."""
    words = unicodedata.normalize("NFC", phrase).split()  # stored text is NFC
    if not words:
        return []
    body = r"\s+".join(re.escape(w) for w in words)
    # A phrase that starts (ends) with a letter or digit does not start (end) inside a word of the text.
    pattern = re.compile((r"(?<!\w)" if re.match(r"\w", words[0]) else "") + body
                         + (r"(?!\w)" if re.search(r"\w$", words[-1]) else ""))
    spans, at = [], 0
    while (match := pattern.search(text, at)) is not None:
        spans.append(match.span())
        at = match.start() + 1
    return spans

"""Spans and segments as a coder moves through a document: sentences of a turn, which turns are coded,
the next uncoded one, search hits on coded text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+|\n+")


def sentence_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Half-open (start, end) document offsets of the sentences of `text`, which starts at `offset`."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        end = match.start() if match.group().isspace() else match.end()
        piece = text[start:end].strip()
        if piece:
            lead = start + (len(text[start:end]) - len(text[start:end].lstrip()))
            spans.append((offset + lead, offset + lead + len(piece)))
        start = match.end()
    tail = text[start:]
    if tail.strip():
        lead = start + (len(tail) - len(tail.lstrip()))
        spans.append((offset + lead, offset + lead + len(tail.strip())))
    return spans


def coded_segment_ids(segments: Sequence[Mapping[str, Any]], codings: Iterable[Mapping[str, Any]]) -> set[int]:
    """Ids of segments that overlap at least one coding."""
    spans = sorted((int(c["start"]), int(c["end"])) for c in codings)
    coded = set()
    for seg in segments:
        if any(s < seg["end"] and e > seg["start"] for s, e in spans):
            coded.add(seg["id"])
    return coded


def next_uncoded(segments: Sequence[Mapping[str, Any]], codings: Iterable[Mapping[str, Any]], after: int,
                 skip_speakers: Iterable[str] = ()) -> int | None:
    """Index of the first segment after index `after` that no coding touches (speakers in skip left out)."""
    coded = coded_segment_ids(segments, codings)
    skip = {s.lower() for s in skip_speakers}
    for i in range(after + 1, len(segments)):
        seg = segments[i]
        if seg["id"] not in coded and (seg.get("speaker") or "").lower() not in skip:
            return i
    return None


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

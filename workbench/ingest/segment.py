"""Build the stored text of a document from blocks and cut it into segments.

Interviews and focus groups become speaker turns (a turn runs over paragraphs
until the next speaker); other documents become paragraphs, bullets and table
rows, with long paragraphs split at sentence boundaries. Offsets are half-open
[start, end) code-point indices into the returned text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from workbench.ingest._base import Block
from workbench.ingest.normalise import normalise_block
from workbench.ingest.speakers import find_label, is_known, label_key

MAX_PARAGRAPH_CHARS = 2000
SEPARATOR = "\n\n"
# Blocks that may start or continue a speaker turn.
_TURN_KINDS = {"paragraph", "bullet", "cue"}
# Share of eligible blocks that must open with an accepted label before a
# document is read as a transcript (keeps "Note: ..." lines in reports out).
_MIN_LABELLED_SHARE = 0.2


@dataclass
class Segment:
    start: int
    end: int
    kind: str
    speaker: str | None = None
    time_start: float | None = None
    time_end: float | None = None
    page: int | None = None


@dataclass
class BuiltDocument:
    text: str
    segments: list[Segment]
    speakers: list[str] = field(default_factory=list)
    inferred_type: str = "document"


@dataclass
class _Placed:
    block: Block
    text: str
    start: int
    end: int


def place_blocks(blocks: list[Block], join_lines: bool = False) -> tuple[str, list[_Placed]]:
    """Normalise blocks, drop empty ones and join them with blank lines."""
    placed: list[_Placed] = []
    parts: list[str] = []
    pos = 0
    for block in blocks:
        text = normalise_block(block.text, join_lines)
        if not text:
            continue
        if parts:
            pos += len(SEPARATOR)
        placed.append(_Placed(block, text, pos, pos + len(text)))
        parts.append(text)
        pos += len(text)
    return SEPARATOR.join(parts), placed


def _accepted_labels(placed: list[_Placed], expect_turns: bool | None):
    """Labels found at block starts, and those that recur enough to be speakers."""
    found = [find_label(p.text) if p.block.kind in _TURN_KINDS and not p.block.speaker else None
             for p in placed]
    counts = Counter(label_key(m.label) for m in found if m)
    names: dict[str, str] = {}
    for m in found:
        if m:
            names.setdefault(label_key(m.label), m.label)
    accepted = {k for k, n in counts.items() if n >= 2 or is_known(names[k])}
    if expect_turns is False:
        accepted = set()
    labelled = sum(1 for m in found if m and label_key(m.label) in accepted)
    eligible = sum(1 for p in placed if p.block.kind in _TURN_KINDS) or 1
    if len(accepted) < 2 or (expect_turns is None and labelled / eligible < _MIN_LABELLED_SHARE):
        accepted = set()
    return found, accepted, names


def build_document(
    blocks: list[Block],
    join_lines: bool = False,
    expect_turns: bool | None = None,
    max_paragraph_chars: int = MAX_PARAGRAPH_CHARS,
) -> BuiltDocument:
    """Normalised text plus segments for a list of blocks.

    expect_turns: True for interviews/focus groups, False for documents and
    surveys (no speaker detection), None to decide from the text.
    """
    text, placed = place_blocks(blocks, join_lines)
    found, accepted, names = _accepted_labels(placed, expect_turns)
    segments: list[Segment] = []
    current: Segment | None = None

    def close_turn():
        nonlocal current
        if current is not None and current.start < current.end:
            segments.append(current)
        current = None

    for p, match in zip(placed, found):
        block = p.block
        speaker, speech_offset, time_start = None, 0, block.time_start
        if block.speaker and (expect_turns is not False or block.kind in ("cue", "answer")):
            speaker = block.speaker
            own = find_label(p.text)
            if own and label_key(own.label) == label_key(block.speaker):
                speech_offset = own.speech_start
                time_start = time_start if time_start is not None else own.time_start
        elif match and label_key(match.label) in accepted:
            speaker, speech_offset = names[label_key(match.label)], match.speech_start
            time_start = match.time_start
        if block.kind == "cue":
            close_turn()
            segments.append(Segment(min(p.start + speech_offset, p.end), p.end, "cue", speaker,
                                    block.time_start, block.time_end, block.page))
            continue
        if speaker is not None:
            close_turn()
            start = p.start + speech_offset
            current = Segment(start, p.end, "turn", speaker, time_start, None, block.page)
            if start >= p.end:  # label alone on its line: speech is in the next block
                current.start = current.end = -1
            continue
        if current is not None and block.kind in _TURN_KINDS:
            if current.start < 0:
                current.start = p.start
            current.end = p.end
            continue
        close_turn()
        segments.extend(_paragraph_segments(text, p, max_paragraph_chars))
    close_turn()
    _fill_turn_end_times(segments)
    speakers = list(dict.fromkeys(s.speaker for s in segments if s.speaker))
    return BuiltDocument(text, segments, speakers, infer_type(speakers, blocks))


def infer_type(speakers: list[str], blocks: list[Block]) -> str:
    """interview for two speakers, focus_group for three or more, else document."""
    if len(speakers) >= 3:
        return "focus_group"
    if len(speakers) == 2 or any(b.kind == "cue" for b in blocks):
        return "interview"
    return "document"


def _fill_turn_end_times(segments: list[Segment]) -> None:
    """A timed turn ends where the next timed segment starts."""
    next_start = None
    for seg in reversed(segments):
        if seg.time_start is not None:
            if seg.time_end is None and next_start is not None and next_start >= seg.time_start:
                seg.time_end = next_start
            next_start = seg.time_start


def _paragraph_segments(text: str, p: _Placed, limit: int) -> list[Segment]:
    kind = p.block.kind
    if p.end - p.start <= limit or kind not in ("paragraph", "bullet"):
        return [Segment(p.start, p.end, kind, p.block.speaker, p.block.time_start,
                        p.block.time_end, p.block.page)]
    return [Segment(p.start + s, p.start + e, kind, None, None, None, p.block.page)
            for s, e in pack_sentences(p.text, limit)]


@lru_cache(maxsize=1)
def _sentencizer():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def pack_sentences(text: str, limit: int) -> list[tuple[int, int]]:
    """Spans of consecutive sentences, each at most `limit` characters when possible."""
    doc = _sentencizer()(text)
    spans: list[tuple[int, int]] = []
    for sent in doc.sents:
        s, e = sent.start_char, sent.end_char
        while e > s and text[e - 1].isspace():
            e -= 1
        if e <= s:
            continue
        if spans and e - spans[-1][0] <= limit:
            spans[-1] = (spans[-1][0], e)
        else:
            spans.append((s, e))
    return spans or [(0, len(text))]

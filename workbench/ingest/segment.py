"""Build the stored text of a document from blocks and cut it into segments.

Interviews and focus groups become speaker turns (a turn runs over paragraphs
until the next speaker); other documents are repaired where a blank line cut a
sentence (`repair`) and cut as a reader sees them (`structure`): headings with
the section path under them, list items, table rows, captions, source notes,
reference entries, front matter and footnotes; long paragraphs are split at
sentence boundaries (`sentences`, rule-based: no model is loaded). Offsets are
half-open [start, end) code-point indices into the returned text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from workbench.ingest._base import Block
from workbench.ingest.normalise import normalise_block
from workbench.ingest.repair import join_wrapped_hyphens, repair_paragraphs
from workbench.ingest.sentences import sentence_spans
from workbench.ingest.speakers import find_label, is_known, label_key
from workbench.ingest.structure import structure_blocks

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
    section: str | None = None  # the headings it sits under, "4 Skills > 4.2 Apprenticeships"
    level: int | None = None  # a heading's level
    context: str | None = None  # a table row's header row


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


def normalise_blocks(blocks: list[Block], join_lines: bool = False) -> list[tuple[Block, str]]:
    """Each block with its normalised text; empty blocks dropped."""
    out = []
    for block in blocks:
        text = normalise_block(block.text, join_lines)
        if text:
            out.append((block, text))
    return out


def place_blocks(blocks: list[Block], join_lines: bool = False) -> tuple[str, list[_Placed]]:
    """Normalise blocks, drop empty ones and join them with blank lines."""
    return place_texts(normalise_blocks(blocks, join_lines))


def place_texts(items: list[tuple[Block, str]]) -> tuple[str, list[_Placed]]:
    """Join normalised block texts with blank lines and note where each one lies."""
    placed: list[_Placed] = []
    parts: list[str] = []
    pos = 0
    for block, text in items:
        if parts:
            pos += len(SEPARATOR)
        placed.append(_Placed(block, text, pos, pos + len(text)))
        parts.append(text)
        pos += len(text)
    return SEPARATOR.join(parts), placed


def _accepted_labels(placed: list[tuple[Block, str]], expect_turns: bool | None):
    """Labels found at block starts, and those that recur enough to be speakers."""
    found = [find_label(text) if block.kind in _TURN_KINDS and not block.speaker else None
             for block, text in placed]
    counts = Counter(label_key(m.label) for m in found if m)
    names: dict[str, str] = {}
    for m in found:
        if m:
            names.setdefault(label_key(m.label), m.label)
    accepted = {k for k, n in counts.items() if n >= 2 or is_known(names[k])}
    if expect_turns is False:
        accepted = set()
    labelled = sum(1 for m in found if m and label_key(m.label) in accepted)
    eligible = sum(1 for block, _ in placed if block.kind in _TURN_KINDS) or 1
    if len(accepted) < 2 or (expect_turns is None and labelled / eligible < _MIN_LABELLED_SHARE):
        accepted = set()
    return found, accepted, names


def build_document(
    blocks: list[Block],
    join_lines: bool = False,
    expect_turns: bool | None = None,
    max_paragraph_chars: int = MAX_PARAGRAPH_CHARS,
    keep_text: bool = False,
) -> BuiltDocument:
    """Normalised text plus segments for a list of blocks.

    expect_turns: True for interviews/focus groups, False for documents and
    surveys (no speaker detection), None to decide from the text.
    keep_text: the blocks are the stored text of a document being re-segmented;
    its text must come out unchanged (repaired paragraphs keep their blank line).
    """
    items = normalise_blocks(blocks, join_lines)
    found, accepted, names = _accepted_labels(items, expect_turns)
    if not _is_transcript(items, accepted, expect_turns):
        return _build_structured(items, max_paragraph_chars, keep_text)
    text, placed = place_texts(items)
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


def _is_transcript(items: list[tuple[Block, str]], accepted: set, expect_turns: bool | None) -> bool:
    """Speaker labels recur, or the reader found speakers or caption cues."""
    if accepted or any(b.kind in ("cue", "answer") for b, _ in items):
        return True
    return expect_turns is not False and any(b.speaker for b, _ in items)


def _build_structured(items: list[tuple[Block, str]], limit: int, keep_text: bool) -> BuiltDocument:
    """A document that is no transcript: paragraphs repaired, then cut as a reader sees it."""
    if not keep_text:
        items = [(b, join_wrapped_hyphens(t) if b.kind in ("paragraph", "bullet") else t) for b, t in items]
    items = repair_paragraphs(items, keep_text)
    structured = structure_blocks(items, join_wraps=not keep_text)
    text, placed = place_texts([(block, text) for block, text, _ in structured])
    segments: list[Segment] = []
    for p, (_, _, pieces) in zip(placed, structured):
        for piece in pieces:
            start, end = p.start + piece.start, p.start + piece.end
            if end <= start:
                continue
            seg = Segment(start, end, piece.kind, None, p.block.time_start, p.block.time_end, p.block.page,
                          piece.section, piece.level, piece.context)
            if end - start > limit and piece.kind in ("paragraph", "list_item", "references", "footnote"):
                segments += [Segment(start + s, start + e, seg.kind, page=seg.page, section=seg.section)
                             for s, e in pack_sentences(text[start:end], limit)]
            else:
                segments.append(seg)
    return BuiltDocument(text, segments, [], infer_type([], [b for b, _, _ in structured]))


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
    kind = "list_item" if p.block.kind == "bullet" else p.block.kind
    level = p.block.level if kind == "heading" else None
    if p.end - p.start <= limit or kind not in ("paragraph", "list_item"):
        return [Segment(p.start, p.end, kind, p.block.speaker, p.block.time_start,
                        p.block.time_end, p.block.page, level=level)]
    return [Segment(p.start + s, p.start + e, kind, None, None, None, p.block.page)
            for s, e in pack_sentences(p.text, limit)]


def pack_sentences(text: str, limit: int) -> list[tuple[int, int]]:
    """Spans of consecutive sentences, each at most `limit` characters when possible (rule-based splitting,
    run only on text longer than the limit)."""
    if len(text.rstrip()) <= limit:
        end = len(text.rstrip())
        return [(0, end)] if end else [(0, len(text))]
    spans: list[tuple[int, int]] = []
    for s, e in sentence_spans(text):
        if spans and e - spans[-1][0] <= limit:
            spans[-1] = (spans[-1][0], e)
        else:
            spans.append((s, e))
    return spans or [(0, len(text))]

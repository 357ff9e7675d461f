"""The structure a reader sees in a document's blocks: headings with levels and the section path each
segment sits under, list items, table rows with their header row, captions, source notes, reference
entries, front matter (licence, DOI, citation block, contents) and footnotes.

`structure_blocks` walks the blocks in order (a references heading opens a bibliography, a contents
heading a table of contents) and cuts each block into pieces: [start, end) offsets inside its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workbench.ingest._base import Block
from workbench.ingest.kinds import (
    CAPTION,
    REFERENCE_HEADING,
    REFERENCE_START,
    SOURCE_NOTE,
    TOC_HEADING,
    YEAR,
    heading_level,
    is_caption,
    is_front_matter,
    is_reference_entry,
    is_sentence_case_heading,
    is_source_note,
    is_toc_line,
    looks_like_heading,
)
from workbench.ingest.kinds import FOOTNOTE as FOOTNOTE_SHAPE
from workbench.ingest.repair import join_soft_wraps
from workbench.ingest.sentences import ends_sentence

SECTION_SEPARATOR = " > "
_NOTE_MARKS = re.compile(r"^\s*(?:\[\^?\w{1,4}\]:?|\^?\d{1,3}[.:)]?)\s+|\s*↩\s*$")  # "[^3]: ", "3. " and a back-link "↩"
_INNER_SENTENCE_END = re.compile(r"[a-z][.!?] [A-Z]")
_MIN_COVERED_BLOCKS = 10  # a document this short has no cover page
_READER_KINDS = {"bullet": "list_item", "footnote": "footnote", "endnote": "endnote", "caption": "caption",
                 "table_row": "table_row", "cue": "cue"}
_FIGURE_KINDS = {"caption", "table_row", "source_note"}
_PROSE_KINDS = {"paragraph", "list_item"}


@dataclass
class Piece:
    """A segment-to-be: offsets inside one block's text, its kind, heading level, section and table context."""

    start: int
    end: int
    kind: str
    level: int | None = None
    section: str | None = None
    context: str | None = None


class _Walk:
    def __init__(self, total: int):
        self.total = total
        self.early = max(8, int(total * 0.15))  # blocks where a licence or citation block may stand
        self.cover_limit = max(20, int(total * 0.3))  # a cover page (with its rights notices) ends by this block
        self.heading_texts: set[str] = set()  # a title repeated on the first page is a heading again
        self.stack: list[tuple[int, str]] = []
        self.unknown_level: int | None = None  # level given to the last heading that showed none
        self.mode: str | None = None  # references | toc
        self.mode_level = 0
        self.table_header: str | None = None
        self.prev_kind: str | None = None
        self.since_figure = 99
        self.cover = True  # still on the cover page: before the contents, a numbered heading or long prose
        self.headings_seen = 0
        self.marked_headings = False  # the reader marked headings (html, docx, markdown): no title line is guessed

    def section(self) -> str | None:
        return SECTION_SEPARATOR.join(text for _, text in self.stack) or None

    def end_toc(self) -> None:
        """Leave a table of contents: what follows is not under its "Contents" heading."""
        while self.stack and self.stack[-1][0] >= self.mode_level:
            self.stack.pop()
        self.mode = None

    def heading(self, text: str, level: int | None) -> Piece:
        if self.mode == "toc":
            self.end_toc()
        self.headings_seen += 1
        if heading_level(text) or TOC_HEADING.match(text.strip()):
            self.cover = False
        shown = level or heading_level(text) or (1 if REFERENCE_HEADING.match(text.strip())
                                                 or TOC_HEADING.match(text.strip()) else None)
        if shown is None:
            shown = self.unknown_level or ((self.stack[-1][0] + 1) if self.stack else 1)
            self.unknown_level = shown
        else:
            self.unknown_level = None
        while self.stack and self.stack[-1][0] >= shown:
            self.stack.pop()
        piece = Piece(0, len(text), "heading", shown, self.section())
        self.heading_texts.add(" ".join(text.split()))
        self.stack.append((shown, " ".join(text.split())[:80]))
        if self.mode and shown <= self.mode_level:
            self.mode = None
        if REFERENCE_HEADING.match(text.strip()):
            self.mode, self.mode_level = "references", shown
        elif TOC_HEADING.match(text.strip()):
            self.mode, self.mode_level = "toc", shown
        return piece


def structure_blocks(items: list[tuple[Block, str]], join_wraps: bool = True) -> list[tuple[Block, str, list[Piece]]]:
    """Each block with its text (soft-wrapped lines of prose joined when join_wraps) and the pieces it is cut into."""
    walk = _Walk(len(items))
    walk.marked_headings = any(block.kind == "heading" for block, _ in items)
    out = []
    for i, (block, text) in enumerate(items):
        nxt = items[i + 1] if i + 1 < len(items) else None
        pieces = _pieces(walk, i, block, text, nxt)
        for piece in pieces:
            if piece.kind != "heading":
                piece.section = walk.section()
            if join_wraps and piece.kind in _PROSE_KINDS:
                text = text[:piece.start] + join_soft_wraps(text[piece.start:piece.end]) + text[piece.end:]
        if i >= walk.cover_limit or any(p.kind == "paragraph" and p.end - p.start > 200 for p in pieces):
            walk.cover = False
        last = pieces[-1].kind if pieces else walk.prev_kind
        walk.since_figure = 0 if last in _FIGURE_KINDS else walk.since_figure + 1
        if last != "table_row":
            walk.table_header = None
        walk.prev_kind = last
        out.append((block, text, pieces))
    return out


def _pieces(walk: _Walk, i: int, block: Block, text: str, nxt) -> list[Piece]:
    kind = block.kind
    if kind == "heading":
        return [walk.heading(text, block.level)]
    if kind == "table_row":
        if walk.prev_kind == "table_row" and walk.table_header is not None and not block.starts_table:
            return [Piece(0, len(text), "table_row", context=walk.table_header)]
        walk.table_header = " ".join(text.split())[:300]
        return [Piece(0, len(text), "table_row")]
    if walk.mode == "references" and kind in ("paragraph", "bullet"):
        return _entries(text)
    if walk.mode == "toc" and kind in ("paragraph", "bullet"):
        lines = _lines(text)
        if all(is_toc_line(text[s:e]) for s, e in lines):
            return [Piece(s, e, "front_matter") for s, e in lines]
        walk.end_toc()
    if kind == "bullet":
        return _bullet(walk, block, text, nxt)
    if kind in ("footnote", "endnote") and is_reference_entry(_NOTE_MARKS.sub("", text)):
        return [Piece(0, len(text), "references")]  # a note that only cites a work is a bibliography entry
    if kind in ("footnote", "endnote") and FOOTNOTE_SHAPE.match(text):
        return _line_pieces(text, 0, FOOTNOTE_SHAPE, kind)  # "[^1]: ...", "[^2]: ..." lines: one note each
    if kind != "paragraph":
        return [Piece(0, len(text), _READER_KINDS.get(kind, kind))]
    return _paragraph(walk, i, text, 0, nxt)


def _bullet(walk: _Walk, block: Block, text: str, nxt) -> list[Piece]:
    isolated = walk.prev_kind != "list_item" and (nxt is None or nxt[0].kind != "bullet")
    if isolated and heading_level(text) and looks_like_heading(text):
        return [walk.heading(text, block.level)]
    return [Piece(0, len(text), "list_item")]


def _paragraph(walk: _Walk, i: int, text: str, offset: int, nxt) -> list[Piece]:
    body = text[offset:]
    first, _, rest = body.partition("\n")
    single = not rest
    early = i < walk.early or walk.cover
    whole = [Piece(offset, len(text), "paragraph")]
    if is_caption(first, above_table=single and nxt is not None and nxt[0].kind == "table_row") \
            and (single or len(first) <= 200):
        return _then(walk, i, text, offset, first, "caption", nxt)
    if is_source_note(first, walk.since_figure <= 2):
        return _source_notes(text, offset)
    if is_front_matter(body, early):
        return [Piece(offset, len(text), "front_matter")]
    if REFERENCE_HEADING.match(first.strip()) or TOC_HEADING.match(first.strip()):
        return _heading_then(walk, i, text, offset, first, nxt)
    if single and is_toc_line(first) and ("..." in first or "…" in first or "\t" in first):
        return [Piece(offset, len(text), "front_matter")]
    if FOOTNOTE_SHAPE.match(first):
        return _line_pieces(text, offset, FOOTNOTE_SHAPE, "footnote")
    if is_reference_entry(body) and _reference_run(walk, nxt):
        return _entries(text, offset)
    cover = walk.cover and walk.headings_seen and walk.total >= _MIN_COVERED_BLOCKS and _is_cover_block(body)
    if cover and not looks_like_heading(first, strict=True) and not _opens_section(nxt):
        return [Piece(offset, len(text), "front_matter")]  # authors, publisher, a date under the title
    if (_is_heading_line(first, single, nxt) or (single and " ".join(first.split()) in walk.heading_texts)
            or (single and walk.cover and not walk.headings_seen and not walk.marked_headings
                and _is_title_line(first))):
        return _heading_then(walk, i, text, offset, first, nxt)
    if cover:
        return [Piece(offset, len(text), "front_matter")]
    return whole


def _opens_section(nxt) -> bool:
    """The next block is prose long enough to be a section's first paragraph (so this line may head it)."""
    return nxt is not None and nxt[0].kind == "paragraph" and len(nxt[1]) > 200 and ends_sentence(nxt[1])


def _is_cover_block(body: str) -> bool:
    """Lines of a cover page: a few short lines (publisher, authors, a date), none of them a sentence."""
    lines = [line for line in body.split("\n") if line.strip()]
    return 0 < len(lines) <= 8 and all(len(line) <= 100 and not ends_sentence(line) and not line.endswith(":")
                                       for line in lines)


def _source_notes(text: str, offset: int) -> list[Piece]:
    """`Source: ...` and `Note: ...` lines under a figure or table, one piece each (wrapped lines continue one)."""
    return _line_pieces(text, offset, SOURCE_NOTE, "source_note")


def _line_pieces(text: str, offset: int, opens, kind: str) -> list[Piece]:
    """Pieces of one kind, each opened by a line that matches `opens` (`[^2]: ...`, `Note: ...`); other lines
    continue the piece before."""
    pieces: list[Piece] = []
    for s, e in _lines(text, offset):
        if not pieces or opens.match(text[s:e]):
            pieces.append(Piece(s, e, kind))
        else:
            pieces[-1].end = e
    return pieces


def _is_heading_line(first: str, single: bool, nxt) -> bool:
    if looks_like_heading(first, strict=True):
        return single or len(first) <= 80
    if not single or nxt is None or nxt[0].kind in ("heading", "table_row"):
        return False
    following = nxt[1]
    if looks_like_heading(first):
        return len(following) > len(first) * 1.5 and (ends_sentence(following) or len(following) > 200)
    # a heading in sentence case ("What the evidence says") over a paragraph at least twice as long
    return (is_sentence_case_heading(first) and len(following) > len(first) * 2
            and (ends_sentence(following) or following.rstrip().endswith(":") or len(following) > 200))


def _is_title_line(line: str) -> bool:
    """The document's title standing alone at its top: a short line that starts like a title and ends without
    punctuation ("Regional skills review")."""
    line = line.strip()
    return (2 <= len(line.split()) <= 20 and len(line) <= 160 and line[:1].isupper() and line[-1] not in ".,;:!?"
            and not CAPTION.match(line) and not SOURCE_NOTE.match(line) and not _INNER_SENTENCE_END.search(line))


def _heading_then(walk: _Walk, i: int, text: str, offset: int, first: str, nxt) -> list[Piece]:
    piece = walk.heading(first, None)
    piece.start, piece.end = offset, offset + len(first)
    return [piece] + _rest(walk, i, text, offset, first, nxt)


def _then(walk: _Walk, i: int, text: str, offset: int, first: str, kind: str, nxt) -> list[Piece]:
    return [Piece(offset, offset + len(first), kind)] + _rest(walk, i, text, offset, first, nxt)


def _rest(walk: _Walk, i: int, text: str, offset: int, first: str, nxt) -> list[Piece]:
    start = offset + len(first) + 1
    if start >= len(text):
        return []
    if walk.mode == "references":
        return _entries(text, start)
    if walk.mode == "toc":
        return [Piece(s, e, "front_matter") for s, e in _lines(text, start)]
    return _paragraph(walk, i, text, start, nxt)


def _reference_run(walk: _Walk, nxt) -> bool:
    """A reference-shaped block counts as a bibliography entry beside another one (no lone false alarms)."""
    return walk.prev_kind == "references" or (nxt is not None and is_reference_entry(nxt[1]))


def _lines(text: str, offset: int = 0) -> list[tuple[int, int]]:
    spans, pos = [], offset
    for line in text[offset:].split("\n"):
        if line.strip():
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _entries(text: str, offset: int = 0) -> list[Piece]:
    """Reference entries: a line that opens like an entry (or follows one ending a sentence and shows a year)
    starts the next; other lines continue the entry before."""
    pieces: list[Piece] = []
    for s, e in _lines(text, offset):
        line = text[s:e]
        new = not pieces or REFERENCE_START.match(line) or (ends_sentence(text[pieces[-1].start:pieces[-1].end])
                                                             and line[:1].isupper() and YEAR.search(line[:80]))
        if new:
            pieces.append(Piece(s, e, "references"))
        else:
            pieces[-1].end = e
    return pieces

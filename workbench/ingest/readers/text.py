"""Plain text and Markdown: paragraphs, bullets, headings (with levels), table rows; markdown marks removed;
encodings detected."""

from __future__ import annotations

import re

from workbench.ingest._base import Block, ReadOptions, ReadResult
from workbench.ingest.encoding import decode_text
from workbench.ingest.kinds import REFERENCE_HEADING, continues_reference, looks_like_heading
from workbench.ingest.markdown import (
    MD_HEADING,
    is_separator_row,
    looks_like_markdown,
    strip_inline,
    table_cells,
    table_row_text,
)
from workbench.ingest.normalise import normalise_text
from workbench.ingest.speakers import NOT_SPEAKERS, find_label

BULLET = re.compile(r"^\s*(?:[-*•–·▪◦]|\d{1,3}[.)]|[a-z][.)]|(?:[ivx]{1,5}|[IVX]{1,5})[.)]|\((?:\d{1,3}|[a-z]|[ivx]{1,5})\))\s+\S")
_BLANK = re.compile(r"\n[ \t]*\n")
_FIELD = re.compile(r"^\s*\*{0,2}([A-Za-z][\w -]{0,30}?)\*{0,2}:")
_SENTENCE_END = re.compile(r"[.?!…][\"'”’)\]]*$")


def is_metadata_field(line: str) -> bool:
    """`Date: ...`, `**Venue:** ...`: a header field that no speaker is called."""
    m = _FIELD.match(line)
    return bool(m) and m.group(1).strip().casefold() in NOT_SPEAKERS


def continues_header(line: str) -> bool:
    """Inside a run of header fields, `Interviewer: Jane Smith` (no sentence end) names a person; it is no turn."""
    return _FIELD.match(line) is not None and not _SENTENCE_END.search(line.rstrip())


def split_lines_into_blocks(lines: list[str], markdown: bool, labels: bool = True) -> list[Block]:
    """Blocks from the lines of one paragraph: bullets, headings and speaker lines start new blocks. A run of
    header fields (`Date: ...` then `Interviewer: Jane Smith`) stays one block, so the names are no turns, and
    so does a reference entry's `London: Macmillan.` line. labels=False: no line is read as a speaker label
    (a bibliography)."""
    blocks: list[Block] = []
    in_header = False
    rows = _table_lines(lines) if any("\t" in line or "|" in line for line in lines) else {}
    for n, line in enumerate(lines):
        if not line.strip():
            continue
        if n in rows:
            if rows[n] is not None:
                first = n == 0 or n - 1 not in rows
                blocks.append(Block(table_row_text(rows[n]), "table_row", starts_table=first))
            in_header = False
            continue
        heading = MD_HEADING.match(line) if markdown else None
        if heading:
            blocks.append(Block(strip_inline(heading.group(2)), "heading", level=len(heading.group(1))))
            in_header = False
            continue
        if markdown:
            line = strip_inline(line)
        in_header = is_metadata_field(line) or (in_header and continues_header(line))
        citation = not labels or (bool(blocks) and continues_reference(blocks[-1].text, line))
        label = None if in_header or citation else find_label(line)
        starts_new = BULLET.match(line) or (label is not None and not label.own_line)
        if starts_new or not blocks or blocks[-1].kind in ("heading", "table_row"):
            blocks.append(Block(line, "bullet" if BULLET.match(line) else "paragraph"))
        else:
            blocks[-1].text += "\n" + line
    return blocks


def _table_lines(lines: list[str]) -> dict[int, list[str] | None]:
    """{line number: cells} of the rows of pipe tables and of runs of two or more tab-separated lines (None for a
    markdown separator row, which is dropped)."""
    found: dict[int, list[str] | None] = {}
    run: list[int] = []
    for n, line in enumerate(lines + [""]):
        cells = table_cells(line) if line.strip() else None
        if cells is not None:
            run.append(n)
            continue
        piped = any(lines[i].lstrip().startswith("|") for i in run)
        if len(run) >= 2 or (piped and run):
            for i in run:
                found[i] = None if is_separator_row(lines[i]) else table_cells(lines[i])
        run = []
    return found


def text_to_blocks(text: str, markdown: bool = False) -> list[Block]:
    """Blank-line separated paragraphs; a file without blank lines is one paragraph a line."""
    text = normalise_text(text)
    markdown = markdown or looks_like_markdown(text)
    paragraphs = _BLANK.split(text)
    if len(paragraphs) == 1:
        lines = text.split("\n")
        if _table_lines(lines):
            return split_lines_into_blocks(lines, markdown)
        return [b for line in lines for b in split_lines_into_blocks([line], markdown)]
    blocks: list[Block] = []
    in_references = False
    for para in paragraphs:
        found = split_lines_into_blocks(para.split("\n"), markdown, labels=not in_references)
        for block in found:  # a References heading opens a bibliography; the next heading closes it
            first = block.text.split("\n", 1)[0].strip()
            if REFERENCE_HEADING.match(first):
                in_references = True
            elif in_references and (block.kind == "heading" or looks_like_heading(block.text, strict=True)):
                in_references = False
        blocks.extend(found)
    return blocks


def read(data: bytes, name: str, options: ReadOptions) -> ReadResult:
    """Read a .txt or .md file."""
    text, encoding = decode_text(data, name)
    markdown = name.lower().endswith((".md", ".markdown"))
    blocks = text_to_blocks(text, markdown)
    headings = [b for b in blocks if b.kind == "heading" and b.level]
    top = min((b.level for b in headings), default=None)
    title = next((b.text for b in headings if b.level == top), None) if markdown else None
    return ReadResult(blocks=blocks, title=title, metadata={"encoding": encoding})

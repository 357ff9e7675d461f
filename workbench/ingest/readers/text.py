"""Plain text and Markdown: paragraphs, bullets, headings; encodings detected."""

from __future__ import annotations

import re

from workbench.ingest._base import Block, ReadOptions, ReadResult
from workbench.ingest.encoding import decode_text
from workbench.ingest.normalise import normalise_text
from workbench.ingest.speakers import NOT_SPEAKERS, find_label

BULLET = re.compile(r"^\s*(?:[-*•–·▪◦]|\d{1,3}[.)]|[a-z][.)])\s+\S")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
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


def split_lines_into_blocks(lines: list[str], markdown: bool) -> list[Block]:
    """Blocks from the lines of one paragraph: bullets, headings and speaker lines start new blocks. A run of
    header fields (`Date: ...` then `Interviewer: Jane Smith`) stays one block, so the names are no turns."""
    blocks: list[Block] = []
    in_header = False
    for line in lines:
        if not line.strip():
            continue
        heading = _MD_HEADING.match(line) if markdown else None
        if heading:
            blocks.append(Block(heading.group(2), "heading"))
            in_header = False
            continue
        in_header = is_metadata_field(line) or (in_header and continues_header(line))
        label = None if in_header else find_label(line)
        starts_new = BULLET.match(line) or (label is not None and not label.own_line)
        if starts_new or not blocks or blocks[-1].kind == "heading":
            blocks.append(Block(line, "bullet" if BULLET.match(line) else "paragraph"))
        else:
            blocks[-1].text += "\n" + line
    return blocks


def text_to_blocks(text: str, markdown: bool = False) -> list[Block]:
    """Blank-line separated paragraphs; a file without blank lines is one paragraph a line."""
    text = normalise_text(text)
    paragraphs = _BLANK.split(text)
    if len(paragraphs) == 1:
        return [b for line in text.split("\n") for b in split_lines_into_blocks([line], markdown)]
    blocks: list[Block] = []
    for para in paragraphs:
        blocks.extend(split_lines_into_blocks(para.split("\n"), markdown))
    return blocks


def read(data: bytes, name: str, options: ReadOptions) -> ReadResult:
    """Read a .txt or .md file."""
    text, encoding = decode_text(data, name)
    markdown = name.lower().endswith((".md", ".markdown"))
    blocks = text_to_blocks(text, markdown)
    title = next((b.text for b in blocks if b.kind == "heading"), None) if markdown else None
    return ReadResult(blocks=blocks, title=title, metadata={"encoding": encoding})

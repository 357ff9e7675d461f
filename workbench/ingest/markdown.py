"""Markdown marks in .md files (and markdown-like text from PDF converters) become plain text: emphasis,
inline code and links lose their marks, pipe and tab tables become rows of cells."""

from __future__ import annotations

import re

CELL_SEPARATOR = " | "
_EMPHASIS = (
    re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"),
    re.compile(r"(?<![\w_])__(?=\S)(.+?)(?<=\S)__(?![\w_])"),
    re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"),
    re.compile(r"(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])"),
    re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"),
)
_CODE = re.compile(r"`([^`\n]+)`")
_IMAGE = re.compile(r"!\[([^\]\n]*)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_LINK = re.compile(r"(?<!!)\[([^\]\n]+)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_BOLD_PAIR = re.compile(r"\*\*\S[^*\n]*?\S?\*\*")
MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SEPARATOR_ROW = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")


def strip_inline(line: str) -> str:
    """A line with emphasis, inline code, image and link marks removed (their text kept)."""
    if not any(ch in line for ch in "*_`[~"):
        return line
    line = _IMAGE.sub(r"\1", line)
    line = _LINK.sub(r"\1", line)
    line = _CODE.sub(r"\1", line)
    for pattern in _EMPHASIS:
        line = pattern.sub(r"\1", line)
    return line


def looks_like_markdown(text: str) -> bool:
    """Plain text with markdown marks (as PDF converters write it): two **bold** runs, or two # headings."""
    return len(_BOLD_PAIR.findall(text, 0, 200_000)) >= 2 or \
        sum(1 for line in text.split("\n", 2000)[:2000] if MD_HEADING.match(line) and line.lstrip().startswith("# ")) >= 2


def is_separator_row(line: str) -> bool:
    """The |---|:---:| line under a markdown table's header."""
    return "-" in line and bool(_SEPARATOR_ROW.match(line))


def table_cells(line: str) -> list[str] | None:
    """The cells of a pipe-table row (`| a | b |`) or a tab-separated row; None for any other line."""
    stripped = line.strip()
    if stripped.startswith("|") and stripped.count("|") >= 2:
        return [c.strip() for c in stripped.strip("|").split("|")]
    if "\t" in stripped:
        cells = [c.strip() for c in stripped.split("\t")]
        if sum(1 for c in cells if c) >= 2:
            return cells
    return None


def table_row_text(cells: list[str]) -> str:
    """A row's cells joined with the cell separator; empty cells kept so columns stay aligned."""
    return CELL_SEPARATOR.join(cells)

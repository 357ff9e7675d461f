"""The contract every reader follows: bytes in, a list of text blocks out.

A reader turns the bytes of one source file into ``Block`` objects in reading
order. It does not normalise text, split speaker turns or touch the store: the
ingest pipeline does that once for every format, so offsets are computed in a
single place (see ``workbench.ingest.document``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Block:
    """One paragraph-like unit of a source, in reading order.

    kind: paragraph, heading, bullet, table_row, footnote, endnote, cue, caption; a heading may carry its level.
    speaker/time_start/time_end are set by readers that know them (captions, bold
    speaker runs in docx); otherwise segmentation detects speakers in the text.
    Text may hold single newlines; blank lines separate blocks in the stored text.
    """

    text: str
    kind: str = "paragraph"
    page: int | None = None
    speaker: str | None = None
    time_start: float | None = None
    time_end: float | None = None
    level: int | None = None  # heading level (1 = top) where the format says it
    starts_table: bool = False  # a table_row that is the first (header) row of its table


@dataclass
class Memo:
    """A note that belongs to the document but not to its text (e.g. a Word comment)."""

    text: str
    author: str | None = None
    created: str | None = None
    anchor_text: str | None = None


@dataclass
class ReadResult:
    """What a reader found in one file (or one row of a survey file)."""

    blocks: list[Block]
    title: str | None = None
    warnings: list[str] = field(default_factory=list)
    memos: list[Memo] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    attributes: dict[str, Any] = field(default_factory=dict)
    doc_type: str | None = None
    part: str = ""  # which part of the file (survey row); '' for whole files
    # For a part, title names the part (a respondent id); the file's title is prefixed.


@dataclass
class ReadOptions:
    """Options that reach every reader."""

    password: str | None = None
    time_limit: float = 120.0  # seconds per file
    survey_mode: str = "row"  # row: one document per row; file: one per file
    text_column: str | None = None
    max_archive_bytes: int = 1_000_000_000  # total uncompressed size of a docx/odt/xlsx
    max_archive_members: int = 10_000


def note_mark(kind: str, n: int) -> str:
    """The label of the n-th note, as every reader marks notes: footnotes 1, 2, ...; endnotes i, ii, ..."""
    if kind != "endnote":
        return str(n)
    out = []
    for value, numeral in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out.append(numeral)
            n -= value
    return "".join(out)

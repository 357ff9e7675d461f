"""Text normalisation applied once to every block before offsets are computed."""

from __future__ import annotations

import re
import unicodedata

_LINE_BREAKS = re.compile(r"\r\n|\r|[\u2028\u2029\x0b\x0c\x85]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufeff\ufffe\uffff\ud800-\udfff]")
_TRAILING_SPACE = re.compile(r"[ \t\u00a0]+\n")
_BLANK_LINES = re.compile(r"\n\s*\n")
HYPHEN_BREAK = re.compile(r"(?<=[^\W\d_])-\n(?=[a-z])")  # a word hyphenated across a line break
_INNER_NEWLINE = re.compile(r"[ \t]*\n[ \t]*")


def normalise_text(text: str) -> str:
    """NFC, `\\n` line endings, control characters and NULs removed, no trailing spaces."""
    text = unicodedata.normalize("NFC", text)
    text = _LINE_BREAKS.sub("\n", text)
    text = _CONTROL.sub("", text)
    return _TRAILING_SPACE.sub("\n", text)


def normalise_block(text: str, join_lines: bool = False) -> str:
    """Normalise one block; blank lines inside it collapse to a single newline.

    join_lines (PDF text): hyphenated line breaks are joined ("manu-\\nfacture"
    becomes "manufacture") and the remaining line breaks become spaces, since
    they are an artefact of the page layout, not of the author.
    """
    text = normalise_text(text).strip()
    text = _BLANK_LINES.sub("\n", text)
    if join_lines:
        text = HYPHEN_BREAK.sub("", text)
        text = _INNER_NEWLINE.sub(" ", text)
    return text

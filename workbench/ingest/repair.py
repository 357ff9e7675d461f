"""Paragraph repair: blocks that a blank line cut inside a sentence become one paragraph again, and
soft-wrapped lines inside a paragraph are joined. Speaker turns, headings, lists and tables are never merged.
"""

from __future__ import annotations

import re
from dataclasses import replace

from workbench.ingest._base import Block
from workbench.ingest.kinds import CAPTION, SOURCE_NOTE, looks_like_heading, starts_list_item
from workbench.ingest.normalise import HYPHEN_BREAK
from workbench.ingest.sentences import ends_sentence
from workbench.ingest.speakers import find_label

_HYPHEN_BREAK = re.compile(r"(?<=[^\W\d_])-$")
_FIELD_LINE = re.compile(r"^[A-Z*][\w*'’-]*(?: [\w*'’-]+){0,3}:(?:\s|$)")  # "Date: ...", "Next meeting: ..."
_MERGEABLE = {"paragraph"}
MIN_WRAPPED_WIDTH = 40  # blocks whose longest line is shorter keep their line breaks (addresses, verse)


def continues(prev: str, nxt: str) -> bool:
    """Whether `nxt` carries on a sentence that `prev` leaves open: it starts in lower case, `prev` ends in a
    hyphenated break, or `prev` leaves a bracket or quotation open."""
    p, n = prev.rstrip(), nxt.lstrip()
    if not p or not n or ends_sentence(p) or p[-1] in ":;" or starts_list_item(n):
        return False
    if _HYPHEN_BREAK.search(p) or n[0].islower():
        return True
    return _open_bracket_or_quote(p)


def _open_bracket_or_quote(text: str) -> bool:
    return (text.count("(") > text.count(")") or text.count("[") > text.count("]")
            or text.count("“") > text.count("”") or text.count('"') % 2 == 1)


def _mergeable(block: Block, text: str) -> bool:
    if block.kind not in _MERGEABLE or block.speaker is not None or "\t" in text or text.lstrip().startswith("|"):
        return False
    first = text.split("\n", 1)[0]
    return not (looks_like_heading(text, strict=True) or CAPTION.match(first) or SOURCE_NOTE.match(first))


def repair_paragraphs(items: list[tuple[Block, str]], keep_text: bool = False) -> list[tuple[Block, str]]:
    """Merge each block into the one before when it continues that block's sentence.

    keep_text: the blank line between them stays in the text (re-segmenting stored text, whose offsets must
    not move); otherwise they are joined with a space, or with nothing after a hyphenated break.
    """
    out: list[tuple[Block, str]] = []
    for block, text in items:
        if out and block.kind in _MERGEABLE and continues(out[-1][1], text) and _mergeable(block, text) \
                and _mergeable(*out[-1]) and find_label(text) is None:
            prev_block, prev_text = out[-1]
            if keep_text:
                joined = prev_text + "\n\n" + text
            elif _HYPHEN_BREAK.search(prev_text.rstrip()):
                joined = prev_text.rstrip() + text.lstrip()
            else:
                joined = prev_text.rstrip() + " " + text.lstrip()
            out[-1] = (replace(prev_block, kind="paragraph"), joined)
        else:
            out.append((block, text))
    return out


def join_wrapped_hyphens(text: str) -> str:
    """`non-\\nlocal` becomes `non-local`: the line break goes, the hyphen stays (it may be a real one)."""
    return HYPHEN_BREAK.sub("-", text) if "-\n" in text else text


def join_soft_wraps(text: str) -> str:
    """Line breaks inside a paragraph become spaces where the lines were wrapped to a width (same length, so
    offsets hold): most lines nearly as long as the median line. Header fields (`Date: ...`), list lines and
    lines of uneven length keep their breaks."""
    if "\n" not in text:
        return text
    lines = text.split("\n")
    if any(_FIELD_LINE.match(line) for line in lines[1:]) or any("\t" in line for line in lines):
        return text
    body = sorted(len(line) for line in lines[:-1])
    width = body[len(body) // 2]  # the median line: one over-long line (two joined at a repair) does not count
    long_lines = sum(1 for line in lines[:-1] if len(line) >= 0.7 * width)
    if width < MIN_WRAPPED_WIDTH or long_lines * 3 < (len(lines) - 1) * 2:
        return text  # short lines, or lines of very different length: the author broke them
    out = [lines[0]]
    for prev, line in zip(lines, lines[1:]):
        wrapped = len(prev) >= 0.6 * width and line[:1] not in ("", " ") and not starts_list_item(line)
        out.append((" " if wrapped else "\n") + line)
    return "".join(out)

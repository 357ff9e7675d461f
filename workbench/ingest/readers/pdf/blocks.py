"""PDF blocks: the lines of each column run grouped into paragraphs, headings, bullets, captions, tables."""

from __future__ import annotations

import itertools
import re
from collections import Counter

from workbench.ingest._base import Block
from workbench.ingest.readers.pdf.layout import STRONG_BULLETS, WEAK_BULLETS, Line, PageText

_BULLET_RE = re.compile(
    rf"^(?:([{STRONG_BULLETS}])\s*|([{re.escape(WEAK_BULLETS)}])(?:\s+|$)"
    r"|(\(?\d{1,3}[.)]|\(?[a-z][)]|\([a-z]\)|\(?[ivx]{1,4}\))(?:\s+|$))"
)
_ENDS_SENTENCE = tuple(".!?:;\"”’)")
_CAPTION = re.compile(r"^(?:table|figure|fig\.|chart|exhibit|box|map|graph)\s+[\dA-Z]+[.:\s]", re.IGNORECASE)


def body_size(pages: list[PageText]) -> float:
    """The body text size: the font size (to half a point) that carries the most characters."""
    sizes: Counter = Counter()
    for p in pages:
        for f in p.frags:
            if not f.drop:
                sizes[round(f.size * 2) / 2] += len(f.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def line_pitch(pages: list[PageText], body: float) -> float:
    """The step between consecutive lines of body text (a low quantile), at least the body size."""
    steps = []
    for p in pages:
        for run in p.runs:
            for a, b in itertools.pairwise(run):
                if abs(a.size - body) < 0.6 and abs(b.size - body) < 0.6:
                    d = (a.y0 + a.y1 - b.y0 - b.y1) / 2
                    if 0.7 * body < d < 3 * body:
                        steps.append(d)
    if not steps:
        return 1.2 * body
    steps.sort()  # a low quantile: the plain line step, even where most paragraphs are one line long
    return max(steps[len(steps) // 5], body)


def _bullet(ln: Line) -> str | None:
    """'strong', 'weak' or 'number' when the line starts with a list marker."""
    if ln.listed:
        return "strong"
    m = _BULLET_RE.match(ln.text)
    if not m:
        return None
    return "strong" if m.group(1) else "weak" if m.group(2) else "number"


def _strip_marker(text: str) -> str:
    """The item without a symbol marker (bullets, dashes); numbering is kept."""
    m = _BULLET_RE.match(text)
    if m and (m.group(1) or m.group(2)):
        return text[m.end():]
    if text.startswith(("o ", "o\t")):
        return text[2:]
    return text


def _is_row(ln: Line) -> bool:
    return len(ln.cells) > 1 and not _bullet(ln)


def _aligned(a: Line, b: Line, tol: float) -> bool:
    """Two multi-cell lines whose cells (after the first) start at the same places."""
    need = min(2, len(a.cells_x) - 1, len(b.cells_x) - 1)
    hits = sum(1 for x in a.cells_x[1:] if any(abs(x - y) <= tol for y in b.cells_x[1:]))
    return hits >= need


def _tables(run: list[Line], tol: float = 4.0) -> dict[int, tuple[int, list[list[str]]]]:
    """Tables in a column run: {first line: (end line, rows of cell texts)}.

    A table is two or more lines of cells whose starts line up; a one-cell line
    just below a row that starts where one of its cells starts is that cell's
    text wrapping, and is added to it.
    """
    found: dict[int, tuple[int, list[list[str]]]] = {}
    i, n = 0, len(run)
    while i < n:
        if not _is_row(run[i]):
            i += 1
            continue
        first = run[i]
        rows = [list(first.cells)]
        starts = list(first.cells_x)
        last, prev = first, first
        j = end = i + 1
        while j < n:
            ln = run[j]
            if _is_row(ln):
                if not _aligned(last, ln, tol):
                    break
                gap = prev.y0 - ln.y1
                slots = [min(range(len(starts)), key=lambda k, x=x: abs(starts[k] - x)) for x in ln.cells_x]
                close = all(abs(starts[k] - x) <= tol for k, x in zip(slots, ln.cells_x, strict=True))
                if close and len(set(slots)) == len(slots) and -0.5 * ln.size < gap < (
                        0.45 * ln.size if len(ln.cells) >= len(starts) else 0.7 * ln.size):
                    # the wrapped second line of a row: its cells continue the row's cells
                    for k, text in zip(slots, ln.cells, strict=True):
                        rows[-1][k] += " " + text
                    prev = ln
                    j = end = j + 1
                    continue
                rows.append(list(ln.cells))
                starts = list(ln.cells_x)
                last = prev = ln
                j = end = j + 1
                continue
            gap = prev.y0 - ln.y1
            near = [k for k, x in enumerate(starts) if abs(ln.x0 - x) <= tol]
            if not near or gap > 0.6 * max(ln.size, prev.size) or gap < -0.5 * ln.size:
                break
            rows[-1][near[0]] += " " + ln.text
            prev = ln
            j = end = j + 1
        if len(rows) >= 2:
            found[i] = (end, rows)
            i = end
        else:
            i += 1
    return found


def build_blocks(page: PageText, body: float, pitch: float) -> list[Block]:
    """Group the lines of each column run into paragraphs, headings, bullets and table rows."""
    blocks: list[Block] = []
    cur: list[Line] = []
    kind = "paragraph"
    number = page.number

    def flush() -> None:
        if cur:
            text = "\n".join(ln.text for ln in cur)
            k = kind
            if k == "heading" and (len(cur) > 3 or len(text) > 250):
                k = "paragraph"
            elif k == "bullet":
                text = _strip_marker(text).strip() or text
            elif len(cur) <= 3 and _CAPTION.match(text):
                k = "caption"
            blocks.append(Block(text=text, kind=k, page=number))
            cur.clear()

    for run in page.runs:
        if not run:
            continue
        run_left = min(ln.x0 for ln in run)
        run_right = max(ln.x1 for ln in run)
        run_width = max(run_right - run_left, 1.0)
        tables = _tables(run)
        skip_to = 0
        for i, ln in enumerate(run):
            if i < skip_to:
                continue
            if i in tables:
                flush()
                skip_to, rows = tables[i]
                blocks.extend(Block(text=" | ".join(cells), kind="table_row", page=number) for cells in rows)
                continue
            heading = ln.size >= body * 1.12 and ln.size - body >= 1.0
            marker = _bullet(ln)
            if not cur:
                cur.append(ln)
                kind = "heading" if heading else ("bullet" if marker else "paragraph")
                continue
            p = cur[-1]
            size = max(p.size, ln.size)
            step = (p.y0 + p.y1 - ln.y0 - ln.y1) / 2
            brk = (
                step > pitch * size / body * 1.3 + 0.5
                or step < 0.5 * size  # above or beside the previous line: another region
                or (kind == "heading") != heading
                or abs(p.size - ln.size) > max(1.0, 0.1 * size)
            )
            if not brk and i == 0:
                # a new column run continues a paragraph only straight below it (full-width text
                # running on into the first column)
                brk = abs(ln.x0 - p.x0) > 0.9 * size or kind == "heading"
            if not brk and marker:
                brk = marker == "strong" or p.text.endswith(_ENDS_SENTENCE) or kind == "bullet"
            if not brk and not marker:
                first = cur[0]
                if kind == "bullet":
                    # out of the list: left of the marker, or left of the item's wrapped lines
                    brk = ln.x0 < first.x0 - 0.5 * ln.size or (len(cur) > 1 and ln.x0 < p.x0 - 0.5 * ln.size)
                elif kind == "paragraph":
                    if (ln.x0 > p.x0 + 0.9 * ln.size and ln.x0 - run_left > 0.9 * ln.size
                            and (p.text.endswith(_ENDS_SENTENCE) or p.x1 < run_right - 0.15 * run_width)):
                        brk = True  # first-line indent of the next paragraph (not a hanging indent)
                    elif len(cur) > 1 and ln.x0 < p.x0 - 0.9 * ln.size:
                        brk = True  # back out of an indented block
                    elif (p.x1 < run_right - 0.25 * run_width and p.text.endswith(_ENDS_SENTENCE)
                          and abs(ln.x0 - first.x0) < 0.9 * ln.size):
                        brk = True  # short last line of a paragraph
            if brk:
                flush()
                kind = "heading" if heading else ("bullet" if marker else "paragraph")
            cur.append(ln)
    flush()
    return blocks

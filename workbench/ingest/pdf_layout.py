"""Layout analysis for PDF pages: lines, columns, running headers, paragraphs.

Used by ``workbench.ingest.pdf``. The text and its geometry come from pdfium's
text page: pdfium already orders characters in content-stream order and breaks
them into lines ("\\r\\n"); for each line we ask for its text-run rectangles
(one per text object, ``FPDFText_CountRects``/``GetRect``), split a line where
two runs are more than about an em apart (columns drawn row by row, table
cells) and keep the font size. Everything after that is pure Python on a few
hundred fragments per page:

* running headers/footers: fragments in the top or bottom band of the page
  whose text, with digits replaced, recurs at the same height on many pages,
  and page-number lines ("3", "Page 3", "3 of 12", "- 3 -");
* columns: a vertical strip in the middle of the text area crossed only by
  full-width lines, with column-like text (lines filling their column) on both
  sides; full-width lines split the page into bands, and each band is read
  left column first. A gutter found on most pages is reused on pages where the
  evidence is thin (e.g. a last page with two lines in the right column);
* blocks: lines are grouped into paragraphs by vertical gaps, size changes,
  first-line indents and bullet markers; large type becomes a heading and rows
  of aligned cells become table rows.
"""

from __future__ import annotations

import ctypes
import itertools
import re
from bisect import bisect_left
from collections import Counter, defaultdict
from statistics import median

from workbench.ingest._base import Block

BAND = 0.12  # top/bottom share of the page height where running headers live
SPLIT_EM = 1.0  # a gap wider than this many font sizes splits a line into fragments

_STRONG_BULLET = "•◦▪▫■□●○‣⁃∙·➢➤►▶✓✔❖\uf0b7\uf0a7\uf076\uf0d8\uf0fc\uf0a8\uf06e\uf0a4"
_WEAK_BULLET = "-–—*"
_BULLET_RE = re.compile(
    rf"^(?:([{_STRONG_BULLET}])\s*|([{re.escape(_WEAK_BULLET)}])(?:\s+|$)"
    r"|(\(?\d{1,3}[.)]|\(?[a-z][)]|\([a-z]\)|\(?[ivx]{1,4}\))(?:\s+|$))"
)
_MARKER_ONLY = re.compile(
    rf"^(?:[{_STRONG_BULLET}{re.escape(_WEAK_BULLET)}o]|\(?\d{{1,3}}[.)]|\(?[a-zA-Z][.)]|\(?[ivxIVX]{{1,4}}[.)])$"
)
_PAGE_NUMBER = re.compile(
    r"^(?:(?:page|p\.|pg\.?|seite|página|pagina)\s*)?\d{1,4}(?:\s*(?:of|/|de|sur|von|di)\s*\d{1,4})?$"
    r"|^[-–—]\s*\d{1,4}\s*[-–—]$|^[ivxlcdm]{1,7}$|^\[\s*\d{1,4}\s*\]$",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")
# a line of pdfium text, from its first non-space character; pdfium joins a word hyphenated
# across lines and marks the hyphen U+FFFE: the line is cut after it
_LINES = re.compile(r"[^\s\ufffe][^\r\n\ufffe]*\ufffe?")
_ENDS_SENTENCE = tuple(".!?:;\"”’)")


class Frag:
    """A run of text on one line: its box in display coordinates (y up), size, line id.

    A fragment alone on its row also serves as a ``Line`` (same attributes), which
    saves building a second object for most lines of a page.
    """

    __slots__ = ("drop", "line", "listed", "size", "text", "x0", "x1", "y0", "y1")

    def __init__(self, text, x0, y0, x1, y1, size, line, listed=False):
        self.text, self.x0, self.y0, self.x1, self.y1 = text, x0, y0, x1, y1
        self.size, self.line, self.drop = size, line, False
        self.listed = listed  # a list marker set apart from its text by a gap (tab)

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def cells(self) -> list[str]:
        return [self.text]

    @property
    def cells_x(self) -> list[float]:
        return [self.x0]

    @property
    def spans(self) -> list[tuple[float, float]]:
        return [(self.x0, self.x1)]

    def can_join(self, other) -> bool:
        """Whether another line's cells fit between this line's cells without overlapping."""
        return not any(a < d and c < b for a, b in self.spans for c, d in other.spans)

    def join(self, other) -> Line:
        """This line and another on the same row, cells in x order."""
        cells = sorted(zip(self.spans + other.spans, self.cells + other.cells, strict=True))
        both = Line.__new__(Line)
        both.spans = [span for span, _ in cells]
        both.cells = [text for _, text in cells]
        both.cells_x = [span[0] for span in both.spans]
        both.text = " ".join(both.cells)
        both.x0, both.x1 = min(self.x0, other.x0), max(self.x1, other.x1)
        both.y0, both.y1 = min(self.y0, other.y0), max(self.y1, other.y1)
        both.size = self.size if len(self.text) >= len(other.text) else other.size
        both.listed = (self if self.x0 <= other.x0 else other).listed
        return both


class Line:
    """One visual line in a column: the fragments (cells) of one row, left to right."""

    __slots__ = ("cells", "cells_x", "listed", "size", "spans", "text", "x0", "x1", "y0", "y1")

    def __init__(self, frags: list[Frag]):
        frags = sorted(frags, key=lambda f: f.x0)
        self.cells = [f.text for f in frags]
        self.cells_x = [f.x0 for f in frags]
        self.spans = [(f.x0, f.x1) for f in frags]
        self.text = " ".join(self.cells)
        self.x0 = frags[0].x0
        self.x1 = max(f.x1 for f in frags)
        self.y0 = min(f.y0 for f in frags)
        self.y1 = max(f.y1 for f in frags)
        # the size of the longest fragment stands for the line
        self.size = max(frags, key=lambda f: len(f.text)).size
        self.listed = frags[0].listed

    can_join = Frag.can_join
    join = Frag.join


class PageText:
    """What the extraction pass keeps of one page."""

    __slots__ = ("frags", "gutter", "height", "number", "runs", "width")

    def __init__(self, number: int, width: float, height: float, frags: list[Frag]):
        self.number, self.width, self.height, self.frags = number, width, height, frags
        self.runs: list[list[Line]] = []
        self.gutter: tuple[float, float] | None = None


# --------------------------------------------------------------------------- extraction


def _transform(rotation: int, bbox: tuple[float, float, float, float]):
    """A function mapping a PDF box (l, b, r, t) to display coordinates, and the display size."""
    left, bottom, right, top = bbox
    w, h = right - left, top - bottom
    if rotation == 1:
        return (lambda l, b, r, t: (b - bottom, right - r, t - bottom, right - l)), h, w
    if rotation == 2:
        return (lambda l, b, r, t: (right - r, top - t, right - l, top - b)), w, h
    if rotation == 3:
        return (lambda l, b, r, t: (top - t, l - left, top - b, r - left)), h, w
    return (lambda l, b, r, t: (l - left, b - bottom, r - left, t - bottom)), w, h


def page_fragments(raw, textpage, page, number: int) -> PageText:
    """Text fragments of one pdfium page (raw handles), in content order."""
    box = raw.FS_RECTF()
    if raw.FPDF_GetPageBoundingBox(page, ctypes.byref(box)) and box.right > box.left and box.top > box.bottom:
        bbox = (box.left, box.bottom, box.right, box.top)
    else:
        bbox = (0.0, 0.0, raw.FPDF_GetPageWidthF(page), raw.FPDF_GetPageHeightF(page))
    rotation = raw.FPDFPage_GetRotation(page) % 4
    to_display, width, height = _transform(rotation, bbox)
    result = PageText(number, width, height, [])
    n = raw.FPDFText_CountChars(textpage)
    if n <= 0:
        return result
    buf = (ctypes.c_ushort * (n + 1))()
    got = raw.FPDFText_GetText(textpage, 0, n, buf)
    if got <= 1:
        return result
    text = bytes(memoryview(buf)[: got - 1]).decode("utf-16-le", "replace")
    identity = len(text) == n
    char_of = raw.FPDFText_GetCharIndexFromTextIndex
    count_rects, get_rect = raw.FPDFText_CountRects, raw.FPDFText_GetRect
    font_size = raw.FPDFText_GetFontSize
    l, t, r, b = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    pl, pt, pr, pb = ctypes.byref(l), ctypes.byref(t), ctypes.byref(r), ctypes.byref(b)
    frags = result.frags
    line_id = 0
    bx, by = bbox[0], bbox[1]
    for m in _LINES.finditer(text):
        s, e = m.span()
        stripped = m.group()
        if stripped[-1].isspace():
            stripped = stripped.rstrip()
            e = s + len(stripped)
        elif stripped[-1] == "\ufffe":
            stripped = stripped[:-1] + "-"
        if identity:
            cs, ce = s, e
        else:
            cs, ce = char_of(textpage, s), char_of(textpage, e - 1) + 1
            if cs < 0 or ce <= cs:
                continue
        k = count_rects(textpage, cs, ce - cs)
        if k <= 0:
            continue
        if k == 1 and not rotation:  # the common case: one text run
            if not get_rect(textpage, 0, pl, pt, pr, pb):
                continue
            mi = (s + e) // 2
            if text[mi] == " ":
                mi += 1
            size = font_size(textpage, mi if identity else cs)
            if size <= 1.0:
                size = font_size(textpage, cs) or t.value - b.value
            line_id += 1
            frags.append(Frag(stripped, l.value - bx, b.value - by, r.value - bx, t.value - by, size, line_id))
            continue
        rects = []
        for j in range(k):
            if get_rect(textpage, j, pl, pt, pr, pb):
                rects.append(to_display(l.value, b.value, r.value, t.value) if rotation else
                             (l.value, b.value, r.value, t.value))
        if not rects:
            continue
        # the size at the middle of the line (the first char may be a bullet glyph); generated
        # chars (spaces pdfium inserts) report size 1, so step off a space
        mi = (s + e) // 2
        if text[mi] == " ":
            mi += 1
        size = font_size(textpage, mi if identity else cs)
        if size <= 1.0:
            size = font_size(textpage, cs)
        if size <= 0:
            size = max(rr[3] - rr[1] for rr in rects)
        line_id += 1
        # a list marker set apart from its text (a tab after "•", "o", "1.") marks a list item
        listed = (len(rects) > 1 and rects[1][0] - rects[0][2] > 0.4 * size
                  and rects[0][2] - rects[0][0] < 1.5 * size
                  and _MARKER_ONLY.match(stripped.split(None, 1)[0]) is not None)
        if len(rects) == 1 and not rotation:
            x0, y0, x1, y1 = rects[0]
            frags.append(Frag(stripped, x0 - bx, y0 - by, x1 - bx, y1 - by, size, line_id))
            continue
        if rotation or not identity:  # no splitting where text and char indexes differ
            if not rotation:
                rects = [(rr[0] - bbox[0], rr[1] - bbox[1], rr[2] - bbox[0], rr[3] - bbox[1]) for rr in rects]
            x0 = min(rr[0] for rr in rects)
            y0 = min(rr[1] for rr in rects)
            x1 = max(rr[2] for rr in rects)
            y1 = max(rr[3] for rr in rects)
            frags.append(Frag(stripped, x0, y0, x1, y1, size, line_id, listed))
            continue
        # group runs; split where the gap exceeds about an em
        groups = [list(rects[0])]
        for rr in rects[1:]:
            g = groups[-1]
            if rr[0] - g[2] > SPLIT_EM * size:
                groups.append(list(rr))
            else:
                g[0], g[1] = min(g[0], rr[0]), min(g[1], rr[1])
                g[2], g[3] = max(g[2], rr[2]), max(g[3], rr[3])
        if len(groups) == 1:
            g = groups[0]
            frags.append(Frag(stripped, g[0] - bbox[0], g[1] - bbox[1], g[2] - bbox[0], g[3] - bbox[1], size, line_id,
                              listed))
            continue
        # find the character where each later group starts (first char left of gap midpoint fails)
        cuts = []
        for gi in range(1, len(groups)):
            mid = (groups[gi - 1][2] + groups[gi][0]) / 2
            lo, hi = (cuts[-1] if cuts else cs) + 1, ce
            while lo < hi:
                c = (lo + hi) // 2
                if raw.FPDFText_GetCharBox(textpage, c, pl, pr, pb, pt) and l.value >= mid:
                    hi = c
                else:
                    lo = c + 1
            cuts.append(lo)
        bounds = [s, *cuts, e]
        pieces = []  # [text, box, listed]
        for gi, g in enumerate(groups):
            piece = text[bounds[gi]:bounds[gi + 1]].strip().replace("\ufffe", "-")
            if len(pieces) == 1 and _MARKER_ONLY.match(pieces[0][0]):
                prev = pieces[0]  # never separate a list marker from its item
                pieces[0] = [(prev[0] + " " + piece).strip(), [min(prev[1][0], g[0]), min(prev[1][1], g[1]),
                                                              max(prev[1][2], g[2]), max(prev[1][3], g[3])], True]
            elif piece:
                pieces.append([piece, g, listed and not pieces])
        for piece, g, listed in pieces:
            frags.append(Frag(piece, g[0] - bbox[0], g[1] - bbox[1], g[2] - bbox[0], g[3] - bbox[1], size, line_id,
                              listed))
    return result


# --------------------------------------------------------------------------- headers / footers


def _key(text: str) -> str:
    return _SPACES.sub(" ", _DIGITS.sub("#", text.lower())).strip()


def _zone(rows: list[list], in_band, from_top: bool) -> list[Frag]:
    """Rows at one page edge, inside the band, set apart from the body by a clear gap."""
    end = 0
    for i, row in enumerate(rows):
        if not in_band(row):
            break
        nxt = rows[i + 1] if i + 1 < len(rows) else None
        if nxt is None:
            end = i + 1
            break
        gap = row[0] - nxt[1] if from_top else nxt[0] - row[1]
        if gap >= 1.2 * max(row[2], nxt[2]):
            end = i + 1
    return [f for row in rows[:end] for f in row[3]]


def edge_zones(p: PageText) -> tuple[list[Frag], list[Frag]]:
    """The fragments of the header zone and of the footer zone of a page."""
    top_edge, bottom_edge = p.height * (1 - BAND), p.height * BAND
    if not any(f.y0 + f.y1 >= 2 * top_edge or f.y0 + f.y1 <= 2 * bottom_edge for f in p.frags):
        return [], []
    # only the edges matter: a row further than this from the band is a clear gap anyway
    reach = 4 * max(f.size for f in p.frags)
    near = [f for f in p.frags if f.y1 >= top_edge - reach or f.y0 <= bottom_edge + reach]
    rows: list[list] = []  # [y0, y1, size, frags], top to bottom
    for f in sorted(near, key=lambda f: -f.y1):
        if rows and f.y1 > rows[-1][0] + 0.5 * (f.y1 - f.y0):
            row = rows[-1]
            row[0], row[2] = min(row[0], f.y0), max(row[2], f.size)
            row[3].append(f)
        else:
            rows.append([f.y0, f.y1, f.size, [f]])
    top = _zone(rows, lambda r: r[0] + r[1] >= 2 * top_edge, True)
    bottom = _zone(rows[::-1], lambda r: r[0] + r[1] <= 2 * bottom_edge, False)
    return top, [f for f in bottom if f not in top]


def mark_running_lines(pages: list[PageText]) -> int:
    """Set ``drop`` on running headers/footers and page numbers; returns how many.

    Only fragments in a page's header or footer zone (see ``edge_zones``) are
    considered: page-number lines there are dropped, and other lines when their
    text, digits aside, comes back at the same height on neighbouring pages (a
    heading such as "Chapter 3" that opens a few far-apart pages stays).
    """
    seen: dict[tuple[str, str], list[tuple[int, float]]] = defaultdict(list)
    candidates: list[tuple[Frag, tuple[str, str], float]] = []
    dropped = 0
    for p in pages:
        if not p.frags:
            continue
        for side, zone in zip(("top", "bottom"), edge_zones(p)):
            for f in zone:
                if _PAGE_NUMBER.match(f.text):
                    f.drop = True
                    dropped += 1
                    continue
                pos = p.height - f.cy if side == "top" else f.cy
                key = (_key(f.text), side)
                seen[key].append((p.number, pos))
                candidates.append((f, key, pos))
    pages_with_text = sum(1 for p in pages if p.frags)
    need = max(2, min(4, (pages_with_text + 1) // 2))
    recurring: dict[tuple[str, str], float] = {}
    for key, hits in seen.items():
        if len(hits) < need:
            continue
        mid = median(pos for _, pos in hits)
        numbers = {n for n, pos in hits if abs(pos - mid) <= 8.0}
        near = [n for n in numbers if any(n + d in numbers for d in (-2, -1, 1, 2))]
        if len(near) >= need:
            recurring[key] = mid
    for f, key, pos in candidates:
        mid = recurring.get(key)
        if mid is not None and abs(pos - mid) <= 8.0:
            f.drop = True
            dropped += 1
    return dropped


# --------------------------------------------------------------------------- columns


def _find_gutter(frags: list[Frag], min_gap: float) -> tuple[float, float] | None:
    """The widest strip in the middle of the text crossed by the fewest fragments."""
    if len(frags) < 4:
        return None
    left = min(f.x0 for f in frags)
    right = max(f.x1 for f in frags)
    width = right - left
    if width < 8 * min_gap:
        return None
    zone_lo, zone_hi = left + 0.2 * width, left + 0.8 * width
    events = sorted([(f.x0, 1) for f in frags] + [(f.x1, -1) for f in frags])
    best = None  # (count, -width, a, b)
    count, prev = 0, left
    for x, d in events:
        if x - prev >= min_gap and zone_lo <= (prev + x) / 2 <= zone_hi:
            cand = (count, prev - x, prev, x)  # fewest crossings, then widest
            if best is None or cand < best:
                best = cand
        count += d
        prev = x
    if best is None:
        return None
    return best[2], best[3]


def _split(frags: list[Frag], a: float, b: float, tol: float = 0.5):
    left, right, span, other = [], [], [], []
    for f in frags:
        if f.x1 <= a + tol:
            left.append(f)
        elif f.x0 >= b - tol:
            right.append(f)
        elif f.x0 < a + tol and f.x1 > b - tol:
            span.append(f)
        else:
            other.append(f)
    return left, right, span, other


def _column_like(side: list[Frag], col_left: float, col_right: float, merged_rows: bool) -> bool:
    """Whether fragments read like a column of running text rather than table cells.

    Lines fill most of the column width, and most follow the previous line at
    about one line's distance (a table column whose cells sit next to taller
    cells is sparse); when both sides came in the same pdfium lines, the rows
    must also hold prose-length text.
    """
    width = col_right - col_left
    if width <= 0 or len(side) < 2:
        return False
    n = len(side)
    # share of the text (by characters) on lines that fill the column: a table or a figure
    # inside a column weighs little against the prose around it
    total = sum(len(f.text) for f in side)
    if merged_rows:
        full = sum(len(f.text) for f in side if len(f.text) >= 20 and f.x1 - f.x0 >= 0.6 * width)
    else:
        full = sum(len(f.text) for f in side if f.x1 - f.x0 >= 0.5 * width)
    if full < 0.6 * total:
        return False
    ys = sorted((f.y0 + f.y1) / 2 for f in side)
    size = sorted(f.size for f in side)[n // 2]
    steps = [b - a for a, b in itertools.pairwise(ys) if b - a > 0.3 * size]
    return not steps or sum(1 for d in steps if d <= 2.2 * size) >= 0.5 * len(steps)


def _side_ok(side: list[Frag], col_left: float, col_right: float, merged: bool, body: float, depth: int) -> bool:
    if _column_like(side, col_left, col_right, merged):
        return True
    # the side may itself hold several columns (three-column pages)
    return depth < 2 and len(side) >= 8 and _columns(side, body, None, depth + 1) is not None


def _columns(frags: list[Frag], body: float, hint=None, depth: int = 0):
    """(left, right, spanners, gutter) when the fragments form columns, else None."""
    if hint is None:
        gutter = _find_gutter(frags, max(0.8 * body, 6.0))
        if gutter is None:
            return None
    else:
        gutter = hint
    a, b = gutter
    left, right, span, other = _split(frags, a, b)
    if other or len(left) + len(right) < (2 if hint else 4):
        return None
    if hint is None:
        if len(left) < 2 or len(right) < 2 or len(span) > 0.4 * len(frags):
            return None
        # side by side, not one above the other
        if max(f.y1 for f in left) < min(f.y0 for f in right) or max(f.y1 for f in right) < min(f.y0 for f in left):
            return None
        left_lines = {f.line for f in left}
        merged = sum(1 for f in right if f.line in left_lines) >= 0.5 * len(right)
        if not _side_ok(left, min(f.x0 for f in left), a, merged, body, depth):
            return None
        if not _side_ok(right, b, max(f.x1 for f in right), merged, body, depth):
            return None
    elif not left or not right:
        return None
    return left, right, span, gutter


def _lines(frags: list[Frag]) -> list[Line]:
    """Fragments of one column as lines, top to bottom; fragments on one row are merged."""
    if len({f.line for f in frags}) == len(frags):
        lines: list = list(frags)  # one fragment per line: the fragments are the lines
    else:
        by_line: dict[int, list[Frag]] = {}
        for f in frags:
            by_line.setdefault(f.line, []).append(f)
        lines = [group[0] if len(group) == 1 else Line(group) for group in by_line.values()]
    lines.sort(key=lambda ln: -(ln.y0 + ln.y1))
    merged: list[Line] = []
    for ln in lines:
        if merged:
            p = merged[-1]
            overlap = min(p.y1, ln.y1) - max(p.y0, ln.y0)
            # same row drawn as separate pdfium lines (superscripts, cells drawn column-wise)
            if overlap > 0.6 * min(p.y1 - p.y0, ln.y1 - ln.y0) and p.can_join(ln):
                both = p.join(ln)
                merged[-1] = both
                continue
        merged.append(ln)
    return merged


def _order(frags: list[Frag], body: float, hint, depth: int, out: list[list[Frag]]) -> tuple | None:
    """Append the reading-order runs (lists of fragments, one per column cell) to out."""
    found = _columns(frags, body, hint, depth) if frags else None
    if found is None:
        if frags:
            out.append(frags)
        return None
    left, right, span, gutter = found
    span.sort(key=lambda f: -f.cy)
    bands: list[tuple[list[Frag], list[Frag]]] = [([], []) for _ in range(len(span) + 1)]
    keys = [-f.cy for f in span]
    for side, items in ((0, left), (1, right)):
        for f in items:
            bands[bisect_left(keys, -f.cy)][side].append(f)
    for i, (lf, rf) in enumerate(bands):
        for side_frags in (lf, rf):
            if side_frags:
                if depth < 2 and len(side_frags) >= 8:
                    _order(side_frags, body, None, depth + 1, out)
                else:
                    out.append(side_frags)
        if i < len(span):
            # consecutive full-width lines form one run
            if out and out[-1] and out[-1][-1] is (span[i - 1] if i else None):
                out[-1].append(span[i])
            else:
                out.append([span[i]])
    return gutter


def order_pages(pages: list[PageText], body: float) -> None:
    """Fill ``runs`` (columns cells of lines, in reading order) for every page."""
    gutters = []
    for p in pages:
        frags = [f for f in p.frags if not f.drop]
        raw_runs: list[list[Frag]] = []
        p.gutter = _order(frags, body, None, 0, raw_runs)
        p.runs = [_lines(r) for r in raw_runs]
        if p.gutter:
            gutters.append(p.gutter)
    if len(gutters) < 2:
        return
    # a gutter shared by most column pages is tried on the others (its narrowest common strip)
    mid = median((a + b) / 2 for a, b in gutters)
    close = [(a, b) for a, b in gutters if abs((a + b) / 2 - mid) <= 6.0]
    if len(close) < max(2, len(gutters) // 2):
        return
    ga, gb = max(a for a, _ in close), min(b for _, b in close)
    if gb - ga < 2.0:
        ga, gb = mid - 1.0, mid + 1.0
    for p in pages:
        if p.gutter or len(p.runs) != 1:
            continue
        frags = [f for f in p.frags if not f.drop]
        raw_runs = []
        if _order(frags, body, (ga, gb), 1, raw_runs):
            p.runs = [_lines(r) for r in raw_runs]


# --------------------------------------------------------------------------- blocks


def body_size(pages: list[PageText]) -> float:
    sizes: Counter = Counter()
    for p in pages:
        for f in p.frags:
            if not f.drop:
                sizes[round(f.size * 2) / 2] += len(f.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def line_pitch(pages: list[PageText], body: float) -> float:
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


_CAPTION = re.compile(r"^(?:table|figure|fig\.|chart|exhibit|box|map|graph)\s+[\dA-Z]+[.:\s]", re.IGNORECASE)


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

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
    rf"^(?:([{_STRONG_BULLET}])|([{re.escape(_WEAK_BULLET)}])"
    r"|(\(?\d{1,3}[.)]|\(?[a-z][)]|\([a-z]\)|\(?[ivx]{1,4}\)))(?:\s+|$)"
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
_LINES = re.compile(r"[^\r\n\ufffe]+\ufffe?|\ufffe")  # pdfium marks a hyphen it joined as U+FFFE
_ENDS_SENTENCE = tuple(".!?:;\"”’)")


class Frag:
    """A run of text on one line: its box in display coordinates (y up), size, line id."""

    __slots__ = ("text", "x0", "y0", "x1", "y1", "size", "line", "drop", "listed")

    def __init__(self, text, x0, y0, x1, y1, size, line, listed=False):
        self.text, self.x0, self.y0, self.x1, self.y1 = text, x0, y0, x1, y1
        self.size, self.line, self.drop = size, line, False
        self.listed = listed  # a list marker set apart from its text by a gap (tab)

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


class Line:
    """One visual line in a column: merged fragments (cells) of the same row."""

    __slots__ = ("text", "cells", "cells_x", "x0", "y0", "x1", "y1", "size", "listed")

    def __init__(self, frags: list[Frag]):
        if len(frags) == 1:
            f = frags[0]
            self.cells, self.cells_x, self.text = [f.text], [f.x0], f.text
            self.x0, self.y0, self.x1, self.y1 = f.x0, f.y0, f.x1, f.y1
            self.size, self.listed = f.size, f.listed
            return
        frags = sorted(frags, key=lambda f: f.x0)
        self.cells = [f.text for f in frags]
        self.cells_x = [f.x0 for f in frags]
        self.text = " ".join(self.cells)
        self.x0 = frags[0].x0
        self.x1 = max(f.x1 for f in frags)
        self.y0 = min(f.y0 for f in frags)
        self.y1 = max(f.y1 for f in frags)
        # the size of the longest fragment stands for the line
        self.size = max(frags, key=lambda f: len(f.text)).size
        self.listed = frags[0].listed

    def join(self, other: "Line") -> "Line":
        """This line and another on the same row, left to right."""
        a, b = (self, other) if self.x0 <= other.x0 else (other, self)
        both = Line.__new__(Line)
        both.cells, both.cells_x = a.cells + b.cells, a.cells_x + b.cells_x
        both.text = a.text + " " + b.text
        both.x0, both.x1 = a.x0, max(a.x1, b.x1)
        both.y0, both.y1 = min(a.y0, b.y0), max(a.y1, b.y1)
        both.size = a.size if len(a.text) >= len(b.text) else b.size
        both.listed = a.listed
        return both


class PageText:
    """What the extraction pass keeps of one page."""

    __slots__ = ("number", "width", "height", "frags", "runs", "gutter")

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
    text_of = raw.FPDFText_GetTextIndexFromCharIndex
    count_rects, get_rect = raw.FPDFText_CountRects, raw.FPDFText_GetRect
    font_size = raw.FPDFText_GetFontSize
    l, t, r, b = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    pl, pt, pr, pb = ctypes.byref(l), ctypes.byref(t), ctypes.byref(r), ctypes.byref(b)
    frags = result.frags
    line_id = 0
    for m in _LINES.finditer(text):
        s, e = m.span()
        seg = m.group()
        stripped = seg.strip()
        if not stripped:
            continue
        if "\ufffe" in stripped:
            stripped = stripped.replace("\ufffe", "-")
        s += len(seg) - len(seg.lstrip())
        e -= len(seg) - len(seg.rstrip())
        if identity:
            cs, ce = s, e
        else:
            cs, ce = char_of(textpage, s), char_of(textpage, e - 1) + 1
            if cs < 0 or ce <= cs:
                continue
        k = count_rects(textpage, cs, ce - cs)
        if k <= 0:
            continue
        rects = []
        for j in range(k):
            if get_rect(textpage, j, pl, pt, pr, pb):
                rects.append(to_display(l.value, b.value, r.value, t.value) if rotation else
                             (l.value, b.value, r.value, t.value))
        if not rects:
            continue
        size = font_size(textpage, (cs + ce) // 2) or font_size(textpage, cs) or 0.0
        if size <= 0:
            size = max(rr[3] - rr[1] for rr in rects)
        line_id += 1
        # a list marker set apart from its text (a tab after "•", "o", "1.") marks a list item
        listed = (len(rects) > 1 and rects[1][0] - rects[0][2] > 0.4 * size
                  and rects[0][2] - rects[0][0] < 1.5 * size
                  and _MARKER_ONLY.match(stripped.split(None, 1)[0]) is not None)
        if len(rects) == 1 and not rotation:
            x0, y0, x1, y1 = rects[0]
            frags.append(Frag(stripped, x0 - bbox[0], y0 - bbox[1], x1 - bbox[0], y1 - bbox[1], size, line_id))
            continue
        if rotation:
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
        bounds = [s] + [(c if identity else text_of(textpage, c)) for c in cuts] + [e]
        pieces = []  # [text, box, listed]
        for gi, g in enumerate(groups):
            piece = text[bounds[gi]:bounds[gi + 1]].strip().replace("\ufffe", "-") if bounds[gi] >= 0 else ""
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


def mark_running_lines(pages: list[PageText]) -> int:
    """Set ``drop`` on running headers/footers and page numbers; returns how many."""
    seen: dict[tuple[str, str], list[tuple[int, float]]] = defaultdict(list)
    dropped = 0
    for p in pages:
        if not p.frags:
            continue
        top_edge, bottom_edge = p.height * (1 - BAND), p.height * BAND
        for f in p.frags:
            cy = f.cy
            if cy >= top_edge:
                side, pos = "top", p.height - cy
            elif cy <= bottom_edge:
                side, pos = "bottom", cy
            else:
                continue
            if _PAGE_NUMBER.match(f.text):
                f.drop = True
                dropped += 1
                continue
            seen[(_key(f.text), side)].append((p.number, pos))
    pages_with_text = sum(1 for p in pages if p.frags)
    need = max(2, min(4, (pages_with_text + 1) // 2))
    recurring: dict[tuple[str, str], tuple[float, float]] = {}
    for key, hits in seen.items():
        if len({n for n, _ in hits}) < need:
            continue
        mid = median(pos for _, pos in hits)
        tol = 8.0
        if len({n for n, pos in hits if abs(pos - mid) <= tol}) >= need:
            recurring[key] = (mid, tol)
    if not recurring:
        return dropped
    for p in pages:
        top_edge, bottom_edge = p.height * (1 - BAND), p.height * BAND
        for f in p.frags:
            if f.drop:
                continue
            cy = f.cy
            if cy >= top_edge:
                side, pos = "top", p.height - cy
            elif cy <= bottom_edge:
                side, pos = "bottom", cy
            else:
                continue
            hit = recurring.get((_key(f.text), side))
            if hit and abs(pos - hit[0]) <= hit[1]:
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
    width = col_right - col_left
    if width <= 0 or len(side) < 2:
        return False
    fills = sorted((f.x1 - f.x0) / width for f in side)
    fill = fills[len(fills) // 2]
    if merged_rows:  # both sides came in the same pdfium lines: a table unless it reads like prose
        chars = sorted(len(f.text) for f in side)[len(side) // 2]
        return fill >= 0.6 and chars >= 25
    return fill >= 0.5


def _columns(frags: list[Frag], body: float, hint=None):
    """(left, right, spanners, gutter) when the fragments form two columns, else None."""
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
        if not _column_like(left, min(f.x0 for f in left), a, merged):
            return None
        if not _column_like(right, b, max(f.x1 for f in right), merged):
            return None
    elif not left or not right:
        return None
    return left, right, span, gutter


def _lines(frags: list[Frag]) -> list[Line]:
    """Fragments of one column as lines, top to bottom; fragments on one row are merged."""
    by_line: dict[int, list[Frag]] = {}
    for f in frags:
        by_line.setdefault(f.line, []).append(f)
    lines = [Line(group) for group in by_line.values()]
    lines.sort(key=lambda ln: -(ln.y0 + ln.y1))
    merged: list[Line] = []
    for ln in lines:
        if merged:
            p = merged[-1]
            overlap = min(p.y1, ln.y1) - max(p.y0, ln.y0)
            # same row drawn as separate pdfium lines (superscripts, cells drawn column-wise)
            if overlap > 0.6 * min(p.y1 - p.y0, ln.y1 - ln.y0) and (ln.x0 >= p.x1 or ln.x1 <= p.x0):
                both = p.join(ln)
                merged[-1] = both
                continue
        merged.append(ln)
    return merged


def _order(frags: list[Frag], body: float, hint, depth: int, out: list[list[Frag]]) -> tuple | None:
    """Append the reading-order runs (lists of fragments, one per column cell) to out."""
    found = _columns(frags, body, hint) if frags else None
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
    # a gutter shared by most column pages is tried on the others
    common = Counter((round(a / 4), round(b / 4)) for a, b in gutters).most_common(1)[0]
    if common[1] < max(2, len(gutters) // 2):
        return
    ga = median(a for a, b in gutters if (round(a / 4), round(b / 4)) == common[0])
    gb = median(b for a, b in gutters if (round(a / 4), round(b / 4)) == common[0])
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
            for a, b in zip(run, run[1:]):
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


def _table_rows(run: list[Line], tol: float = 4.0) -> set[int]:
    """Indexes of lines that are rows of a table: several cells whose starts line up."""
    starts = [ln.cells_x if len(ln.cells) > 1 and not _bullet(ln) else None for ln in run]
    rows = set()
    for i in range(len(run) - 1):
        a, b = starts[i], starts[i + 1]
        if a and b and any(abs(x - y) <= tol for x in a[1:] for y in b[1:]):
            rows.add(i)
            rows.add(i + 1)
    return rows


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
            blocks.append(Block(text=text, kind=k, page=number))
            cur.clear()

    for run in page.runs:
        if not run:
            continue
        run_left = min(ln.x0 for ln in run)
        run_right = max(ln.x1 for ln in run)
        run_width = max(run_right - run_left, 1.0)
        table = _table_rows(run)
        for i, ln in enumerate(run):
            heading = ln.size >= body * 1.12 and ln.size - body >= 1.0
            if i in table:
                flush()
                blocks.append(Block(text=" | ".join(ln.cells), kind="table_row", page=number))
                continue
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
                    brk = ln.x0 < first.x0 - 0.5 * ln.size
                elif kind == "paragraph":
                    if ln.x0 > p.x0 + 0.9 * ln.size and ln.x0 - run_left > 0.9 * ln.size:
                        brk = True  # first-line indent of the next paragraph
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

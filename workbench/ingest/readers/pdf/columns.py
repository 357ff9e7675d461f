"""Reading order of PDF pages: column gutters, bands between full-width lines, lines of each column."""

from __future__ import annotations

import itertools
from bisect import bisect_left
from statistics import median

from workbench.ingest.readers.pdf.layout import Frag, Line, PageText


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

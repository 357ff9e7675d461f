"""Running headers, footers and page numbers of PDF pages: found by recurrence at the page edges."""

from __future__ import annotations

import re
from collections import defaultdict
from statistics import median

from workbench.ingest.readers.pdf.layout import Frag, PageText

BAND = 0.12  # top/bottom share of the page height where running headers live

_PAGE_NUMBER = re.compile(
    r"^(?:(?:page|p\.|pg\.?|seite|página|pagina)\s*)?\d{1,4}(?:\s*(?:of|/|de|sur|von|di)\s*\d{1,4})?$"
    r"|^[-–—]\s*\d{1,4}\s*[-–—]$|^[ivxlcdm]{1,7}$|^\[\s*\d{1,4}\s*\]$",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")


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

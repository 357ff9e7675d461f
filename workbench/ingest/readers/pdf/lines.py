"""Line extraction from pdfium: each text line of a page as fragments, split at gaps wider than an em."""

from __future__ import annotations

import ctypes
import re

from workbench.ingest.readers.pdf.layout import STRONG_BULLETS, WEAK_BULLETS, Frag, PageText

SPLIT_EM = 1.0  # a gap wider than this many font sizes splits a line into fragments

_MARKER_ONLY = re.compile(
    rf"^(?:[{STRONG_BULLETS}{re.escape(WEAK_BULLETS)}o]|\(?\d{{1,3}}[.)]|\(?[a-zA-Z][.)]|\(?[ivxIVX]{{1,4}}[.)])$"
)
# a line of pdfium text, from its first non-space character; pdfium joins a word hyphenated
# across lines and marks the hyphen U+FFFE: the line is cut after it
_LINES = re.compile(r"[^\s\ufffe][^\r\n\ufffe]*\ufffe?")


def _transform(rotation: int, bbox: tuple[float, float, float, float]):
    """A function mapping a PDF box (x0, y0, x1, y1) to display coordinates, and the display size."""
    left, bottom, right, top = bbox
    w, h = right - left, top - bottom
    if rotation == 1:
        return (lambda x0, y0, x1, y1: (y0 - bottom, right - x1, y1 - bottom, right - x0)), h, w
    if rotation == 2:
        return (lambda x0, y0, x1, y1: (right - x1, top - y1, right - x0, top - y0)), w, h
    if rotation == 3:
        return (lambda x0, y0, x1, y1: (top - y1, x0 - left, top - y0, x1 - left)), h, w
    return (lambda x0, y0, x1, y1: (x0 - left, y0 - bottom, x1 - left, y1 - bottom)), w, h


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
    left, top, right, bottom = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    pl, pt, pr, pb = ctypes.byref(left), ctypes.byref(top), ctypes.byref(right), ctypes.byref(bottom)
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
            size = _middle_size(font_size, textpage, text, s, e, cs, identity) or top.value - bottom.value
            line_id += 1
            frags.append(Frag(stripped, left.value - bx, bottom.value - by, right.value - bx, top.value - by, size, line_id))
            continue
        rects = []
        for j in range(k):
            if get_rect(textpage, j, pl, pt, pr, pb):
                rects.append(to_display(left.value, bottom.value, right.value, top.value) if rotation else
                             (left.value, bottom.value, right.value, top.value))
        if not rects:
            continue
        size = _middle_size(font_size, textpage, text, s, e, cs, identity)
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
                if raw.FPDFText_GetCharBox(textpage, c, pl, pr, pb, pt) and left.value >= mid:
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


def _middle_size(font_size, textpage, text: str, s: int, e: int, cs: int, identity: bool) -> float:
    """The font size at the middle of a line (its first char may be a bullet glyph); generated chars (spaces
    pdfium inserts) report size 1, so step off a space, and fall back on the line's first char."""
    mi = (s + e) // 2
    if text[mi] == " ":
        mi += 1
    size = font_size(textpage, mi if identity else cs)
    return size if size > 1.0 else font_size(textpage, cs)

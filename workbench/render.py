"""The only place HTML is built: text is escaped first, then highlight spans are inserted around it.

Pure Python (no streamlit): the app passes the strings to `st.html`. Every value that comes
from a document, a code, a memo or an attribute goes through `esc` before it is placed in markup,
and colours go through `safe_color`, so a document holding `<script>` shows as text.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise
from typing import Any

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf")
_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")

STYLE = """<style>
.wb-doc{font-family:Georgia,serif;line-height:1.7;max-width:60em}
.wb-turn{margin:0 0 .7em 0;padding:.2em .5em;border-left:3px solid #ddd}
.wb-turn.wb-current{border-left-color:#e4572e;background:#fff8f0}
.wb-meta{font-family:sans-serif;font-size:.8em;color:#555}
.wb-speaker{font-weight:bold;color:#222}
.wb-text{white-space:pre-wrap}
.wb-hl{border-radius:2px}
.wb-tag{font-family:sans-serif;font-size:.7em;border:1px solid;border-radius:3px;padding:0 .25em;margin-right:.15em;vertical-align:super}
.wb-kwic{font-family:Georgia,serif}
.wb-kwic mark{background:#ffe08a;font-weight:bold}
.wb-memo{font-family:sans-serif;font-size:.85em;background:#fffbe6;border:1px solid #f0e0a0;padding:.3em .5em;margin-bottom:.4em}
.wb-chip{display:inline-block;font-family:sans-serif;font-size:.8em;border-radius:3px;padding:0 .4em;margin:0 .3em .3em 0;color:#fff}
</style>"""


def esc(value: Any) -> str:
    """HTML-escape any value (quotes too, so it is safe inside attributes); None becomes ''."""
    return html.escape("" if value is None else str(value), quote=True)


def md_escape(value: Any) -> str:
    """Backslash-escape Markdown syntax (and `<`, `>`), for user text shown through st.markdown or titles."""
    return _MARKDOWN.sub(r"\\\1", "" if value is None else str(value))


def safe_color(color: Any, index: int = 0) -> str:
    """A code's colour if it is a plain hex colour, else one from the palette (nothing else reaches CSS)."""
    if isinstance(color, str) and _HEX.fullmatch(color.strip()):
        return color.strip()
    return PALETTE[index % len(PALETTE)]


def _rgba(color: str, alpha: float) -> str:
    hexa = color.lstrip("#")
    if len(hexa) == 3:
        hexa = "".join(c * 2 for c in hexa)
    r, g, b = (int(hexa[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha:.2f})"


def code_styles(codes: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    """{code id: {"label", "color"}} for the codes of a project, colours made safe."""
    return {c["id"]: {"label": str(c.get("label") or c["id"]), "color": safe_color(c.get("color"), i)}
            for i, c in enumerate(codes)}


def _style_of(styles: Mapping[str, Mapping[str, str]], code_id: str) -> tuple[str, str]:
    style = styles.get(code_id)
    if style is None:
        return code_id, PALETTE[sum(map(ord, code_id)) % len(PALETTE)]
    return style["label"], safe_color(style.get("color"))


def highlight(text: str, codings: Sequence[Mapping[str, Any]], styles: Mapping[str, Mapping[str, str]],
              offset: int = 0, labels: bool = True) -> str:
    """Escaped `text` with a span for every stretch covered by codings; overlaps stack one underline per code.

    `text` starts at document offset `offset`; codings carry document offsets `start`/`end` and `code_id`
    (and optionally `coder`). Each coding's label is shown where it starts.
    """
    length = len(text)
    spans = []
    for c in codings:
        start, end = max(int(c["start"]) - offset, 0), min(int(c["end"]) - offset, length)
        if start < end:
            spans.append((start, end, c))
    if not spans:
        return esc(text)
    bounds = sorted({0, length, *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    starts: dict[int, list] = {}
    for span in spans:
        starts.setdefault(span[0], []).append(span)
    out: list[str] = []
    active: list[tuple[int, int, Mapping[str, Any]]] = []
    for left, right in pairwise(bounds):
        active = [s for s in active if s[1] > left]
        opening = starts.get(left, [])
        active.extend(opening)
        if labels:
            for _, _, c in opening:
                label, color = _style_of(styles, c["code_id"])
                who = f" · {c['coder']}" if c.get("coder") else ""
                out.append(f'<span class="wb-tag" style="border-color:{color};color:{color}" '
                           f'title="{esc(label + who)}">{esc(label)}</span>')
        piece = esc(text[left:right])
        if not active:
            out.append(piece)
            continue
        colors = [_style_of(styles, c["code_id"])[1] for _, _, c in active]
        names = ", ".join(_style_of(styles, c["code_id"])[0] for _, _, c in active)
        shadows = ",".join(f"inset 0 -{3 * (i + 1)}px 0 {color}" for i, color in enumerate(colors))
        background = _rgba(colors[-1], min(0.12 * len(colors), 0.45))
        out.append(f'<span class="wb-hl" data-codes="{len(active)}" title="{esc(names)}" '
                   f'style="background:{background};box-shadow:{shadows}">{piece}</span>')
    return "".join(out)


def clock(seconds: Any) -> str:
    """Seconds as HH:MM:SS, or '' when absent."""
    if seconds is None:
        return ""
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def segment_meta(segment: Mapping[str, Any]) -> str:
    """The escaped line above a turn: speaker, timestamp, page."""
    parts = []
    if segment.get("speaker"):
        parts.append(f'<span class="wb-speaker">{esc(segment["speaker"])}</span>')
    if segment.get("time_start") is not None:
        parts.append(f"[{clock(segment['time_start'])}]")
    if segment.get("page") is not None:
        parts.append(f"p. {esc(segment['page'])}")
    if segment.get("kind") and segment.get("kind") not in ("turn", "paragraph"):
        parts.append(esc(segment["kind"]))
    return " · ".join(parts)


def segments_html(segments: Sequence[Mapping[str, Any]], codings: Sequence[Mapping[str, Any]],
                  styles: Mapping[str, Mapping[str, str]], current: int | None = None) -> str:
    """Turns (or paragraphs) with their speaker, time and page, each with its codings highlighted."""
    ordered = sorted(codings, key=lambda c: int(c["start"]))
    starts = [int(c["start"]) for c in ordered]
    longest = max((int(c["end"]) - int(c["start"]) for c in ordered), default=0)
    blocks = []
    for seg in segments:
        lo = bisect_left(starts, int(seg["start"]) - longest)
        hi = bisect_left(starts, int(seg["end"]))
        inside = [c for c in ordered[lo:hi] if int(c["end"]) > int(seg["start"])]
        meta = segment_meta(seg)
        classes = "wb-turn wb-current" if current is not None and seg.get("id") == current else "wb-turn"
        blocks.append(f'<div class="{classes}" id="seg-{int(seg["id"])}">'
                      + (f'<div class="wb-meta">{meta}</div>' if meta else "")
                      + f'<div class="wb-text">{highlight(seg["text"], inside, styles, int(seg["start"]))}</div></div>')
    return '<div class="wb-doc">' + "".join(blocks) + "</div>"


def document_html(segments: Sequence[Mapping[str, Any]], codings: Sequence[Mapping[str, Any]],
                  codes: Iterable[Mapping[str, Any]], current: int | None = None) -> str:
    """A whole document for `st.html`: the style sheet, then its segments with highlighted codings."""
    return STYLE + segments_html(segments, codings, code_styles(codes), current)


def plain_html(segments: Sequence[Mapping[str, Any]]) -> str:
    """A document as escaped text only (the benchmark's baseline)."""
    return '<div class="wb-doc">' + "".join(
        f'<div class="wb-turn"><div class="wb-text">{esc(s["text"])}</div></div>' for s in segments) + "</div>"


def memos_html(memos: Sequence[Mapping[str, Any]]) -> str:
    """Memos as escaped notes, each with its author, anchor and code."""
    if not memos:
        return ""
    items = []
    for m in memos:
        head = " · ".join(esc(v) for v in (m.get("author"), m.get("code_id"), m.get("created")) if v)
        anchor = f"<div><i>“{esc(m['anchor_text'])}”</i></div>" if m.get("anchor_text") else ""
        items.append(f'<div class="wb-memo"><div class="wb-meta">{head}</div>{anchor}'
                     f'<div class="wb-text">{esc(m.get("text"))}</div></div>')
    return STYLE + "".join(items)


def kwic_html(left: str, match: str, right: str) -> str:
    """Keyword in context: escaped left and right context around a marked match."""
    return f'<span class="wb-kwic">{esc(left)}<mark>{esc(match)}</mark>{esc(right)}</span>'


def kwic_table_html(hits: Sequence[Mapping[str, Any]]) -> str:
    """A table of search hits in keyword-in-context form, with document, speaker and page."""
    rows = []
    for h in hits:
        where = " · ".join(esc(v) for v in (h.get("speaker"), f"p. {h['page']}" if h.get("page") else None) if v)
        rows.append(f"<tr><td>{esc(h.get('title'))}</td><td>{where}</td>"
                    f"<td>{kwic_html(h.get('left', ''), h.get('match', ''), h.get('right', ''))}</td></tr>")
    return STYLE + ('<table class="wb-kwic-table"><thead><tr><th>document</th><th>where</th><th>context</th>'
                    "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def legend_html(codes: Iterable[Mapping[str, Any]]) -> str:
    """Coloured chips for codes (label and count), escaped."""
    codes = list(codes)
    styles = code_styles(codes)
    chips = [f'<span class="wb-chip" style="background:{styles[c["id"]]["color"]}" title="{esc(c["id"])}">'
             f'{esc(styles[c["id"]]["label"])}{" · " + esc(c["codings"]) if c.get("codings") is not None else ""}'
             "</span>" for c in codes]
    return STYLE + "".join(chips)


def excerpt_html(text: str, title: str, code_label: str = "", meta: str = "") -> str:
    """One coded excerpt as an escaped quotation with its document and code."""
    head = " · ".join(esc(v) for v in (title, code_label, meta) if v)
    return (STYLE + f'<div class="wb-turn"><div class="wb-meta">{head}</div>'
            f'<div class="wb-text">{esc(text)}</div></div>')

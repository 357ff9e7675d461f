"""The only place HTML is built on the server: memos, excerpts and code chips, text escaped first.

Pure Python (no streamlit): the app passes the strings to `st.html`. (The reader builds its DOM in the
browser from data, as text nodes: `workbench/ui/reader/`.) Every value that comes
from a document, a code, a memo or an attribute goes through `esc` before it is placed in markup,
and colours go through `safe_color`, so a document holding `<script>` shows as text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf")
_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")

STYLE = """<style>
.wb-turn{margin:0 0 .7em 0;padding:.2em .5em;border-left:3px solid #ddd}
.wb-meta{font-family:sans-serif;font-size:.8em;color:#555}
.wb-text{white-space:pre-wrap}
.wb-memo{font-family:sans-serif;font-size:.85em;background:#fffbe6;border:1px solid #f0e0a0;padding:.3em .5em;margin-bottom:.4em}
.wb-chip{display:inline-block;font-family:sans-serif;font-size:.8em;border-radius:3px;padding:0 .4em;margin:0 .3em .3em 0}
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


def _rgb(color: str) -> tuple[int, int, int]:
    hexa = color.strip().lstrip("#")
    if len(hexa) == 3:
        hexa = "".join(c * 2 for c in hexa)
    r, g, b = (int(hexa[i:i + 2], 16) for i in (0, 2, 4))
    return r, g, b


DARK_TEXT, LIGHT_TEXT = "#1f1f1f", "#ffffff"


def relative_luminance(color: str) -> float:
    """WCAG 2 relative luminance of a hex colour (0 black .. 1 white)."""
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two hex colours (1 .. 21)."""
    high, low = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def label_text_color(background_hex: str) -> str:
    """The text colour for a label drawn on `background_hex`: dark #1f1f1f or white, whichever contrasts more (WCAG).

    A colour that is not plain hex counts as what `safe_color` would draw instead (the palette's first)."""
    background = safe_color(background_hex)
    if contrast_ratio(background, DARK_TEXT) >= contrast_ratio(background, LIGHT_TEXT):
        return DARK_TEXT
    return LIGHT_TEXT


def code_styles(codes: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    """{code id: {"label", "color"}} for the codes of a project, colours made safe."""
    return {c["id"]: {"label": str(c.get("label") or c["id"]), "color": safe_color(c.get("color"), i)}
            for i, c in enumerate(codes)}


def clock(seconds: Any) -> str:
    """Seconds as HH:MM:SS, or '' when absent."""
    if seconds is None:
        return ""
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


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


def legend_html(codes: Iterable[Mapping[str, Any]]) -> str:
    """Coloured chips for codes (label and count), escaped."""
    codes = list(codes)
    styles = code_styles(codes)
    chips = [f'<span class="wb-chip" style="background:{styles[c["id"]]["color"]};'
             f'color:{label_text_color(styles[c["id"]]["color"])}" title="{esc(c["id"])}">'
             f'{esc(styles[c["id"]]["label"])}{" · " + esc(c["codings"]) if c.get("codings") is not None else ""}'
             "</span>" for c in codes]
    return STYLE + "".join(chips)


def excerpt_html(text: str, title: str, code_label: str = "", meta: str = "") -> str:
    """One coded excerpt as an escaped quotation with its document and code."""
    head = " · ".join(esc(v) for v in (title, code_label, meta) if v)
    return (STYLE + f'<div class="wb-turn"><div class="wb-meta">{head}</div>'
            f'<div class="wb-text">{esc(text)}</div></div>')

"""A briefing as Markdown."""

from __future__ import annotations

from workbench.export.briefing import Briefing, automatic_line, count_headers, coverage_line, quote_text


def _text(text) -> str:
    """Document text made inert: HTML a Markdown viewer would render becomes entities."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell(text) -> str:
    return _text(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(briefing: Briefing) -> str:
    """Headings per theme, a counts table per attribute, quotations as block quotes with their citation."""
    out = [f"# {briefing.title}", "", f"*{briefing.date}*" + (f" · {briefing.filters}" if briefing.filters else ""), ""]
    for theme in briefing.themes:
        out += [f"## {_text(theme.label)}", ""]
        if theme.definition:
            out += [f"**Definition.** {_text(theme.definition)}", ""]
        out += [coverage_line(theme), ""]
        headers = count_headers(theme)
        for breakdown in theme.breakdowns:
            out += ["| " + " | ".join([_cell(breakdown.label), *headers]) + " |", "|---" + "|---:" * len(headers) + "|"]
            out += ["| " + " | ".join([_cell(value), *map(str, counts[:len(headers)])]) + " |"
                    for value, *counts in breakdown.rows]
            out.append("")
        if theme.quotes:
            out += ["### Quotations", ""]
        for quote in theme.quotes:
            body = _text(quote_text(quote)).replace("\n", "\n> ")
            out += [f"> {body}", ">", f"> — *{_text(quote.citation)}*", ""]
    if automatic_line(briefing):
        out += ["---", "", _text(automatic_line(briefing)), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def render(data) -> bytes:
    """The briefing exporter for Markdown (see workbench.export.registry)."""
    return render_markdown(data.content).encode("utf-8")

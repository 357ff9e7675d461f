"""A briefing as one self-contained HTML page; every piece of text is escaped before it is placed."""

from __future__ import annotations

from html import escape

from workbench.export.briefing import Briefing, automatic_line, count_headers, coverage_line, quote_text

STYLE = """body{font-family:Georgia,serif;max-width:46em;margin:2em auto;line-height:1.45;color:#222}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;margin-top:1.8em}table{border-collapse:collapse;margin:.6em 0}
th,td{border:1px solid #bbb;padding:.2em .6em}td.n{text-align:right}
blockquote{border-left:4px solid #7a9cc6;margin:1em 0;padding:.2em 1em;background:#f6f8fb}
blockquote footer{font-style:italic;color:#555;margin-top:.4em}"""


def _element(tag: str, text: str, attrs: str = "") -> str:
    """One element whose content is escaped text; attrs is a fixed literal, never document text."""
    return f"<{tag}{attrs}>{escape(str(text))}</{tag}>"


def render_html(briefing: Briefing) -> str:
    """The briefing as HTML5: h1/h2 headings, count tables, blockquotes with a cited footer."""
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             _element("title", briefing.title), _element("style", STYLE), "</head>", "<body>",
             _element("h1", briefing.title),
             _element("p", briefing.date + (f" · {briefing.filters}" if briefing.filters else ""), ' class="meta"')]
    for theme in briefing.themes:
        parts.append(_element("h2", theme.label))
        if theme.definition:
            parts.append("<p><strong>Definition.</strong> " + escape(theme.definition) + "</p>")
        parts.append(_element("p", coverage_line(theme)))
        headers = count_headers(theme)
        for breakdown in theme.breakdowns:
            parts.append("<table>")
            parts.append("<tr>" + "".join(_element("th", h) for h in (breakdown.label, *headers)) + "</tr>")
            for value, *counts in breakdown.rows:
                parts.append("<tr>" + _element("td", value)
                             + "".join(_element("td", n, ' class="n"') for n in counts[:len(headers)]) + "</tr>")
            parts.append("</table>")
        if theme.quotes:
            parts.append(_element("h3", "Quotations"))
        for quote in theme.quotes:
            parts.append("<blockquote>" + _element("p", quote_text(quote))
                         + "<footer>— " + _element("cite", quote.citation) + "</footer></blockquote>")
    if automatic_line(briefing):
        parts.append(_element("p", automatic_line(briefing), ' class="automatic"'))
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def render(data) -> bytes:
    """The briefing exporter for HTML (see workbench.export.registry)."""
    return render_html(data.content).encode("utf-8")

"""A briefing as a Word document (python-docx): real headings, a counts table, block quotations."""

from __future__ import annotations

import datetime as dt
import io

from workbench.export.briefing import Briefing, automatic_line, count_headers, coverage_line, quote_text


def render_docx(briefing: Briefing, when: str) -> bytes:
    """DOCX bytes; core properties and zip timestamps come from `when` (the project's last change)."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    from workbench.files.zips import rezip_deterministic

    document = docx.Document()
    stamp = dt.datetime.fromisoformat(when).replace(tzinfo=None)
    props = document.core_properties
    props.title, props.author, props.last_modified_by = briefing.title, "workbench", "workbench"
    props.created = props.modified = stamp
    props.revision = 1
    document.add_heading(briefing.title, level=0)
    meta = document.add_paragraph(briefing.date + (f" · {briefing.filters}" if briefing.filters else ""))
    meta.runs[0].italic = True
    for theme in briefing.themes:
        document.add_heading(theme.label, level=1)
        if theme.definition:
            paragraph = document.add_paragraph()
            paragraph.add_run("Definition. ").bold = True
            paragraph.add_run(theme.definition)
        document.add_paragraph(coverage_line(theme))
        headers = count_headers(theme)
        for breakdown in theme.breakdowns:
            table = document.add_table(rows=1, cols=1 + len(headers))
            table.style = "Table Grid"
            for cell, heading in zip(table.rows[0].cells, (breakdown.label, *headers)):
                cell.text = heading
                cell.paragraphs[0].runs[0].bold = True
            for value, *counts in breakdown.rows:
                cells = table.add_row().cells
                for cell, text in zip(cells, (value, *map(str, counts))):
                    cell.text = text
                for cell in cells[1:]:
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            document.add_paragraph()
        if theme.quotes:
            document.add_heading("Quotations", level=2)
        for quote in theme.quotes:
            document.add_paragraph(quote_text(quote), style="Quote")
            cite = document.add_paragraph(style="Quote")
            run = cite.add_run(f"— {quote.citation}")
            run.font.size = Pt(9)
            cite.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if automatic_line(briefing):
        document.add_paragraph(automatic_line(briefing)).runs[0].font.size = Pt(9)
    buffer = io.BytesIO()
    document.save(buffer)
    return rezip_deterministic(buffer.getvalue(), when)


def render(data) -> bytes:
    """The briefing exporter for Word, dated from the project rather than the clock (see workbench.export.registry)."""
    from workbench.store.maintenance import project_time

    return render_docx(data.content, project_time(data.db))

"""Build the binary files of the sample corpus from the plain-text drafts.

Run from the repository root:

    .venv/bin/python corpus/build_corpus.py            # build everything
    .venv/bin/python corpus/build_corpus.py NAME ...   # build only these drafts/targets
    .venv/bin/python corpus/build_corpus.py --check    # read the outputs back and check them

It reads ``corpus/drafts/*.txt`` and writes the DOCX, PDF and ODT files under
``corpus/sources/``. Plain-text sources (txt, md, vtt, srt, html, csv) are written
by hand in ``corpus/sources/`` and are not touched. The output is deterministic:
fixed document dates and metadata, reportlab's ``invariant`` mode, and zip members
(DOCX, ODT) rewritten with a fixed timestamp, so two runs give identical bytes.

Everything in the corpus is FICTIONAL: people, firms and programmes are invented.

Draft markup
============

A draft is UTF-8 text. Blocks are separated by blank lines; the lines of one
paragraph are joined with single spaces.

``@key: value``
    Metadata, only at the top of the file before the first other line. Keys used:
    ``title``, ``author``, ``subject``, ``keywords``, ``date`` (ISO date, used for
    created/modified), ``header`` (running header of the two-column PDF),
    ``footer`` (label before the page number in PDFs).
``# Heading`` / ``## Heading`` / ``### Heading``
    Headings of level 1 to 3.
``- item``
    Bullet list item (one item per line; consecutive items form one list).
``1. item``
    Numbered list item; the number written in the draft is kept as text in PDFs.
``| a | b | c |``
    Table row; consecutive rows form one table and the first row is the header.
    A separator row such as ``|---|---|`` is ignored.
``^ text``
    Caption (figure or table caption), set small and italic.
``> text``
    Boxed/quoted paragraph (a call-out in a policy document), set indented.
``~~~``
    Page break (DOCX, single-column PDF); in the two-column PDF, a column break.
``**bold**`` and ``*italic*``
    Inline emphasis. A paragraph that starts with ``**Name:**`` is a speaker turn:
    the name becomes a bold run and the rest of the turn follows as plain text
    (for example ``**SME owner 2:** 00:14:05 We tried that...``).
``[^1]`` and ``[^1]: note text``
    Footnote reference inside a paragraph, and its text on a line of its own
    (anywhere in the draft). DOCX gets real Word footnotes; PDFs print the notes
    at the end of the document under "Notes"; ODT gets real ODF footnotes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
DRAFTS = HERE / "drafts"
SOURCES = HERE / "sources"

NOTICE_MARK = "FICTIONAL SAMPLE"

# draft file -> (output path relative to corpus/sources, builder)
TARGETS: list[tuple[str, str, str]] = [
    ("int02_cyber_attack_tier1_northeast.txt", "interviews/int02_cyber_attack_tier1_northeast.docx", "docx"),
    ("int03_catapult_makers_southyorkshire.txt", "interviews/int03_catapult_makers_southyorkshire.pdf", "pdf"),
    ("fg02_supply_chain_coventry.txt", "focus_groups/fg02_supply_chain_coventry.docx", "docx"),
    ("doc01_bcm_manufacturing_plan_2025.txt", "documents/doc01_bcm_manufacturing_plan_2025.pdf", "pdf2col"),
    ("doc03_mark3_places_report.txt", "documents/doc03_mark3_places_report.docx", "docx"),
    ("doc04_research_council_summary.txt", "documents/doc04_research_council_summary.odt", "odt"),
]

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


# --------------------------------------------------------------------------- parsing


@dataclass
class Block:
    kind: str  # heading, para, bullet, number, table, caption, quote, pagebreak
    text: str = ""
    level: int = 0
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Draft:
    meta: dict[str, str]
    blocks: list[Block]
    footnotes: dict[str, str]


_META = re.compile(r"^@([a-z_]+):\s*(.*)$")
_FOOTDEF = re.compile(r"^\[\^(\w+)\]:\s*(.*)$")
_NUMBERED = re.compile(r"^(\d+)\.\s+(.*)$")


def parse_draft(text: str) -> Draft:
    lines = text.replace("\r\n", "\n").split("\n")
    meta: dict[str, str] = {}
    i = 0
    while i < len(lines) and (m := _META.match(lines[i])):
        meta[m.group(1)] = m.group(2).strip()
        i += 1
    blocks: list[Block] = []
    footnotes: dict[str, str] = {}
    para: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(Block("para", " ".join(s.strip() for s in para)))
            para.clear()

    for line in lines[i:]:
        s = line.rstrip()
        if not s.strip():
            flush()
            continue
        if m := _FOOTDEF.match(s):
            flush()
            footnotes[m.group(1)] = m.group(2).strip()
            continue
        if s.startswith("#"):
            flush()
            level = len(s) - len(s.lstrip("#"))
            blocks.append(Block("heading", s[level:].strip(), level=min(level, 3)))
        elif s.startswith("- "):
            flush()
            blocks.append(Block("bullet", s[2:].strip()))
        elif m := _NUMBERED.match(s):
            flush()
            blocks.append(Block("number", m.group(2).strip(), level=int(m.group(1))))
        elif s.startswith("|"):
            flush()
            cells = [c.strip() for c in s.strip().strip("|").split("|")]
            if all(re.fullmatch(r":?-{2,}:?", c) for c in cells):
                continue
            if blocks and blocks[-1].kind == "table":
                blocks[-1].rows.append(cells)
            else:
                blocks.append(Block("table", rows=[cells]))
        elif s.startswith("^ "):
            flush()
            blocks.append(Block("caption", s[2:].strip()))
        elif s.startswith("> "):
            flush()
            blocks.append(Block("quote", s[2:].strip()))
        elif s.strip() == "~~~":
            flush()
            blocks.append(Block("pagebreak"))
        else:
            if blocks and blocks[-1].kind in ("bullet", "number", "quote") and not para and line.startswith("  "):
                blocks[-1].text += " " + s.strip()  # continuation line of a list item
            else:
                para.append(s)
    flush()
    return Draft(meta, blocks, footnotes)


_INLINE = re.compile(r"(\*\*.+?\*\*|\*[^*\s][^*]*?\*|\[\^\w+\])")


def inline_runs(text: str) -> list[tuple[str, str]]:
    """Split text into (style, text) runs: style is '', 'b', 'i' or 'fn' (footnote id)."""
    runs: list[tuple[str, str]] = []
    pos = 0
    for m in _INLINE.finditer(text):
        if m.start() > pos:
            runs.append(("", text[pos : m.start()]))
        tok = m.group(0)
        if tok.startswith("**"):
            runs.append(("b", tok[2:-2]))
        elif tok.startswith("[^"):
            runs.append(("fn", tok[2:-1]))
        else:
            runs.append(("i", tok[1:-1]))
        pos = m.end()
    if pos < len(text):
        runs.append(("", text[pos:]))
    return runs


def plain(text: str) -> str:
    return "".join(t for s, t in inline_runs(text) if s != "fn")


def fixed_datetime(meta: dict[str, str]) -> dt.datetime:
    day = dt.date.fromisoformat(meta.get("date", "2025-01-01"))
    return dt.datetime(day.year, day.month, day.day, 9, 0, 0, tzinfo=dt.timezone.utc)


# --------------------------------------------------------------------------- zips


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed member timestamps so the bytes are reproducible."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            blob = src.read(info.filename)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zi.create_system = 0
            dst.writestr(zi, blob)
    return out.getvalue()


# --------------------------------------------------------------------------- DOCX

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def _footnotes_xml(notes: list[tuple[int, str]]) -> bytes:
    parts = [
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{W_NS}">',
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
        'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>',
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
        'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>',
    ]
    for num, text in notes:
        parts.append(
            f'<w:footnote w:id="{num}"><w:p><w:pPr><w:spacing w:after="0"/></w:pPr>'
            f'<w:r><w:rPr><w:vertAlign w:val="superscript"/><w:sz w:val="18"/></w:rPr><w:footnoteRef/></w:r>'
            f'<w:r><w:rPr><w:sz w:val="18"/></w:rPr><w:t xml:space="preserve"> {escape(plain(text))}</w:t></w:r>'
            f"</w:p></w:footnote>"
        )
    parts.append("</w:footnotes>")
    return "".join(parts).encode("utf-8")


def build_docx(draft: Draft, out: Path) -> None:
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml
    from docx.shared import Pt

    doc = Document()
    meta = draft.meta
    when = fixed_datetime(meta).replace(tzinfo=None)
    cp = doc.core_properties
    cp.title = meta.get("title", "")
    cp.author = meta.get("author", "Workbench sample corpus")
    cp.last_modified_by = meta.get("author", "Workbench sample corpus")
    cp.subject = meta.get("subject", "")
    cp.keywords = meta.get("keywords", "")
    cp.comments = "FICTIONAL SAMPLE built by corpus/build_corpus.py"
    cp.category = "sample corpus"
    cp.created = when
    cp.modified = when
    cp.last_printed = when
    cp.revision = 1

    style = doc.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)

    fn_order: list[str] = []

    def add_runs(par, text: str) -> None:
        for kind, t in inline_runs(text):
            if kind == "fn":
                if t not in fn_order:
                    fn_order.append(t)
                num = fn_order.index(t) + 1
                par._p.append(
                    parse_xml(
                        f'<w:r xmlns:w="{W_NS}"><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                        f'<w:footnoteReference w:id="{num}"/></w:r>'
                    )
                )
                continue
            run = par.add_run(t)
            if kind == "b":
                run.bold = True
            elif kind == "i":
                run.italic = True

    for b in draft.blocks:
        if b.kind == "heading":
            doc.add_heading(plain(b.text), level=b.level)
        elif b.kind == "para":
            add_runs(doc.add_paragraph(), b.text)
        elif b.kind == "bullet":
            add_runs(doc.add_paragraph(style="List Bullet"), b.text)
        elif b.kind == "number":
            add_runs(doc.add_paragraph(style="List Number"), b.text)
        elif b.kind == "quote":
            add_runs(doc.add_paragraph(style="Intense Quote"), b.text)
        elif b.kind == "caption":
            p = doc.add_paragraph(style="Caption")
            add_runs(p, b.text)
        elif b.kind == "pagebreak":
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif b.kind == "table":
            ncol = max(len(r) for r in b.rows)
            table = doc.add_table(rows=0, cols=ncol)
            table.style = "Table Grid"
            for ri, row in enumerate(b.rows):
                cells = table.add_row().cells
                for ci in range(ncol):
                    par = cells[ci].paragraphs[0]
                    text = row[ci] if ci < len(row) else ""
                    if ri == 0:
                        par.add_run(plain(text)).bold = True
                    else:
                        add_runs(par, text)

    if fn_order:
        missing = [k for k in fn_order if k not in draft.footnotes]
        if missing:
            raise SystemExit(f"{out.name}: footnote(s) without text: {missing}")
        xml = _footnotes_xml([(i + 1, draft.footnotes[k]) for i, k in enumerate(fn_order)])
        part = Part(PackURI("/word/footnotes.xml"), FOOTNOTES_CT, xml, doc.part.package)
        doc.part.relate_to(part, RT.FOOTNOTES)

    buf = io.BytesIO()
    doc.save(buf)
    out.write_bytes(normalise_zip(buf.getvalue()))


# --------------------------------------------------------------------------- PDF


def _rl_markup(text: str, fn_order: list[str]) -> str:
    out = []
    for kind, t in inline_runs(text):
        if kind == "fn":
            if t not in fn_order:
                fn_order.append(t)
            out.append(f"<super>{fn_order.index(t) + 1}</super>")
        elif kind == "b":
            out.append(f"<b>{escape(t)}</b>")
        elif kind == "i":
            out.append(f"<i>{escape(t)}</i>")
        else:
            out.append(escape(t))
    return "".join(out)


_FONTS_READY = False


def _register_fonts() -> None:
    """Embed the Bitstream Vera fonts shipped with reportlab (stable across machines).

    Embedded TrueType subsets carry a ToUnicode map, so bullets, dashes, pound signs
    and curly quotes extract cleanly with pdfplumber and pdfium.
    """
    global _FONTS_READY
    if _FONTS_READY:
        return
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, fname in (("Vera", "Vera.ttf"), ("Vera-Bold", "VeraBd.ttf"), ("Vera-Italic", "VeraIt.ttf"), ("Vera-BoldItalic", "VeraBI.ttf")):
        pdfmetrics.registerFont(TTFont(name, fname))
    pdfmetrics.registerFontFamily("Vera", normal="Vera", bold="Vera-Bold", italic="Vera-Italic", boldItalic="Vera-BoldItalic")
    _FONTS_READY = True


def _styles(base_size: float):
    _register_fonts()
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.styles import ParagraphStyle

    lead = base_size * 1.3
    return {
        "body": ParagraphStyle("body", fontName="Vera", fontSize=base_size, leading=lead, spaceAfter=base_size * 0.6, alignment=TA_LEFT),
        "h1": ParagraphStyle("h1", keepWithNext=1, fontName="Vera-Bold", fontSize=base_size + 6, leading=base_size + 9, spaceBefore=base_size, spaceAfter=base_size * 0.7, textColor=colors.HexColor("#1f3a5f")),
        "h2": ParagraphStyle("h2", keepWithNext=1, fontName="Vera-Bold", fontSize=base_size + 2.5, leading=base_size + 5, spaceBefore=base_size * 0.9, spaceAfter=base_size * 0.5, textColor=colors.HexColor("#1f3a5f")),
        "h3": ParagraphStyle("h3", keepWithNext=1, fontName="Vera-BoldItalic", fontSize=base_size + 1, leading=base_size + 3, spaceBefore=base_size * 0.6, spaceAfter=base_size * 0.3),
        "bullet": ParagraphStyle("bullet", fontName="Vera", fontSize=base_size, leading=lead, bulletFontName="Vera", leftIndent=base_size * 1.4, bulletIndent=base_size * 0.4, spaceAfter=base_size * 0.3),
        "caption": ParagraphStyle("caption", keepWithNext=1, fontName="Vera-Italic", fontSize=base_size - 1, leading=(base_size - 1) * 1.3, spaceBefore=base_size * 0.3, spaceAfter=base_size * 0.8, textColor=colors.HexColor("#444444")),
        "quote": ParagraphStyle("quote", fontName="Vera-Italic", fontSize=base_size, leading=lead, leftIndent=base_size, rightIndent=base_size * 0.5, spaceBefore=base_size * 0.4, spaceAfter=base_size * 0.8, borderColor=colors.HexColor("#1f3a5f"), borderWidth=0.6, borderPadding=base_size * 0.5, backColor=colors.HexColor("#eef2f7")),
        "cell": ParagraphStyle("cell", fontName="Vera", fontSize=base_size - 1.5, leading=(base_size - 1.5) * 1.25),
        "cellhead": ParagraphStyle("cellhead", fontName="Vera-Bold", fontSize=base_size - 1.5, leading=(base_size - 1.5) * 1.25),
        "note": ParagraphStyle("note", fontName="Vera", fontSize=base_size - 1.5, leading=(base_size - 1.5) * 1.3, spaceAfter=2),
    }


def _flowables(draft: Draft, st, avail_width: float, column_break: bool):
    from reportlab.lib import colors
    from reportlab.platypus import CondPageBreak, FrameBreak, PageBreak, Paragraph, Spacer, Table, TableStyle

    flow = []
    fn_order: list[str] = []
    for b in draft.blocks:
        if b.kind == "heading":
            flow.append(CondPageBreak(st["body"].leading * 5))
            flow.append(Paragraph(_rl_markup(b.text, fn_order), st[f"h{b.level}"]))
        elif b.kind == "para":
            flow.append(Paragraph(_rl_markup(b.text, fn_order), st["body"]))
        elif b.kind == "bullet":
            flow.append(Paragraph(_rl_markup(b.text, fn_order), st["bullet"], bulletText="\u2022"))
        elif b.kind == "number":
            flow.append(Paragraph(_rl_markup(b.text, fn_order), st["bullet"], bulletText=f"{b.level}."))
        elif b.kind == "caption":
            flow.append(Paragraph(_rl_markup(b.text, fn_order), st["caption"]))
        elif b.kind == "quote":
            flow.append(Paragraph(_rl_markup(b.text, fn_order), st["quote"]))
        elif b.kind == "pagebreak":
            flow.append(FrameBreak() if column_break else PageBreak())
        elif b.kind == "table":
            ncol = max(len(r) for r in b.rows)
            data = []
            for ri, row in enumerate(b.rows):
                style = st["cellhead"] if ri == 0 else st["cell"]
                data.append([Paragraph(_rl_markup(row[c] if c < len(row) else "", fn_order), style) for c in range(ncol)])
            # first column a little wider when there are several columns
            if ncol == 1:
                widths = [avail_width]
            else:
                first = avail_width * (0.34 if ncol >= 3 else 0.45)
                widths = [first] + [(avail_width - first) / (ncol - 1)] * (ncol - 1)
            t = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
            t.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#8899aa")),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde5ef")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LEFTPADDING", (0, 0), (-1, -1), 3),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                    ]
                )
            )
            flow.append(Spacer(1, 3))
            flow.append(t)
            flow.append(Spacer(1, 6))
    if fn_order:
        flow.append(Paragraph("Notes", st["h2"]))
        for i, key in enumerate(fn_order, 1):
            flow.append(Paragraph(f"{i}. " + _rl_markup(draft.footnotes[key], []), st["note"]))
    return flow


def build_pdf(draft: Draft, out: Path) -> None:
    """Single-column PDF (an interview transcript) with a page-number footer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.platypus import SimpleDocTemplate

    meta = draft.meta
    st = _styles(10.5)
    footer = meta.get("footer", meta.get("title", ""))

    def on_page(canvas, doc):
        canvas.saveState()
        canvas.setFont("Vera", 7.5)
        canvas.drawString(2.2 * cm, 1.3 * cm, footer)
        canvas.drawRightString(A4[0] - 2.2 * cm, 1.3 * cm, f"Page {doc.page}")
        canvas.restoreState()

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=2.2 * cm,
        rightMargin=2.2 * cm,
        topMargin=2.2 * cm,
        bottomMargin=2.2 * cm,
        title=meta.get("title", ""),
        author=meta.get("author", ""),
        subject=meta.get("subject", ""),
        keywords=meta.get("keywords", ""),
        creator="corpus/build_corpus.py (reportlab)",
        producer="reportlab",
        invariant=1,
    )
    doc.build(_flowables(draft, st, doc.width, column_break=False), onFirstPage=on_page, onLaterPages=on_page)
    out.write_bytes(buf.getvalue())


def build_pdf_two_column(draft: Draft, out: Path) -> None:
    """Policy-document PDF: two frames per page, running header, page-number footer."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    meta = draft.meta
    st = _styles(9.2)
    page_w, page_h = A4
    margin_x, top, bottom, gutter = 1.8 * cm, 2.4 * cm, 2.0 * cm, 0.8 * cm
    col_w = (page_w - 2 * margin_x - gutter) / 2
    col_h = page_h - top - bottom
    header = meta.get("header", meta.get("title", ""))
    footer = meta.get("footer", "")

    def on_page(canvas, doc):
        canvas.saveState()
        canvas.setFont("Vera", 7.5)
        canvas.setFillColor(colors.HexColor("#1f3a5f"))
        canvas.drawString(margin_x, page_h - 1.4 * cm, header)
        canvas.setStrokeColor(colors.HexColor("#1f3a5f"))
        canvas.setLineWidth(0.5)
        canvas.line(margin_x, page_h - 1.6 * cm, page_w - margin_x, page_h - 1.6 * cm)
        canvas.line(margin_x, 1.5 * cm, page_w - margin_x, 1.5 * cm)
        canvas.setFillColor(colors.black)
        if footer:
            canvas.drawString(margin_x, 1.0 * cm, footer)
        canvas.drawRightString(page_w - margin_x, 1.0 * cm, f"Page {doc.page}")
        canvas.restoreState()

    frames = [
        Frame(margin_x, bottom, col_w, col_h, id="left", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0),
        Frame(margin_x + col_w + gutter, bottom, col_w, col_h, id="right", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0),
    ]
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf,
        pagesize=A4,
        title=meta.get("title", ""),
        author=meta.get("author", ""),
        subject=meta.get("subject", ""),
        keywords=meta.get("keywords", ""),
        creator="corpus/build_corpus.py (reportlab)",
        producer="reportlab",
        invariant=1,
    )
    doc.addPageTemplates([PageTemplate(id="twocol", frames=frames, onPage=on_page)])
    doc.build(_flowables(draft, st, col_w, column_break=True))
    out.write_bytes(buf.getvalue())


# --------------------------------------------------------------------------- ODT


def build_odt(draft: Draft, out: Path) -> None:
    from odf import dc, meta as odfmeta
    from odf.opendocument import OpenDocumentText
    from odf.style import ParagraphProperties, Style, TableColumnProperties, TextProperties
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import H, List, ListItem, Note, NoteBody, NoteCitation, P, Span

    meta = draft.meta
    doc = OpenDocumentText()
    when = fixed_datetime(meta).strftime("%Y-%m-%dT%H:%M:%S")
    doc.meta.addElement(dc.Title(text=meta.get("title", "")))
    doc.meta.addElement(dc.Creator(text=meta.get("author", "")))
    doc.meta.addElement(dc.Subject(text=meta.get("subject", "")))
    doc.meta.addElement(dc.Date(text=when))
    doc.meta.addElement(odfmeta.CreationDate(text=when))
    doc.meta.addElement(odfmeta.Keyword(text=meta.get("keywords", "")))

    bold = Style(name="Bold", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    italic = Style(name="Italic", family="text")
    italic.addElement(TextProperties(fontstyle="italic"))
    caption = Style(name="CaptionPara", family="paragraph")
    caption.addElement(TextProperties(fontstyle="italic", fontsize="9pt"))
    quote = Style(name="QuotePara", family="paragraph")
    quote.addElement(ParagraphProperties(marginleft="1cm", marginright="0.5cm"))
    quote.addElement(TextProperties(fontstyle="italic"))
    headings = {}
    for lvl, size in ((1, "16pt"), (2, "13pt"), (3, "11.5pt")):
        s = Style(name=f"Heading_20_{lvl}", displayname=f"Heading {lvl}", family="paragraph")
        s.addElement(TextProperties(fontweight="bold", fontsize=size))
        s.addElement(ParagraphProperties(margintop="0.3cm", marginbottom="0.15cm"))
        doc.styles.addElement(s)
        headings[lvl] = s
    for s in (bold, italic, caption, quote):
        doc.automaticstyles.addElement(s)
    colstyle = Style(name="TableCol", family="table-column")
    colstyle.addElement(TableColumnProperties(columnwidth="4cm"))
    doc.automaticstyles.addElement(colstyle)

    fn_counter = [0]
    table_no = [0]

    def fill(par, text: str) -> None:
        for kind, t in inline_runs(text):
            if kind == "b":
                par.addElement(Span(stylename=bold, text=t))
            elif kind == "i":
                par.addElement(Span(stylename=italic, text=t))
            elif kind == "fn":
                fn_counter[0] += 1
                n = fn_counter[0]
                note = Note(id=f"ftn{n}", noteclass="footnote")
                note.addElement(NoteCitation(text=str(n)))
                body = NoteBody()
                body.addElement(P(text=plain(draft.footnotes[t])))
                note.addElement(body)
                par.addElement(note)
            else:
                par.addText(t)

    current_list = None
    for b in draft.blocks:
        if b.kind not in ("bullet", "number"):
            current_list = None
        if b.kind == "heading":
            h = H(outlinelevel=b.level, stylename=headings[b.level])
            fill(h, b.text)
            doc.text.addElement(h)
        elif b.kind in ("para", "caption", "quote"):
            p = P(stylename=caption) if b.kind == "caption" else P(stylename=quote) if b.kind == "quote" else P()
            fill(p, b.text)
            doc.text.addElement(p)
        elif b.kind in ("bullet", "number"):
            if current_list is None:
                current_list = List()
                doc.text.addElement(current_list)
            item = ListItem()
            p = P()
            fill(p, (f"{b.level}. " if b.kind == "number" else "") + b.text)
            item.addElement(p)
            current_list.addElement(item)
        elif b.kind == "table":
            ncol = max(len(r) for r in b.rows)
            table_no[0] += 1
            table = Table(name=f"Table{table_no[0]}")
            table.addElement(TableColumn(numbercolumnsrepeated=ncol, stylename=colstyle))
            for ri, row in enumerate(b.rows):
                tr = TableRow()
                for ci in range(ncol):
                    cell = TableCell(valuetype="string")
                    p = P()
                    text = row[ci] if ci < len(row) else ""
                    fill(p, f"**{text}**" if ri == 0 and text else text)
                    cell.addElement(p)
                    tr.addElement(cell)
                table.addElement(tr)
            doc.text.addElement(table)

    buf = io.BytesIO()
    doc.write(buf)
    out.write_bytes(normalise_zip(buf.getvalue()))


# --------------------------------------------------------------------------- main

BUILDERS = {"docx": build_docx, "pdf": build_pdf, "pdf2col": build_pdf_two_column, "odt": build_odt}


def check() -> int:
    """Read every built file back and check the corpus against the manifest."""
    import csv

    import docx
    import pdfplumber
    from odf import teletype
    from odf import text as odftext
    from odf.opendocument import load as load_odt

    problems: list[str] = []
    for draft_name, target, kind in TARGETS:
        out = SOURCES / target
        if not out.exists():
            problems.append(f"{target}: missing (run the build first)")
            continue
        meta = parse_draft((DRAFTS / draft_name).read_text(encoding="utf-8")).meta
        if kind == "docx":
            d = docx.Document(str(out))
            text = "\n".join(p.text for p in d.paragraphs)
            speakers = {p.runs[0].text for p in d.paragraphs if p.runs and p.runs[0].bold and p.runs[0].text.endswith(":")}
            info = f"{len(d.paragraphs)} paragraphs, {len(d.tables)} tables, bold speakers: {sorted(speakers)}"
        elif kind in ("pdf", "pdf2col"):
            with pdfplumber.open(str(out)) as pdf:
                pages = [p.extract_text() or "" for p in pdf.pages]
                text = "\n".join(pages)
                info = f"{len(pages)} pages"
                if kind == "pdf2col":
                    header = meta.get("header", "")
                    for i, page in enumerate(pdf.pages, 1):
                        top = page.crop((0, 0, page.width, 60)).extract_text() or ""
                        if top.strip() != header:
                            problems.append(f"{target}: page {i} lacks the running header")
                        if f"Page {i}" not in (page.crop((0, page.height - 50, page.width, page.height)).extract_text() or ""):
                            problems.append(f"{target}: page {i} lacks its page number")
                    left = pdf.pages[0].crop((0, 60, pdf.pages[0].width / 2, pdf.pages[0].height - 50)).extract_text() or ""
                    right = pdf.pages[0].crop((pdf.pages[0].width / 2, 60, pdf.pages[0].width, pdf.pages[0].height - 50)).extract_text() or ""
                    if not left.strip() or not right.strip():
                        problems.append(f"{target}: page 1 does not have two columns of text")
                    if len(pages) < 5:
                        problems.append(f"{target}: only {len(pages)} pages")
        else:
            d = load_odt(str(out))
            paras = d.getElementsByType(odftext.P) + d.getElementsByType(odftext.H)
            text = "\n".join(teletype.extractText(p) for p in paras)
            info = f"{len(paras)} paragraphs and headings"
        if NOTICE_MARK not in text[:400]:
            problems.append(f"{target}: notice not found at the start")
        print(f"ok {target}: {len(text.split())} words, {info}")

    with open(HERE / "manifest.csv", newline="", encoding="utf-8") as fh:
        listed = {row["file"] for row in csv.DictReader(fh)}
    present = {str(p.relative_to(SOURCES)) for p in SOURCES.rglob("*") if p.is_file()}
    for name in sorted(present - listed):
        problems.append(f"{name}: not in manifest.csv")
    for name in sorted(listed - present):
        problems.append(f"{name}: listed in manifest.csv but missing")
    for name in sorted(present):
        if name.endswith((".txt", ".md", ".vtt", ".srt", ".html", ".csv")):
            head = (SOURCES / name).read_text(encoding="utf-8")[:1200]
            if NOTICE_MARK not in head:
                problems.append(f"{name}: no FICTIONAL SAMPLE notice near the start")
    for p in problems:
        print("PROBLEM", p)
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    if "--check" in argv:
        return check()
    only = set(argv[1:])
    for draft_name, target, kind in TARGETS:
        if only and draft_name not in only and target not in only:
            continue
        src = DRAFTS / draft_name
        draft = parse_draft(src.read_text(encoding="utf-8"))
        first = next((b for b in draft.blocks if b.kind in ("para", "quote")), None)
        if first is None or NOTICE_MARK not in first.text:
            raise SystemExit(f"{draft_name}: the first paragraph must carry the FICTIONAL SAMPLE notice")
        out = SOURCES / target
        out.parent.mkdir(parents=True, exist_ok=True)
        BUILDERS[kind](draft, out)
        print(f"built {out.relative_to(HERE)} ({kind}, {out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

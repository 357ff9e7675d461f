"""Briefings: the content model (counts, citations, chosen quotations) and its Markdown, DOCX and HTML forms."""

import pytest
from click.testing import CliRunner

from tests.test_export_excerpts import build_coded
from workbench.errors import ExportError


@pytest.fixture
def coded(project, tmp_path):
    return build_coded(project, tmp_path)


def test_themes_counts_and_citations(coded):
    briefing = coded.exports.briefing_content(max_quotes=None, select="all")
    assert [t.code_id for t in briefing.themes] == ["skills", "demand"]
    skills = briefing.themes[0]
    assert (skills.codings, skills.documents, skills.interviews) == (3, 2, 1)
    assert skills.definition == "Finding and keeping skilled people."
    region = next(b for b in skills.breakdowns if b.attribute == "region")
    assert region.rows == [("Wales", 1, 0), ("West Midlands", 1, 1)]
    assert next(b for b in skills.breakdowns if b.attribute == "role").label == "Firm type"
    citations = {q.citation for q in skills.quotes}
    assert "SME owner 2, SME supplier, Wales, focus group 2025-05" in citations
    assert "Tier 2+, West Midlands, interview 2024-03" in citations  # speaker "R" is a label, not a role
    # one quotation per coded span even when two codes of the theme share it
    assert len(skills.quotes) == 3


def test_quotation_choices(coded):
    longest = coded.exports.briefing_content(codes=["skills"], max_quotes=1).themes[0].quotes
    assert len(longest) == 1 and longest[0].text.startswith("=SUM(A1) thin since")
    memo = coded.exports.briefing_content(codes=["skills"], select="memo", max_quotes=None).themes[0].quotes
    assert [q.memo for q in memo] == ["retirements"]
    ids = [q.coding_id for q in coded.exports.briefing_content(codes=["skills"], select="all", max_quotes=None).themes[0].quotes]
    picked = coded.exports.briefing_content(codes=["skills"], select="picked", picked=[ids[-1], ids[0]]).themes[0].quotes
    assert [q.coding_id for q in picked] == [ids[-1], ids[0]]
    short = coded.exports.briefing_content(codes=["demand"], max_quote_chars=30).themes[0].quotes
    assert all(len(q.text) <= 32 for q in short) and any(q.text.endswith("…") for q in short)
    with pytest.raises(ExportError, match="unknown quotation choice"):
        coded.exports.briefing_content(select="random")
    with pytest.raises(ExportError, match="coding ids"):
        coded.exports.briefing_content(select="picked")
    with pytest.raises(ExportError, match="nothing is coded"):
        coded.exports.briefing_content(attributes={"region": "Mars"})


def test_markdown_has_headings_a_table_and_block_quotes(coded, tmp_path):
    coded.exports.briefing(tmp_path / "b.md", "md", codes=["demand"])
    text = (tmp_path / "b.md").read_text()
    assert text.startswith("# Briefing: project\n")
    assert "## Demand" in text and "| Region | Documents | Interviews |" in text and "| Wales | 1 | 0 |" in text
    assert "> — *SME owner 1, SME supplier, Wales, focus group 2025-05*" in text


def test_html_escapes_document_text(coded, tmp_path):
    coded.exports.briefing(tmp_path / "b.html", "html", codes=["demand"])
    html = (tmp_path / "b.html").read_text()
    assert "&lt;b&gt;at all&lt;/b&gt;" in html and "<b>at all</b>" not in html
    assert "<h2>Demand</h2>" in html and "<blockquote>" in html and "<cite>" in html
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(html)
    assert [h.text for h in tree.iter("h2")] == ["Demand"]
    assert tree.xpath("count(//table//tr)") == 3 + 3  # region and firm type tables, header + rows


def test_markdown_keeps_document_html_inert(coded, tmp_path):
    coded.exports.briefing(tmp_path / "b.md", "md", codes=["demand"])
    text = (tmp_path / "b.md").read_text()
    assert "&lt;b&gt;at all&lt;/b&gt;" in text and "<b>" not in text
    assert all(line.startswith("> ") or line == ">" for line in text.split("### Quotations", 1)[1].strip().splitlines()
               if line and not line.startswith("#"))


def test_docx_uses_real_headings_tables_and_quote_style(coded, tmp_path):
    import docx

    coded.exports.briefing(tmp_path / "b.docx", "docx")
    document = docx.Document(str(tmp_path / "b.docx"))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert ("Title", "Briefing: project") in headings
    assert ("Heading 1", "Skills") in headings and ("Heading 1", "Demand") in headings
    assert document.tables and [c.text for c in document.tables[0].rows[0].cells] == ["Region", "Documents", "Interviews"]
    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    assert "All retiring soon, Ruth Okafor said so at Castlegate Fabrications Ltd." in quotes
    assert any(q.startswith("— ") for q in quotes)


def test_every_format_is_byte_identical_on_repeat(coded, tmp_path):
    for fmt in ("md", "html", "docx"):
        coded.exports.briefing(tmp_path / f"1.{fmt}", fmt)
        coded.exports.briefing(tmp_path / f"2.{fmt}", fmt)
        assert (tmp_path / f"1.{fmt}").read_bytes() == (tmp_path / f"2.{fmt}").read_bytes(), fmt


def test_cli_briefing(coded, tmp_path):
    from workbench.cli import cli

    out = CliRunner().invoke(cli, ["--db", str(coded.path), "export", "briefing", "--format", "html", "-o",
                                   str(tmp_path / "b.html"), "--codes", "skills,demand", "--max-quotes", "1"])
    assert out.exit_code == 0, out.output
    assert "2 themes, 2 quotations" in out.output
    out = CliRunner().invoke(cli, ["--db", str(coded.path), "export", "briefing", "-o", str(tmp_path / "x.md"),
                                   "--codes", "nope"])
    assert out.exit_code == 1 and "Error: no code 'nope'" in out.output

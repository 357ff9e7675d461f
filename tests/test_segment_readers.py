"""Readers hand the segmentation what they know: heading levels from HTML h1-h6, Word heading styles and ODF
outline levels; citation lines are no speaker labels."""

import io
import zipfile

from workbench.ingest._base import ReadOptions
from workbench.ingest.readers import docx as docx_reader
from workbench.ingest.readers import html as html_reader
from workbench.ingest.readers import odt as odt_reader
from workbench.ingest.readers.text import text_to_blocks
from workbench.ingest.segment import build_document


def headings(built):
    return [(built.text[s.start:s.end], s.level, s.section) for s in built.segments if s.kind == "heading"]


def test_html_heading_levels_and_sections():
    page = (b"<html><head><title>Plan</title></head><body><h1>Skills plan</h1><p>Why it matters.</p>"
            b"<h3>Apprenticeships</h3><p>Starts fell.</p><h2>Demand</h2><p>Orders rose.</p>"
            b"<p>CHALLENGE 4: Power</p><p>Grid waits are long.</p></body></html>")
    result = html_reader.read(page, "plan.html", ReadOptions())
    assert [(b.text, b.level) for b in result.blocks if b.kind == "heading"] == [
        ("Skills plan", 1), ("Apprenticeships", 3), ("Demand", 2)]
    built = build_document(result.blocks, expect_turns=False)
    assert headings(built)[:3] == [("Skills plan", 1, None), ("Apprenticeships", 3, "Skills plan"),
                                   ("Demand", 2, "Skills plan")]
    # a heading found by its shape still counts, under the last heading the reader marked
    assert ("CHALLENGE 4: Power", 1, None) in headings(built)
    last = built.segments[-1]
    assert built.text[last.start:last.end] == "Grid waits are long." and last.section == "CHALLENGE 4: Power"


def test_docx_heading_styles_give_levels():
    from docx import Document

    doc = Document()
    doc.add_heading("Regional skills report", level=0)
    doc.add_heading("1 Context", level=1)
    doc.add_paragraph("The district has many small firms.")
    doc.add_heading("1.1 Colleges", level=2)
    doc.add_paragraph("Colleges cannot hire lecturers.")
    doc.add_heading("Annex", level=3)
    buf = io.BytesIO()
    doc.save(buf)
    result = docx_reader.read(buf.getvalue(), "report.docx", ReadOptions())
    assert [(b.text, b.level) for b in result.blocks if b.kind == "heading"] == [
        ("Regional skills report", 1), ("1 Context", 1), ("1.1 Colleges", 2), ("Annex", 3)]
    built = build_document(result.blocks, expect_turns=False)
    colleges = [s for s in built.segments if built.text[s.start:s.end] == "Colleges cannot hire lecturers."]
    assert colleges[0].section == "1 Context > 1.1 Colleges"


def test_odt_outline_levels():
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
               '<office:body><office:text><text:h text:outline-level="1">Findings</text:h><text:p>First.</text:p>'
               '<text:h text:outline-level="2">Skills</text:h><text:p>Second.</text:p></office:text></office:body>'
               '</office:document-content>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", content)
    result = odt_reader.read(buf.getvalue(), "summary.odt", ReadOptions())
    assert [(b.text, b.level) for b in result.blocks if b.kind == "heading"] == [("Findings", 1), ("Skills", 2)]


def test_place_and_publisher_lines_stay_in_their_reference_entry():
    text = ("Intro.\n\nBecattini, G. (1990) The Marshallian industrial district. In Pyke, F. (ed.) Industrial "
            "Districts.\nGeneva: International Institute for Labour Studies.\nMarshall, A. (1920) Principles of "
            "Economics. 8th edn.\nLondon: Macmillan.\n\nReferences\n\nPorter, M. (1990) The Competitive Advantage\n"
            "of Nations. New York: Free Press.\nStorper, M. (1997) The Regional World.\nNew York: Guilford.")
    blocks = text_to_blocks(text)
    assert not any(b.text.startswith(("Geneva", "London", "New York")) for b in blocks)
    built = build_document(blocks)
    entries = [built.text[s.start:s.end] for s in built.segments if s.kind == "references"]
    assert entries[-2:] == ["Porter, M. (1990) The Competitive Advantage\nof Nations. New York: Free Press.",
                            "Storper, M. (1997) The Regional World.\nNew York: Guilford."]


def test_a_name_answering_with_a_year_is_still_a_speaker_turn():
    text = ("Intro.\n\nInterviewer: When did you move here, 2015?\nJane: Yes, in 2016.\n"
            "Interviewer: And then?\nJane: Then we grew.")
    built = build_document(text_to_blocks(text))
    assert [s.speaker for s in built.segments if s.kind == "turn"] == ["Interviewer", "Jane"] * 2


def test_documents_listing_marks_an_inferred_title(tmp_path, monkeypatch):
    import json

    from click.testing import CliRunner

    from workbench.cli import cli

    monkeypatch.setenv("WORKBENCH_DB", str(tmp_path / "p.db"))
    monkeypatch.setenv("COLUMNS", "200")
    (tmp_path / "004_099e0efef4b519c8.txt").write_text(
        "Skills and Demand in the Black Country\n\n1. Introduction\n\nThe plan sets out why the region needs welders.")
    (tmp_path / "named.md").write_text("# Supplier Briefing\n\nOrders are thin this year.")
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(tmp_path / "004_099e0efef4b519c8.txt"), str(tmp_path / "named.md"),
                               "--create"]).exit_code == 0
    listing = runner.invoke(cli, ["documents"]).output
    assert "Skills and Demand in the Black Country (inferred)" in listing
    assert "Supplier Briefing (inferred)" not in listing and "Supplier Briefing" in listing
    rows = json.loads(runner.invoke(cli, ["documents", "--json"]).output)
    assert [r["title_inferred"] for r in rows] == [True, False]
    assert "(inferred)" in runner.invoke(cli, ["show", "1"]).output.splitlines()[0]
    segments = json.loads(runner.invoke(cli, ["segments", "1", "--json"]).output)
    assert segments[1]["kind"] == "heading" and segments[1]["level"] == 1
    assert segments[2]["section"] == "1. Introduction"

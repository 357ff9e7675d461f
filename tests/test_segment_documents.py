"""Long documents segmented as a reader reads them: the sample corpus's report (doc13, plain text converted from
PDF) and paper (doc14, markdown from a repository PDF), and small fixtures for each rule they exercise."""

from collections import Counter

import pytest

from tests.conftest import ROOT
from workbench.ingest._base import ReadOptions
from workbench.ingest.readers.html import read as read_html
from workbench.ingest.readers.text import text_to_blocks
from workbench.ingest.segment import build_document
from workbench.store.segments import STRUCTURE_KINDS

DOCUMENTS = ROOT / "corpus" / "sources" / "documents"


def built_from(path):
    return build_document(text_to_blocks(path.read_text(encoding="utf-8"), path.suffix == ".md"))


def pieces(built, kind=None):
    return [built.text[s.start:s.end] for s in built.segments if kind is None or s.kind == kind]


@pytest.fixture(scope="module")
def report():
    return built_from(DOCUMENTS / "doc13_tyne_wear_evidence_review.txt")


@pytest.fixture(scope="module")
def paper():
    return built_from(DOCUMENTS / "doc14_derby_districts_paper.md")


def test_report_kinds_sections_and_no_cut_sentences(report):
    assert report.speakers == [] and report.inferred_type == "document"
    kinds = Counter(s.kind for s in report.segments)
    assert kinds["heading"] >= 20 and kinds["caption"] == 7 and kinds["source_note"] >= 6
    assert kinds["table_row"] == 15 and kinds["references"] == 4 and kinds["front_matter"] >= 14
    headings = {t: s for s, t in zip(report.segments, pieces(report)) if s.kind == "heading"}
    assert headings["CHALLENGE 2: Skills and an ageing workforce"].level == 1
    assert headings["1.2 How we gathered the evidence"].level == 2
    assert headings["Foreword"].section is None  # the contents list is no section of what follows
    assert headings["What the evidence says"].section == "CHALLENGE 1: Demand that suppliers can see"
    assert [t[:4] for t in pieces(report, "list_item")[:4]] == ["i. a", "ii. ", "iii.", "iv. "]
    joined = next(t for t in pieces(report, "paragraph") if t.startswith("This is close to what"))
    assert "local or non-local anchor firms" in joined and "\n" not in joined
    rows = [s for s in report.segments if s.kind == "table_row"]
    assert rows[1].context == "Sub-sector | Jobs 2024 | Change since 2015 | Share of firms under 50 staff"
    assert "Note: figures are rounded to the nearest 100 and exclude the self-employed." in pieces(report, "source_note")
    assert pieces(report, "references")[1].endswith("2024 provisional results.\nNewport: ONS.")


def test_paper_cover_page_footnotes_and_references(paper):
    front = " ".join(pieces(paper, "front_matter"))
    for part in ("DOI:", "Creative Commons", "Peer reviewed version", "Citation for published version",
                 "Take down policy", "Download date", "Okonkwo, Adaeze; Hallam, Peter"):
        assert part in front
    assert pieces(paper, "heading")[paper_heading_index(paper, "1. Introduction") + 1] == "1.1 Districts and their generations"
    notes = pieces(paper, "footnote")
    assert len(notes) == 5 and notes[2].startswith("[^1]: We use")
    entries = pieces(paper, "references")
    assert len(entries) == 7 and entries[-2] == "Marshall, A. (1920) Principles of Economics. 8th edn.\nLondon: Macmillan."
    abstract = next(s for s in paper.segments if paper.text[s.start:s.end].startswith("Research on industrial"))
    assert abstract.kind == "paragraph" and abstract.kind not in STRUCTURE_KINDS


def paper_heading_index(built, text):
    return pieces(built, "heading").index(text)


def test_a_title_line_and_a_cover_block_in_plain_text():
    text = ("Skills and demand in the Black Country\n\nBlack Country Partnership\nMarch 2026\n\n"
            + "\n\n".join(f"{n}. Section {n}\n\nThe firms we met told us about orders and skills, again." for n in
                          range(1, 6)))
    built = build_document(text_to_blocks(text))
    assert [(s.kind, built.text[s.start:s.end]) for s in built.segments[:2]] == [
        ("heading", "Skills and demand in the Black Country"), ("front_matter", "Black Country Partnership\nMarch 2026")]


def test_sentence_case_and_multi_level_headings_over_prose():
    text = ("1.1 How we gathered the evidence\n\nWe drew on a survey of 212 firms and on 46 interviews with owners "
            "and managers.\n\nWhat the evidence says\n\nThe single most common complaint in our survey was not about "
            "costs but about how little of their customers' plans suppliers can see.\n\nA short line\n\nShort.")
    built = build_document(text_to_blocks(text))
    assert pieces(built, "heading") == ["1.1 How we gathered the evidence", "What the evidence says"]


def test_caption_above_a_table_and_a_long_figure_legend():
    text = ("Table 4 Emissions by source.\n\nItem\tValue\nDiesel\t802\nLime\t515\n\n"
            "Figure 2. Reactivation in knockout cells. (A) Expression of elements. " + "More legend text. " * 40)
    built = build_document(text_to_blocks(text))
    assert [t[:20] for t in pieces(built, "caption")] == ["Table 4 Emissions by", "Figure 2. Reactivati"]


def test_numbered_report_headings_are_no_speakers():
    text = "\n\n".join(f"CHALLENGE {n}: Theme {n}\nThe firms said so, at length, in the survey." for n in range(1, 4))
    text = text + "\n\nContents\nCHALLENGE 1: Theme 1 .... 3\nCHALLENGE 2: Theme 2 .... 5\nCHALLENGE 3: Theme 3 .... 9"
    assert build_document(text_to_blocks(text)).speakers == []


def test_html_footnotes_and_citation_only_notes():
    page = ("<html><body><h2>Findings</h2><p>Costs fell.<sup id='fnref:1'><a href='#fn:1'>1</a></sup></p>"
            "<div class='footnotes'><ol><li id='fn:1'><p>Survey of 212 firms, run in 2025. <a href='#fnref:1'>↩</a></p>"
            "</li><li id='fn:2'><p>Mizutani, F. and Nash, C.A. (2014), 'Comparing the costs of railways', Journal of "
            "Transport Economics. <a href='#fnref:2'>↩</a></p></li></ol></div></body></html>")
    result = read_html(page.encode(), "page.html", ReadOptions())
    built = build_document(result.blocks, expect_turns=False)
    assert [s.kind for s in built.segments][-2:] == ["footnote", "references"]


def test_resegmenting_the_stored_text_gives_the_segments_of_ingest(tmp_path):
    from workbench.project import Project

    with Project(tmp_path / "p.db") as project:
        project.documents.ingest([DOCUMENTS / "doc13_tyne_wear_evidence_review.txt",
                                  DOCUMENTS / "doc14_derby_districts_paper.md"])
        columns = ("start", "end", "kind", "section", "level", "context")
        before = {d["id"]: [tuple(s[c] for c in columns) for s in project.documents.segments(d["id"])]
                  for d in project.documents.list()}
        assert {o["status"] for o in project.documents.resegment()} <= {"kept", "resegmented"}
        after = {d: [tuple(s[c] for c in columns) for s in project.documents.segments(d)] for d in before}
        assert after == before

"""Excerpt exports: CSV and XLSX tables, filters, summary counts, deterministic files."""

import io

import pandas as pd
import pytest
from click.testing import CliRunner

from workbench.errors import ExportError

CODEBOOK = """version: 1
name: t
codes:
  - id: skills
    label: Skills
    description: Finding and keeping skilled people.
    color: "#1f4e9c"
    include: [shortages of trades]
    children:
      - id: skills_ageing
        label: Ageing workforce
        description: Retirements.
  - id: demand
    label: Demand
    description: Orders and signals from customers.
"""
INTERVIEW = ("I: How are the welders?\n\nR: All retiring soon, Ruth Okafor said so at Castlegate Fabrications Ltd."
             "\n\nI: And orders?\n\nR: =SUM(A1) thin since the OEM cut volumes, and that is a long answer about "
             "demand that runs on.")
GROUP = ("Moderator: Start.\n\nSME owner 1: Our buyers give no signal <b>at all</b>.\n\nModerator: And skills?"
         "\n\nSME owner 2: Skills are short.\n\nSME owner 1: Agreed.\n\nSME owner 2: Yes.")
MANIFEST = ("file,title,type,region,role,date,interviewer\n"
            "a.txt,Welding firm,interview,West Midlands,Tier 2+,2024-03-12,Sam Whitcombe\n"
            "b.txt,Supplier group,focus_group,Wales,SME supplier,2025-05-14,Sam Whitcombe\n")


def build_coded(project, tmp_path):
    """Two documents, a two-level codebook, codings by two coders, memos."""
    (tmp_path / "cb.yaml").write_text(CODEBOOK)
    (tmp_path / "a.txt").write_text(INTERVIEW)
    (tmp_path / "b.txt").write_text(GROUP)
    (tmp_path / "m.csv").write_text(MANIFEST)
    project.documents.ingest([tmp_path / "a.txt", tmp_path / "b.txt"], manifest=tmp_path / "m.csv")
    project.codebook.load(tmp_path / "cb.yaml")
    project.codings.add_coder("ann")
    project.codings.add_coder("bo")
    a, b = project.documents.segments(1), project.documents.segments(2)
    project.codings.code_segment(a[1]["id"], "skills_ageing", "ann", memo="retirements")
    project.codings.code_segment(a[3]["id"], "demand", "ann")
    project.codings.code_segment(a[3]["id"], "skills", "bo")
    project.codings.code_segment(b[1]["id"], "demand", "ann")
    project.codings.code_segment(b[3]["id"], "skills", "ann")
    project.codings.add_memo("Interview done by phone.", document=1, author="ann")
    project.codings.add_memo("Merge with hiring?", code="skills", author="bo")
    return project


@pytest.fixture
def coded(project, tmp_path):
    return build_coded(project, tmp_path)


def test_csv_has_one_row_per_coding_in_a_fixed_column_order(coded, tmp_path):
    result = coded.exports.excerpts(tmp_path / "x.csv", "csv")
    frame = pd.read_csv(tmp_path / "x.csv", encoding="utf-8-sig")
    assert result["rows"] == len(frame) == 5
    assert list(frame.columns[:9]) == ["coding_id", "code_id", "code_path", "text", "title", "type", "speaker",
                                       "page", "timestamp"]
    assert list(frame.columns[-7:]) == ["coder", "memo", "start", "end", "document_id", "source", "created_at"]
    assert {"region", "role", "date", "interviewer"} <= set(frame.columns)
    row = frame[frame["code_id"] == "skills_ageing"].iloc[0]
    assert row["code_path"] == "Skills / Ageing workforce" and row["speaker"] == "R" and row["memo"] == "retirements"
    text = coded.documents.get(1)["text"]
    assert text[row["start"]:row["end"]] == row["text"]
    assert (tmp_path / "x.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_filters_by_code_coder_attribute_type_and_speaker(coded):
    assert set(coded.exports.excerpt_table(code="skills")["code_id"]) == {"skills", "skills_ageing"}
    assert list(coded.exports.excerpt_table(coder="bo")["code_id"]) == ["skills"]
    assert set(coded.exports.excerpt_table(attributes={"region": "Wales"})["title"]) == {"Supplier group"}
    assert set(coded.exports.excerpt_table(doc_type="interview")["document_id"]) == {1}
    assert list(coded.exports.excerpt_table(speaker="SME owner 2")["code_id"]) == ["skills"]


def test_xlsx_has_a_summary_and_a_sheet_per_top_level_code(coded, tmp_path):
    import openpyxl

    coded.exports.excerpts(tmp_path / "x.xlsx", "xlsx")
    book = openpyxl.load_workbook(tmp_path / "x.xlsx")
    assert book.sheetnames == ["Summary", "Skills", "Demand"]
    skills = list(book["Skills"].values)
    assert skills[0][:4] == ("coding_id", "code_id", "code_path", "text")
    assert sorted(r[1] for r in skills[1:]) == ["skills", "skills", "skills_ageing"]
    summary = {(r[0], r[1]): r[2:] for r in book["Summary"].values}
    assert summary[("attribute", "value")] == ("Skills", "Demand", "codings", "documents")
    assert summary[("region", "Wales")] == (1, 1, 2, 1)
    assert summary[("region", "West Midlands")] == (2, 1, 3, 1)
    formula_cell = next(c for row in book["Demand"].iter_rows() for c in row
                        if isinstance(c.value, str) and c.value.startswith("=SUM"))
    assert formula_cell.data_type == "s"


def test_exports_are_byte_identical_for_the_same_project(coded, tmp_path):
    for fmt in ("csv", "xlsx"):
        coded.exports.excerpts(tmp_path / f"1.{fmt}", fmt)
        coded.exports.excerpts(tmp_path / f"2.{fmt}", fmt)
        assert (tmp_path / f"1.{fmt}").read_bytes() == (tmp_path / f"2.{fmt}").read_bytes()


def test_bad_format_and_unwritable_path_are_clear_errors(coded, tmp_path):
    with pytest.raises(ExportError, match="unknown excerpt format"):
        coded.exports.excerpts(tmp_path / "x.pdf", "pdf")
    with pytest.raises(ExportError, match="folder does not exist"):
        coded.exports.excerpts(tmp_path / "missing" / "x.csv", "csv")
    assert not (tmp_path / "missing").exists()


def test_cli_export_excerpts(coded, tmp_path):
    from workbench.cli import cli

    result = CliRunner().invoke(cli, ["--db", str(coded.path), "export", "excerpts", "--format", "xlsx",
                                      "-o", str(tmp_path / "cli.xlsx"), "--code", "demand", "--where", "region=Wales"])
    assert result.exit_code == 0, result.output
    assert "1 excerpt)" in result.output
    bad = CliRunner().invoke(cli, ["--db", str(coded.path), "export", "excerpts", "-o", str(tmp_path / "y.csv"),
                                   "--code", "nope"])
    assert bad.exit_code == 1 and "Error: no code 'nope'" in bad.output


def test_csv_bytes_parse_back(coded):
    from workbench.export.excerpts import to_csv

    frame = coded.exports.excerpt_table()
    again = pd.read_csv(io.BytesIO(to_csv(frame)), encoding="utf-8-sig")
    assert list(again["text"]) == list(frame["text"])

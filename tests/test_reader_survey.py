"""CSV/XLSX open survey answers: one document per row or per file; attributes from columns."""

import io

import pytest

from workbench.errors import IngestError
from workbench.ingest._base import ReadOptions
from workbench.ingest.readers import survey

CSV = (
    "respondent_id,region,firm_size,q_biggest_skills_gap\n"
    "R01,West Midlands,small,\"We cannot find CNC setters; the college course closed in 2022 and nobody replaced it.\"\n"
    "R02,North East,medium,\"Welders. Every one of ours is over 55 and the apprentices leave for the yards.\"\n"
    "R03,Wales,micro,\n"
)


def test_one_document_per_row_with_attributes():
    results = survey.read(CSV.encode(), "skills.csv", ReadOptions())
    assert len(results) == 2
    first = results[0]
    assert first.doc_type == "survey" and first.part == "row 1"
    assert first.title == "R01"
    assert first.attributes == {"respondent_id": "R01", "region": "West Midlands", "firm_size": "small"}
    assert first.blocks[0].text.startswith("We cannot find CNC setters")
    assert "1 rows without an answer were skipped (R03)" in results[0].warnings[0]


def test_one_document_per_file_with_respondent_as_speaker():
    results = survey.read(CSV.encode(), "skills.csv", ReadOptions(survey_mode="file"))
    assert len(results) == 1
    assert [b.speaker for b in results[0].blocks] == ["R01", "R02"]


def test_semicolon_csv_in_cp1252_and_named_column():
    data = "id;answer;note\n1;Café owners need more welders than the college trains;x\n".encode("cp1252")
    results = survey.read(data, "s.csv", ReadOptions(text_column="answer"))
    assert results[0].blocks[0].text.startswith("Café owners")
    assert results[0].attributes == {"id": "1", "note": "x"}


def test_unknown_text_column_lists_columns():
    with pytest.raises(IngestError) as info:
        survey.read(CSV.encode(), "skills.csv", ReadOptions(text_column="nope"))
    assert "no column named 'nope'" in info.value.message and "region" in info.value.hint


def test_xlsx_rows():
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["respondent_id", "sector", "answer"])
    sheet.append(["A1", "aerospace", "Composite technicians are impossible to hire in this region at the moment."])
    sheet.append(["A2", "batteries", "Electrochemists leave for the south after their PhD, every single time."])
    buf = io.BytesIO()
    book.save(buf)
    results = survey.read(buf.getvalue(), "s.xlsx", ReadOptions())
    assert [r.attributes["sector"] for r in results] == ["aerospace", "batteries"]
    assert results[1].blocks[0].text.startswith("Electrochemists")

"""Random and mutated bytes into every reader and the codebook loader: a WorkbenchError or a result, never a crash or a hang."""

import io
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from workbench.errors import WorkbenchError
from workbench.ingest._base import ReadOptions
from workbench.ingest.readers import reader_for

pytestmark = pytest.mark.slow
TIME_LIMIT = 5.0
SOURCES = ROOT / "corpus" / "sources"


def _xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["id", "region", "answer"])
    sheet.append(["R1", "Wales", "We cannot recruit welders and the college course is out of date."])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


SEEDS = {
    "seed.txt": (SOURCES / "interviews" / "int01_welding_tier2_blackcountry.txt").read_bytes()[:3000],
    "seed.md": (SOURCES / "notes" / "notes01_cluster_board_eastmidlands.md").read_bytes()[:3000],
    "seed.html": (SOURCES / "documents" / "doc02_lancashire_sector_plan.html").read_bytes()[:4000],
    "seed.vtt": (SOURCES / "interviews" / "int04_battery_scaleup_teesvalley.vtt").read_bytes()[:3000],
    "seed.srt": (SOURCES / "interviews" / "int06_pharma_productivity_liverpool.srt").read_bytes()[:3000],
    "seed.csv": (SOURCES / "survey" / "skills_survey_2025.csv").read_bytes()[:3000],
    "seed.rtf": rb"{\rtf1\ansi\ansicpg1252{\fonttbl{\f0 Arial;}}\f0 I: Who do you hire?\par R: Welders \u8212? mostly.\par}",
    "seed.pdf": (SOURCES / "interviews" / "int03_catapult_makers_southyorkshire.pdf").read_bytes(),
    "seed.docx": (SOURCES / "interviews" / "int02_cyber_attack_tier1_northeast.docx").read_bytes(),
    "seed.odt": (SOURCES / "documents" / "doc04_research_council_summary.odt").read_bytes(),
    "seed.xlsx": _xlsx(),
}
ZIPPED = {"seed.docx": "word/document.xml", "seed.odt": "content.xml", "seed.xlsx": "xl/worksheets/sheet1.xml"}

mutation = st.tuples(st.sampled_from(["flip", "insert", "delete", "truncate"]),
                     st.floats(0, 1, allow_nan=False), st.binary(min_size=1, max_size=16))


def mutate(data: bytes, mutations) -> bytes:
    for op, where, chunk in mutations:
        at = int(where * max(len(data) - 1, 0))
        if op == "flip":
            data = data[:at] + chunk + data[at + len(chunk):]
        elif op == "insert":
            data = data[:at] + chunk + data[at:]
        elif op == "delete":
            data = data[:at] + data[at + len(chunk) * 8:]
        else:
            data = data[:at]
    return data


def rezip_with(data: bytes, member: str, mutations) -> bytes:
    """The same package with one XML part mutated (so the zip itself stays valid)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            dst.writestr(info.filename, mutate(body, mutations) if info.filename == member else body)
    return out.getvalue()


def read_safely(name: str, data: bytes) -> None:
    reader = reader_for(Path(name))
    started = time.monotonic()
    try:
        reader.read(data, name, ReadOptions(time_limit=TIME_LIMIT))
    except WorkbenchError as exc:
        assert exc.message and name in exc.message or exc.message, exc
    elapsed = time.monotonic() - started
    assert elapsed < TIME_LIMIT * 2 + 5, f"{name} took {elapsed:.1f}s"


FUZZ = settings(max_examples=int(__import__("os").environ.get("WORKBENCH_FUZZ_EXAMPLES", "40")), deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("name", sorted(SEEDS))
@FUZZ
@given(mutations=st.lists(mutation, min_size=1, max_size=4))
def test_mutated_files_never_crash_a_reader(name, mutations):
    read_safely(name, mutate(SEEDS[name], mutations))


@pytest.mark.parametrize("name", sorted(ZIPPED))
@FUZZ
@given(mutations=st.lists(mutation, min_size=1, max_size=4))
def test_mutated_xml_inside_a_valid_package_never_crashes_a_reader(name, mutations):
    read_safely(name, rezip_with(SEEDS[name], ZIPPED[name], mutations))


@pytest.mark.parametrize("name", sorted(SEEDS))
@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes_never_crash_a_reader(name, data):
    read_safely(name, data)


@FUZZ
@given(text=st.text(max_size=400))
def test_random_text_never_crashes_the_codebook_loader(text):
    from workbench.codebook.codebook_file import parse_codebook

    try:
        parse_codebook(text, "fuzz.yaml")
    except WorkbenchError:
        pass


CODEBOOK = (ROOT / "codebooks" / "field_themes.yaml").read_text(encoding="utf-8")


@FUZZ
@given(cut=st.integers(0, len(CODEBOOK)), junk=st.text(max_size=20))
def test_damaged_codebooks_fail_with_a_codebook_error(cut, junk):
    from workbench.codebook.codebook_file import parse_codebook

    try:
        parse_codebook(CODEBOOK[:cut] + junk + CODEBOOK[cut + len(junk):], "fuzz.yaml")
    except WorkbenchError:
        pass

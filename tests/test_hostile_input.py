"""Hostile files through the whole ingest path: refused with a clear message, the batch goes on, nothing half-stored."""

import io
import os
import time
import zipfile

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT
from workbench.errors import SearchQueryError

SOURCES = ROOT / "corpus" / "sources"
GOOD = "I: What do you need?\n\nR: Welders, mostly, and people who can program the robot cell."
LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
          b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>')


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["id", "answer"])
    book.active.append(["R1", "The college course does not teach the robot programming we need."])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


PACKAGES = {
    "docx": ((SOURCES / "interviews" / "int02_cyber_attack_tier1_northeast.docx").read_bytes(), "word/document.xml"),
    "odt": ((SOURCES / "documents" / "doc04_research_council_summary.odt").read_bytes(), "content.xml"),
    "xlsx": (xlsx_bytes(), "xl/worksheets/sheet1.xml"),
}


def repack(data: bytes, extra: dict[str, bytes] | None = None, replace: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, (replace or {}).get(info.filename, src.read(info.filename)))
        for name, body in (extra or {}).items():
            dst.writestr(name, body)
    return out.getvalue()


def ingest_one_bad_one_good(project, tmp_path, name: str, data: bytes):
    (tmp_path / "in").mkdir(exist_ok=True)
    (tmp_path / "in" / name).write_bytes(data)
    (tmp_path / "in" / "good.txt").write_text(GOOD)
    outcomes = {o.path.rsplit("/", 1)[-1]: o for o in project.documents.ingest([tmp_path / "in"])}
    assert outcomes["good.txt"].status == "ingested"
    return outcomes[name]


@pytest.mark.parametrize("kind", sorted(PACKAGES))
@pytest.mark.parametrize("member", ["../../evil.xml", "/etc/cron.d/evil"])
def test_path_traversal_in_office_files_is_refused(project, tmp_path, kind, member):
    data, _ = PACKAGES[kind]
    outcome = ingest_one_bad_one_good(project, tmp_path, f"evil.{kind}", repack(data, extra={member: b"<x/>"}))
    assert outcome.status == "failed" and f"evil.{kind}" in outcome.error and "outside the archive" in outcome.error
    assert [d["title"] for d in project.documents.list()] == ["good"]


@pytest.mark.parametrize("kind", sorted(PACKAGES))
def test_zip_bombs_in_office_files_are_refused(project, tmp_path, kind):
    data, _ = PACKAGES[kind]
    bomb = repack(data, extra={"media/padding.bin": b"\0" * 60_000_000})
    assert len(bomb) < 200_000
    outcome = ingest_one_bad_one_good(project, tmp_path, f"bomb.{kind}", bomb)
    assert outcome.status == "failed" and "zip bomb" in outcome.error
    assert project.check()["ok"]


@pytest.mark.parametrize("kind", sorted(PACKAGES))
def test_entity_expansion_and_external_entities_never_reach_the_text(project, tmp_path, kind):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET VALUE")
    data, part = PACKAGES[kind]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        body = zf.read(part)
    body = body.split(b"?>", 1)[1] if body.startswith(b"<?xml") else body
    dtd = LAUGHS[:-2] + f'<!ENTITY s SYSTEM "file://{secret}">]>'.encode()
    first_close = body.index(b">") + 1
    hostile = dtd + body[:first_close] + b"&d;&s;" + body[first_close:]
    outcome = ingest_one_bad_one_good(project, tmp_path, f"xxe.{kind}", repack(data, replace={part: hostile}))
    if outcome.status == "ingested":
        text = project.documents.get(outcome.document_id)["text"]
        assert "TOP SECRET" not in text and "aaaaaaaaaaaaaaaaaaaa" not in text
    else:
        assert outcome.status == "failed" and "DTD" in outcome.error


def test_a_huge_file_is_refused_by_its_size_without_being_read(project, tmp_path):
    (tmp_path / "in").mkdir()
    huge = tmp_path / "in" / "huge.txt"
    with huge.open("wb") as out:
        out.truncate(1024 ** 3)  # 1 GiB, sparse
    (tmp_path / "in" / "good.txt").write_text(GOOD)
    started = time.monotonic()
    outcomes = {o.path.rsplit("/", 1)[-1]: o for o in project.documents.ingest([tmp_path / "in"])}
    assert time.monotonic() - started < 5
    assert outcomes["huge.txt"].status == "failed" and "huge.txt" in outcomes["huge.txt"].error
    assert "limit" in outcomes["huge.txt"].error or "large" in outcomes["huge.txt"].error
    assert outcomes["good.txt"].status == "ingested"


@pytest.mark.parametrize("query", ['"unbalanced', "AND", "welders NOT", "(a OR", "col:thing", "*", "NEAR(a b"])
def test_search_syntax_errors_are_user_errors(project, tmp_path, query):
    (tmp_path / "good.txt").write_text(GOOD)
    project.documents.ingest([tmp_path / "good.txt"])
    try:
        project.documents.search(query)
    except SearchQueryError as exc:
        assert exc.hint
    result = CliRunner().invoke(__import__("workbench.cli", fromlist=["cli"]).cli,
                                ["--db", str(project.path), "search", query])
    assert result.exit_code in (0, 1) and "Traceback" not in result.output


def test_file_names_with_newlines_and_undecodable_bytes(project, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    odd = os.fsencode(folder) + b"/line\nbreak \xff\xfe name.txt"
    with open(odd, "wb") as out:
        out.write(GOOD.encode())
    outcomes = project.documents.ingest([folder])
    assert [o.status for o in outcomes] == ["ingested"]
    doc = project.documents.list()[0]
    doc["title"].encode("utf-8")  # stored names are valid text
    assert "\n" not in doc["title"]
    result = CliRunner().invoke(__import__("workbench.cli", fromlist=["cli"]).cli, ["--db", str(project.path), "documents"])
    assert result.exit_code == 0

"""The RTF reader: striprtf fixtures and RTF written here."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.errors import CorruptFileError, EmptyFileError
from workbench.ingest._base import ReadOptions
from workbench.ingest.readers import rtf as rtf_reader

FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "office"


def fixture(name: str) -> bytes:
    path = FIXTURES / name
    if not path.exists():
        pytest.skip("../shared/fixtures not present")
    return path.read_bytes()


def read(data: bytes, name: str = "doc.rtf"):
    return rtf_reader.read(data, name, ReadOptions())


def test_fixture_cp1250_matches_expected_text():
    result = read(fixture("striprtf_ansicpg1250.rtf"), "striprtf_ansicpg1250.rtf")
    expected = fixture("striprtf_ansicpg1250.expected.txt").decode("utf-8")
    expected_lines = [line.rstrip() for line in expected.splitlines() if line.strip()]
    got_lines = [line.rstrip() for b in result.blocks for line in b.text.split("\n")]
    assert got_lines == expected_lines
    assert "Proszę" in got_lines[0] and "informuję." in got_lines[-1]
    assert all(b.kind == "paragraph" for b in result.blocks)


def test_fixture_unicode_escapes_decode():
    result = read(fixture("striprtf_unicode.rtf"), "striprtf_unicode.rtf")
    assert [b.text for b in result.blocks] == ["柔道"]


RTF = (
    r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss\fcharset0 Arial;}{\f1\fnil\fcharset2 Symbol;}"
    r"{\f2\fnil\fcharset78 MS Mincho;}}"
    r"{\info{\title Focus group \'e9t\'e9}{\author Someone}}"
    "\n"
    r"\pard\plain Caf\'e9 \u8212? it\rquote s {\b Jane:} fine \u-10179?\u-8704?.\par"
    "\n"
    r"\pard\par\par"
    r"{\listtext\f1\'b7\tab}First item\par"
    r"{\listtext\f1\'b7\tab}Second item\par"
    r"\trowd\cellx2000\cellx4000\cellx6000 Name\cell Role\cell\cell\row"
    r"\trowd\cellx2000\cellx4000\cellx6000 Ann | Bo\cell Lead\cell Leeds\cell\row"
    r"\pard Costs rose{\super\chftn}{\footnote\pard\plain{\super\chftn} Source: the report.} sharply.\line"
    r" Second line\par"
    r"{\*\annotation secret comment}"
    r"Literal \{braces\} and back\\slash\par"
    "}"
)


def test_built_rtf_blocks():
    result = read(RTF.encode("ascii"), "built.rtf")
    got = [(b.kind, b.text) for b in result.blocks]
    assert got == [
        ("paragraph", "Café — it’s Jane: fine 😀."),
        ("bullet", "First item"),
        ("bullet", "Second item"),
        ("table_row", "Name | Role"),
        ("table_row", "Ann | Bo | Lead | Leeds"),
        ("paragraph", "Costs rose[1] sharply."),
        ("paragraph", "Second line"),
        ("paragraph", "Literal {braces} and back\\slash"),
        ("footnote", "[Footnote 1] Source: the report."),
    ]
    assert result.title == "Focus group été"
    assert "secret comment" not in " ".join(b.text for b in result.blocks)


def test_cp1251_code_page():
    data = rb"{\rtf1\ansi\ansicpg1251 \'cf\'f0\'e8\'e2\'e5\'f2, \'ec\'e8\'f0!\par}"
    assert [b.text for b in read(data).blocks] == ["Привет, мир!"]


def test_raw_8bit_bytes_use_the_code_page():
    data = "{\\rtf1\\ansi\\ansicpg1250 Zażółć\\par}".encode("cp1250")
    assert [b.text for b in read(data).blocks] == ["Zażółć"]


def test_valid_but_empty_rtf_gives_no_blocks():
    assert read(rb"{\rtf1\ansi{\fonttbl{\f0 Arial;}}\pard\par}").blocks == []


def test_not_rtf_is_corrupt():
    with pytest.raises(CorruptFileError) as info:
        read(b"Hello, this is plain text", "notes.rtf")
    assert str(info.value).startswith("notes.rtf: ") and "\n" not in str(info.value)


def test_zero_bytes_is_empty():
    with pytest.raises(EmptyFileError) as info:
        read(b"", "empty.rtf")
    assert str(info.value).startswith("empty.rtf: ")


def test_font_charset_without_python_codec_does_not_crash():
    # \fcharset78 is Mac Japanese, which striprtf maps to a codec Python lacks
    data = rb"{\rtf1\ansi\ansicpg1252{\fonttbl{\f2\fnil\fcharset78 Osaka;}}{\f2 \'41\'42C}\par}"
    assert [b.text for b in read(data).blocks] == ["ABC"]

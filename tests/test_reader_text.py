"""Plain text and Markdown: encodings, binary files, paragraphs and headings."""

import codecs

import pytest

from workbench.errors import BinaryFileError, EmptyFileError
from workbench.ingest._base import ReadOptions
from workbench.ingest.readers import text

SAMPLE = "Zoë said: “the café’s welders” cost £40k — naïve.\n\nSecond paragraph."


@pytest.mark.parametrize("data,encoding", [
    (SAMPLE.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + SAMPLE.encode("utf-8"), "utf-8 (BOM)"),
    (codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"), "utf-16 (BOM)"),
    (codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"), "utf-16 (BOM)"),
    (SAMPLE.encode("utf-16-le"), "utf-16-le"),
    (SAMPLE.encode("cp1252"), "cp1252"),
])
def test_encodings_are_detected(data, encoding):
    result = text.read(data, "x.txt", ReadOptions())
    assert result.metadata["encoding"] == encoding
    assert result.blocks[0].text == SAMPLE.split("\n\n")[0]


def test_latin1_when_bytes_undefined_in_cp1252():
    data = "caf\u00e9 \x81".encode("latin-1")
    result = text.read(data, "x.txt", ReadOptions())
    assert result.metadata["encoding"] == "latin-1"
    assert result.blocks[0].text.startswith("café")


def test_binary_file_with_txt_name_is_refused():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256))
    with pytest.raises(BinaryFileError, match="x.txt: binary content"):
        text.read(png, "x.txt", ReadOptions())


def test_empty_file():
    with pytest.raises(EmptyFileError, match="x.txt"):
        text.read(b"", "x.txt", ReadOptions())


def test_markdown_headings_and_bullets():
    md = "# Cluster board meeting\n\n## Actions\n- Map suppliers\n- Brief the OEM\n\nText after."
    result = text.read(md.encode(), "notes.md", ReadOptions())
    assert result.title == "Cluster board meeting"
    assert [(b.kind, b.text) for b in result.blocks] == [
        ("heading", "Cluster board meeting"), ("heading", "Actions"),
        ("bullet", "- Map suppliers"), ("bullet", "- Brief the OEM"), ("paragraph", "Text after.")]


def test_file_without_blank_lines_is_one_paragraph_per_line():
    result = text.read(b"I: one\nR: two\nmore of two\nI: three", "t.txt", ReadOptions())
    assert [b.text for b in result.blocks] == ["I: one", "R: two", "more of two", "I: three"]

"""The .docx reader: fixtures from other projects and documents built here with python-docx."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from workbench.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedFileError,
    UnsafeFileError,
    UnsupportedFormatError,
    WorkbenchError,
)
from workbench.ingest._base import ReadOptions
from workbench.ingest.readers import docx as docx_reader

FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "office"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def fixture(name: str) -> bytes:
    path = FIXTURES / name
    if not path.exists():
        pytest.skip("../shared/fixtures not present")
    return path.read_bytes()


def read(data: bytes, name: str = "doc.docx"):
    return docx_reader.read(data, name, ReadOptions())


def texts(result) -> list[str]:
    return [b.text for b in result.blocks]


def assert_block_rules(result) -> None:
    for block in result.blocks:
        assert block.text.strip() == block.text and block.text
        assert "\n\n" not in block.text


# -- fixtures ------------------------------------------------------------------

def test_fixture_footnotes_kept_after_body_and_marked():
    result = read(fixture("mammoth_footnotes.docx"), "mammoth_footnotes.docx")
    assert_block_rules(result)
    body = [b for b in result.blocks if b.kind == "paragraph"]
    notes = [b for b in result.blocks if b.kind == "footnote"]
    assert [b.text for b in body] == ["Ouch[1].[2]"]
    assert [b.text for b in notes] == ["[Footnote 1] A tachyon walks into a bar.", "[Footnote 2] Fin."]
    assert result.blocks[-2:] == notes  # notes follow the body


def test_fixture_comments_become_memos_not_text():
    result = read(fixture("mammoth_comments.docx"), "mammoth_comments.docx")
    assert texts(result) == ["Ouch."]
    joined = " ".join(texts(result))
    assert "tachyon" not in joined and "Fin" not in joined
    assert [m.text for m in result.memos] == ["A tachyon walks into a bar.", "Fin."]
    first, second = result.memos
    assert first.author == "Michael Williamson"
    assert first.created == "2016-07-03T15:10:00Z"
    assert first.anchor_text == "Ouch"
    assert second.anchor_text is None  # no commentRangeStart/End for this one


def test_fixture_tables_row_by_row_in_order():
    result = read(fixture("mammoth_tables.docx"), "mammoth_tables.docx")
    assert [(b.kind, b.text) for b in result.blocks] == [
        ("paragraph", "Above"),
        ("table_row", "Top left | Top right"),
        ("table_row", "Bottom left | Bottom right"),
        ("paragraph", "Below"),
    ]


def test_fixture_empty_docx_gives_no_blocks():
    result = read(fixture("mammoth_empty.docx"), "mammoth_empty.docx")
    assert result.blocks == []
    assert result.memos == []


def test_fixture_headers_and_footers_not_in_body():
    result = read(fixture("python-docx_hdr-header-footer.docx"), "python-docx_hdr-header-footer.docx")
    joined = "\n".join(texts(result))
    assert texts(result) == ["section with header", "section without header of its own."]
    assert "Header for section" not in joined
    assert "Footer for section" not in joined


# -- documents built here ----------------------------------------------------

def _bold_para(doc, bold: str, rest: str, before: str = ""):
    p = doc.add_paragraph()
    if before:
        p.add_run(before)
    p.add_run(bold).bold = True
    p.add_run(rest)
    return p


def _save(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def transcript() -> bytes:
    import docx

    doc = docx.Document()
    doc.core_properties.title = "Interview 7 (pilot)"
    doc.sections[0].header.paragraphs[0].text = "CONFIDENTIAL running header"
    doc.sections[0].footer.paragraphs[0].text = "Page footer text"
    doc.add_heading("Interview with Jane", level=1)
    _bold_para(doc, "Jane Smith:", " Well, we started in 2019.")
    _bold_para(doc, "Interviewer", " So tell me about the move.")
    _bold_para(doc, "Jane Smith", ": It was hard.")
    _bold_para(doc, "Bob:", " Right on time.", before="[00:12:31] ")
    doc.add_paragraph().add_run("A whole bold line").bold = True
    _bold_para(doc, "Important!", " this is not a speaker.")
    doc.add_paragraph("")  # empty paragraph: skipped
    doc.add_paragraph("First point", style="List Bullet")
    doc.add_paragraph("Second point", style="List Number")
    table = doc.add_table(rows=2, cols=3)
    table.cell(0, 0).text = "Name"
    table.cell(0, 1).text = "Role"
    table.cell(0, 2).text = "Site"
    a = table.cell(1, 0).merge(table.cell(1, 1))  # horizontally merged
    a.text = "Jane (lead)"
    table.cell(1, 2).text = "North"
    inner = table.cell(1, 2).add_table(rows=1, cols=2)  # nested table
    inner.cell(0, 0).text = "inner A"
    inner.cell(0, 1).text = "inner B"
    p = doc.add_paragraph("Closing ")
    commented = p.add_run("remark here")
    p.add_run(".")
    doc.add_comment(commented, text="Check this claim", author="Coder A", initials="CA")
    return _save(doc)


def test_built_transcript_blocks_kinds_speakers(transcript):
    result = read(transcript, "interview.docx")
    assert_block_rules(result)
    got = [(b.kind, b.text, b.speaker) for b in result.blocks]
    assert got[:9] == [
        ("heading", "Interview with Jane", None),
        ("paragraph", "Jane Smith: Well, we started in 2019.", "Jane Smith"),
        # a bold name without a colon that occurs once is a lead-in, not a speaker
        ("paragraph", "Interviewer So tell me about the move.", None),
        ("paragraph", "Jane Smith: It was hard.", "Jane Smith"),
        ("paragraph", "[00:12:31] Bob: Right on time.", "Bob"),
        ("paragraph", "A whole bold line", None),
        ("paragraph", "Important! this is not a speaker.", None),
        ("bullet", "First point", None),
        ("bullet", "Second point", None),
    ]
    assert result.blocks[4].time_start == 12 * 60 + 31
    assert result.title == "Interview 7 (pilot)"


def test_bold_name_without_colon_is_a_speaker_only_when_it_recurs():
    import docx

    doc = docx.Document()
    _bold_para(doc, "Interviewer", " So tell me about the move.")
    _bold_para(doc, "Jane Smith", " It was hard.")
    _bold_para(doc, "Interviewer", " Why?")
    _bold_para(doc, "Skills", " The region lacks welders.")  # a report-style lead-in
    _bold_para(doc, "Jane Smith", " Costs.")
    result = read(_save(doc), "t.docx")
    assert [(b.text, b.speaker) for b in result.blocks] == [
        ("Interviewer: So tell me about the move.", "Interviewer"),
        ("Jane Smith: It was hard.", "Jane Smith"),
        ("Interviewer: Why?", "Interviewer"),
        ("Skills The region lacks welders.", None),
        ("Jane Smith: Costs.", "Jane Smith"),
    ]


def test_built_table_rows_merged_and_nested(transcript):
    result = read(transcript, "interview.docx")
    rows = [b.text for b in result.blocks if b.kind == "table_row"]
    assert rows[0] == "Name | Role | Site"
    # the merged cell appears once; the nested table's text is kept inside its cell
    assert rows[1].count("Jane (lead)") == 1
    assert rows[1].startswith("Jane (lead) | North")
    assert "inner A | inner B" in rows[1]
    assert len(rows) == 2


def test_built_header_footer_and_comment(transcript):
    result = read(transcript, "interview.docx")
    joined = "\n".join(texts(result))
    assert "CONFIDENTIAL" not in joined and "Page footer" not in joined
    assert "Check this claim" not in joined
    assert texts(result)[-1] == "Closing remark here."
    [memo] = result.memos
    assert (memo.text, memo.author, memo.anchor_text) == ("Check this claim", "Coder A", "remark here")


def _docx_with_body(body_xml: str, extra: dict[str, bytes] | None = None, doctype: str = "") -> bytes:
    """A minimal hand-made package around a w:body fragment."""
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
    )
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}'
        f'<w:document xmlns:w="{W_NS}"><w:body>{body_xml}</w:body></w:document>'
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", content_types)
        zf.writestr("_rels/.rels", rels)
        zf.writestr("word/document.xml", document)
        for member, data in (extra or {}).items():
            zf.writestr(member, data)
    return buf.getvalue()


def test_tracked_changes_fields_and_breaks():
    body = (
        "<w:p><w:r><w:t>We </w:t></w:r>"
        "<w:del><w:r><w:delText>never </w:delText></w:r></w:del>"
        "<w:ins><w:r><w:t>always </w:t></w:r></w:ins>"
        "<w:r><w:t>agreed.</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>Page </w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        "<w:r><w:instrText> PAGE \\* MERGEFORMAT </w:instrText></w:r>"
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        "<w:r><w:t>3</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        "<w:r><w:t>of the notes</w:t><w:br/><w:t>next line</w:t><w:tab/><w:t>tabbed</w:t></w:r></w:p>"
        "<w:sdt><w:sdtContent><w:p><w:r><w:t>Inside a content control</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        "<w:p><w:r><w:t xml:space=\"preserve\">   </w:t></w:r></w:p>"
    )
    result = read(_docx_with_body(body))
    assert texts(result) == [
        "We always agreed.",
        "Page 3of the notes\nnext line\ttabbed",
        "Inside a content control",
    ]
    assert "MERGEFORMAT" not in " ".join(texts(result))


def test_text_box_read_once_from_alternate_content():
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    box = '<w:txbxContent><w:p><w:r><w:t>Box text</w:t></w:r></w:p></w:txbxContent>'
    body = (
        f'<w:p xmlns:mc="{mc}"><w:r><w:t>Main text</w:t></w:r>'
        f'<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><x:shape xmlns:x="urn:x">{box}'
        f'</x:shape></w:drawing></mc:Choice><mc:Fallback><w:pict><x:textbox xmlns:x="urn:x">{box}'
        "</x:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
    )
    assert texts(read(_docx_with_body(body))) == ["Main text", "Box text"]


def test_entity_declaration_not_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    doctype = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    body = "<w:p><w:r><w:t>Before &xxe; after</w:t></w:r></w:p>"
    result = read(_docx_with_body(body, doctype=doctype))
    assert "TOP-SECRET-CONTENT" not in " ".join(texts(result))
    assert texts(result) == ["Before  after"]
    assert any("entities" in w for w in result.warnings)


def test_path_traversal_member_is_unsafe():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<x/>")
        zf.writestr("../evil.txt", "pwned")
    with pytest.raises(UnsafeFileError) as info:
        read(buf.getvalue(), "evil.docx")
    assert str(info.value).startswith("evil.docx: ")


def test_random_bytes_are_corrupt():
    data = bytes(range(256)) * 20
    with pytest.raises(CorruptFileError) as info:
        read(data, "noise.docx")
    message = str(info.value)
    assert message.startswith("noise.docx: ") and "\n" not in message


def test_zero_bytes_is_empty():
    with pytest.raises(EmptyFileError) as info:
        read(b"", "nothing.docx")
    assert str(info.value).startswith("nothing.docx: ")


def test_zip_without_document_part_is_corrupt():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "not a word file")
    with pytest.raises(CorruptFileError) as info:
        read(buf.getvalue(), "fake.docx")
    assert str(info.value).startswith("fake.docx: ")


def test_truncated_docx_raises_workbench_error(transcript):
    with pytest.raises(WorkbenchError) as info:
        read(transcript[: len(transcript) // 2], "cut.docx")
    assert str(info.value).startswith("cut.docx: ")


def test_legacy_doc_and_encrypted_docx():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(600)
    with pytest.raises(UnsupportedFormatError):
        read(ole, "old.docx")
    encrypted = ole + "EncryptedPackage".encode("utf-16-le")
    with pytest.raises(EncryptedFileError):
        read(encrypted, "locked.docx")


@pytest.mark.parametrize(
    "segments, expected",
    [
        ([("Jane:", True), (" hi there", False)], ("Jane: hi there", "Jane")),
        ([("Dr Ann Lee", True), (": yes", False)], ("Dr Ann Lee: yes", "Dr Ann Lee")),
        ([("P1", True), (" no colon here", False)], ("P1: no colon here", "P1")),
        ([("[00:01:02] ", False), ("R:", True), (" ok", False)], ("[00:01:02] R: ok", "R")),
        ([("All bold words", True)], None),
        ([("One two three four five six:", True), (" text", False)], None),
        ([("normal ", False), ("Bold:", True), (" text", False)], None),
        ([("lowercase words", True), (" then text", False)], None),
    ],
)
def test_split_speaker(segments, expected):
    found = docx_reader.split_speaker(segments)
    if expected is None:
        assert found is None
    else:
        assert found[:2] == expected


def test_malformed_document_xml_error_names_the_file():
    data = _docx_with_body("<w:p><w:r><w:t>unclosed</w:r></w:p>")
    with pytest.raises(WorkbenchError) as info:
        read(data, "broken.docx")
    message = str(info.value)
    assert message.startswith("broken.docx: ") and "word/document.xml" in message and "\n" not in message

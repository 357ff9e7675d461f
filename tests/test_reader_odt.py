"""The .odt reader: odfpy fixtures and small packages written by hand here."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from workbench.errors import CorruptFileError, EmptyFileError, EncryptedFileError, UnsafeFileError
from workbench.ingest._base import ReadOptions
from workbench.ingest.readers import odt as odt_reader

FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "office"

NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"'
)


def fixture(name: str) -> bytes:
    path = FIXTURES / name
    if not path.exists():
        pytest.skip("../shared/fixtures not present")
    return path.read_bytes()


def read(data: bytes, name: str = "doc.odt"):
    return odt_reader.read(data, name, ReadOptions())


def make_odt(body: str, title: str | None = None, styles: str = "", manifest_extra: str = "",
             doctype: str = "") -> bytes:
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}'
        f'<office:document-content {NS} office:version="1.2">'
        f"<office:automatic-styles>{styles}</office:automatic-styles>"
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    meta = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {NS}><office:meta>'
        + (f"<dc:title>{title}</dc:title>" if title else "")
        + "</office:meta></office:document-meta>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        f'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">{manifest_extra}'
        "</manifest:file-entry></manifest:manifest>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", content)
        zf.writestr("meta.xml", meta)
        zf.writestr("META-INF/manifest.xml", manifest)
    return buf.getvalue()


# -- fixtures ------------------------------------------------------------------

def test_fixture_nasty_entity_never_resolved():
    result = read(fixture("odfpy_nasty.odt"), "odfpy_nasty.odt")
    assert [(b.kind, b.text) for b in result.blocks] == [("paragraph", "Test:")]
    joined = " ".join(b.text for b in result.blocks)
    assert "nasty" not in joined and "&" not in joined
    assert any("odfpy_nasty.odt" in w and "entities" in w and "not expanded" in w for w in result.warnings)


def test_fixture_simpletable_text_kept_row_by_row():
    result = read(fixture("odfpy_simpletable.odt"), "odfpy_simpletable.odt")
    assert [(b.kind, b.text) for b in result.blocks] == [
        ("table_row", "Cell 1 | Cell 2"),
        ("table_row", "Cell 3 (bold) | Cell 4 (italic)"),
    ]


# -- hand-made packages ------------------------------------------------------

BODY = (
    '<text:sequence-decls><text:sequence-decl text:name="Table"/></text:sequence-decls>'
    '<text:p text:style-name="P1">Project   title</text:p>'
    '<text:h text:outline-level="1">Interview <text:span>one</text:span></text:h>'
    "<text:p>  Jane:   We  met<text:s text:c=\"3\"/>here<text:tab/>then"
    "<text:line-break/>moved <text:a xlink:href=\"http://x\" xmlns:xlink=\"http://www.w3.org/1999/xlink\">away</text:a>"
    "<text:soft-page-break/> later.</text:p>"
    "<text:p/>"
    "<text:list><text:list-item><text:p>first item</text:p>"
    "<text:list><text:list-item><text:p>nested item</text:p></text:list-item></text:list>"
    "</text:list-item><text:list-item><text:p>second item</text:p></text:list-item></text:list>"
    "<table:table><table:table-column table:number-columns-repeated=\"3\"/>"
    "<table:table-header-rows><table:table-row>"
    "<table:table-cell><text:p>Who</text:p></table:table-cell>"
    "<table:table-cell><text:p>What</text:p></table:table-cell>"
    "<table:table-cell><text:p>Where</text:p></table:table-cell>"
    "</table:table-row></table:table-header-rows>"
    "<table:table-row><table:table-cell table:number-columns-spanned=\"2\"><text:p>Merged</text:p></table:table-cell>"
    "<table:covered-table-cell/><table:table-cell><text:p>Leeds</text:p><text:p>UK</text:p></table:table-cell>"
    "</table:table-row></table:table>"
    "<text:p>Costs rose<text:note text:id=\"ftn1\" text:note-class=\"footnote\">"
    "<text:note-citation>1</text:note-citation><text:note-body><text:p>Source: annual report.</text:p>"
    "</text:note-body></text:note> sharply.</text:p>"
    "<text:p>We <office:annotation office:name=\"c1\"><dc:creator>Coder B</dc:creator>"
    "<dc:date>2024-05-01T10:00:00</dc:date><text:p>Is this literal?</text:p></office:annotation>"
    "loved it<office:annotation-end office:name=\"c1\"/> a lot.</text:p>"
    "<text:tracked-changes><text:changed-region text:id=\"ct1\"><text:deletion>"
    "<text:p>DELETED TEXT</text:p></text:deletion></text:changed-region></text:tracked-changes>"
    "<text:p>Kept<text:change text:change-id=\"ct1\"/> text.</text:p>"
    "<text:section><text:p>In a section</text:p></text:section>"
)
STYLES = '<style:style style:name="P1" style:family="paragraph" style:parent-style-name="Title"/>'


@pytest.fixture(scope="module")
def built():
    return read(make_odt(BODY, title="Pilot  interview", styles=STYLES), "pilot.odt")


def test_built_blocks_and_kinds(built):
    got = [(b.kind, b.text) for b in built.blocks]
    assert got == [
        ("heading", "Project title"),
        ("heading", "Interview one"),
        ("paragraph", "Jane: We met   here\tthen\nmoved away later."),
        ("bullet", "first item"),
        ("bullet", "nested item"),
        ("bullet", "second item"),
        ("table_row", "Who | What | Where"),
        ("table_row", "Merged | Leeds\nUK"),
        ("paragraph", "Costs rose[1] sharply."),
        ("paragraph", "We loved it a lot."),
        ("paragraph", "Kept text."),
        ("paragraph", "In a section"),
        ("footnote", "[Footnote 1] Source: annual report."),
    ]
    assert built.title == "Pilot interview"


def test_built_annotation_is_memo_not_text(built):
    assert "Is this literal" not in " ".join(b.text for b in built.blocks)
    [memo] = built.memos
    assert memo.text == "Is this literal?"
    assert memo.author == "Coder B"
    assert memo.created == "2024-05-01T10:00:00"
    assert memo.anchor_text == "loved it"


def test_tracked_deletion_not_in_text(built):
    assert "DELETED" not in " ".join(b.text for b in built.blocks)


def test_empty_text_document_gives_no_blocks():
    result = read(make_odt("<text:p/><text:p>   </text:p>"))
    assert result.blocks == []
    assert result.title is None


def test_external_entity_in_hand_made_odt(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    doctype = f'<!DOCTYPE office:document-content [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    result = read(make_odt("<text:p>A &xxe; B</text:p>", doctype=doctype))
    assert [b.text for b in result.blocks] == ["A B"]
    assert result.warnings


def test_encrypted_odt():
    data = make_odt("<text:p>x</text:p>", manifest_extra="<manifest:encryption-data/>")
    with pytest.raises(EncryptedFileError):
        read(data, "locked.odt")


def test_zero_bytes_random_bytes_traversal_and_missing_content():
    with pytest.raises(EmptyFileError):
        read(b"", "a.odt")
    with pytest.raises(CorruptFileError) as info:
        read(b"PK\x03\x04 but not really a zip" * 10, "b.odt")
    assert str(info.value).startswith("b.odt: ")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("content.xml", "<x/>")
        zf.writestr("../../etc/evil", "x")
    with pytest.raises(UnsafeFileError):
        read(buf.getvalue(), "c.odt")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    with pytest.raises(CorruptFileError) as info:
        read(buf.getvalue(), "d.odt")
    assert str(info.value).startswith("d.odt: ") and "content.xml" in str(info.value)

"""Zip containers and XML parts: traversal, bombs and entities are refused or left unexpanded."""

import io
import zipfile

import pytest

from workbench.errors import CorruptFileError, UnsafeFileError
from workbench.files.archive import open_zip
from workbench.files.safe_xml import parse_xml


def make_zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize("member", ["../evil.txt", "/etc/passwd", "word/../../x.xml", "C:/x.xml", "..\\x.xml"])
def test_member_outside_the_archive_is_refused(member):
    with pytest.raises(UnsafeFileError, match="points outside the archive"):
        open_zip(make_zip({member: b"x"}), "a.docx", 10**9, 100)


def test_highly_compressed_member_is_a_bomb():
    data = make_zip({"word/document.xml": b"\0" * 50_000_000})
    assert len(data) < 100_000
    with pytest.raises(UnsafeFileError, match="zip bomb"):
        open_zip(data, "bomb.docx", 10**9, 100)


def test_total_size_and_member_count_limits():
    data = make_zip({f"m{i}.xml": b"<a/>" * 1000 for i in range(20)})
    with pytest.raises(UnsafeFileError, match="expands to"):
        open_zip(data, "big.odt", 10_000, 100)
    with pytest.raises(UnsafeFileError, match="20 members"):
        open_zip(data, "many.odt", 10**9, 10)
    assert len(open_zip(data, "ok.odt", 10**9, 100).infolist()) == 20


def test_not_a_zip():
    with pytest.raises(CorruptFileError, match="x.docx: not a valid zip container"):
        open_zip(b"PK\x03\x04 truncated", "x.docx", 10**9, 100)


def test_billion_laughs_is_not_expanded():
    laughs = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<root>&lol3;</root>"""
    root, warnings = parse_xml(laughs, "x.odt", "content.xml")
    assert "lollol" not in "".join(root.itertext())  # only the unexpanded reference &lol3; remains
    assert warnings and "not expanded" in warnings[0]


def test_external_entity_is_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    xml = f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY s SYSTEM "file://{secret}">]><r>&s;</r>'.encode()
    root, warnings = parse_xml(xml, "x.odt", "content.xml")
    assert "TOP SECRET" not in "".join(root.itertext())
    assert warnings


def test_damaged_xml_is_corrupt_not_a_crash():
    with pytest.raises(CorruptFileError, match="x.odt: content.xml: damaged XML"):
        parse_xml(b"<a><b></a>", "x.odt", "content.xml")

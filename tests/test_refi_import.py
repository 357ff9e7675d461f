"""REFI-QDA import of files written by other tools: leniency, offset mapping, safety, all-or-nothing."""

import io
import zipfile

import pytest

from workbench.errors import RefiError

CODE_A = "{6F3B7C1E-1111-4A2B-9C3D-000000000001}"  # braces and upper case, as some tools write
CODE_B = "not-a-guid-code-b"  # outside the pattern, tolerated
USER = "6f3b7c1e-1111-4a2b-9c3d-0000000000aa"
SOURCE = "6f3b7c1e-1111-4a2b-9c3d-0000000000b1"
CRLF_TEXT = "Interviewer: Hello there.\r\n\r\nRespondent: We lack welders in Tipton.\r\nThe OEM cut orders.\r\n"


def qdpx(xml: str, members: dict | None = None, inner: str = "project.qde") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(inner, xml)
        for name, data in (members or {}).items():
            zf.writestr(name, data)
    return buffer.getvalue()


def project_xml(sources: str, extra: str = "") -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="From MAXQDA" origin="Other tool">
 <Users><User guid="{USER}" name="Kim"/></Users>
 <CodeBook><Codes>
  <Code guid="{CODE_A}" name="Skills" isCodable="true" color="#FF0000">
   <Description>People.</Description>
   <Code guid="{CODE_B}" name="Welders" isCodable="true" color="red"/>
  </Code>
 </Codes></CodeBook>
 <Variables><Variable guid="6f3b7c1e-1111-4a2b-9c3d-0000000000c1" name="Region" typeOfVariable="Text"/></Variables>
 <Cases><Case guid="6f3b7c1e-1111-4a2b-9c3d-0000000000d1" name="Firm 1">
  <VariableValue><VariableRef targetGUID="6f3b7c1e-1111-4a2b-9c3d-0000000000c1"/><TextValue>Black Country</TextValue></VariableValue>
  <SourceRef targetGUID="{SOURCE}"/></Case></Cases>
 <Sources>{sources}</Sources>
 <Notes><Note guid="6f3b7c1e-1111-4a2b-9c3d-0000000000e1" name="n" creatingUser="{USER}">
  <PlainTextContent>Check this with the firm.</PlainTextContent></Note></Notes>
 {extra}
</Project>"""


def selection(guid_tail: str, start: int, end: int, code: str, name: str | None = None, note: bool = False) -> str:
    named = f' name="{name}"' if name is not None else ""
    noteref = '<NoteRef targetGUID="6f3b7c1e-1111-4a2b-9c3d-0000000000e1"/>' if note else ""
    return (f'<PlainTextSelection guid="6f3b7c1e-1111-4a2b-9c3d-{guid_tail}" startPosition="{start}" '
            f'endPosition="{end}"{named}><Coding guid="6f3b7c1e-2222-4a2b-9c3d-{guid_tail}" creatingUser="{USER}" '
            f'creationDateTime="2024-03-01T10:00:00Z"><CodeRef targetGUID="{code}"/>{noteref}</Coding>'
            f'</PlainTextSelection>')


def crlf_source(selections: str) -> str:
    return (f'<TextSource guid="{SOURCE}" name="Interview Tipton" plainTextPath="internal://{SOURCE}.txt">'
            f"{selections}</TextSource>")


def write(tmp_path, data: bytes, name="in.qdpx"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_crlf_offsets_are_mapped_and_reported(project, tmp_path):
    start = CRLF_TEXT.index("We lack")
    end = CRLF_TEXT.index("orders.") + len("orders.")  # spans a CRLF line break
    welders = CRLF_TEXT.index("welders")
    sels = selection("000000000001", start, end, CODE_A, note=True) + \
        selection("000000000002", welders, welders + 7, CODE_B.upper(), name="welders")
    data = qdpx(project_xml(crlf_source(sels)), {f"Sources/{SOURCE}.txt": CRLF_TEXT.encode("utf-8")},
                inner="Project.qde")
    report = project.exports.import_refi(write(tmp_path, data))
    assert report["codings"] == 2 and report["unmapped_count"] == 0 and report["codings_adapted"] == 2
    warnings = " ".join(report["warnings"])
    assert "CRLF" in warnings and "Project.qde" in warnings and "GUIDs do not follow" in warnings
    text = project.documents.get(1)["text"]
    assert "\r" not in text
    codings = {c["code_label"]: c for c in project.codings.list()}
    assert codings["Skills"]["snippet"] == "We lack welders in Tipton.\nThe OEM cut orders."
    assert text[codings["Welders"]["start"]:codings["Welders"]["end"]] == "welders"
    assert codings["Skills"]["coder"] == "Kim" and codings["Skills"]["created_at"] == "2024-03-01T10:00:00Z"
    assert codings["Skills"]["memo"] == "Check this with the firm."
    assert project.documents.attributes(1) == {"Region": "Black Country"}
    codes = {r["label"]: r for r in project.codebook.codes()}
    assert codes["Welders"]["parent_id"] == codes["Skills"]["id"] and codes["Welders"]["color"] is None
    assert codes["Skills"]["color"] == "#FF0000" and codes["Skills"]["description"] == "People."


def test_wrong_positions_are_found_by_their_text_or_reported(project, tmp_path):
    text = "Respondent: The order book is thin.\n\nInterviewer: Why?\n\nRespondent: The OEM cut volumes."
    good = text.index("OEM cut")
    sels = (selection("000000000001", good + 5, good + 12, CODE_A, name="OEM cut")  # shifted by 5, text given
            + selection("000000000002", 16, 21, CODE_A, name="Selection 2")  # a label, not text: positions kept
            + selection("000000000003", 500, 510, CODE_A, name="nowhere in the text")  # cannot be mapped
            + selection("000000000004", 500, 510, CODE_A))  # outside the text, no name
    source = (f'<TextSource guid="{SOURCE}" name="Inline"><PlainTextContent>{text}</PlainTextContent>'
              f"{sels}</TextSource>")
    report = project.exports.import_refi(write(tmp_path, qdpx(project_xml(source))))
    assert report["codings"] == 2 and report["unmapped_count"] == 2 and report["codings_adapted"] == 2
    assert sorted(c["snippet"] for c in project.codings.list()) == ["OEM cut", "order"]
    assert all(u["why"].startswith("text not found") for u in report["unmapped"])
    assert {u["text"] for u in report["unmapped"]} == {"nowhere in the text", ""}


def test_utf16_positions_are_recognised_by_the_selection_text(project, tmp_path):
    text = "Emoji 😀 first. Then welders are short."
    cp = text.index("welders")
    utf16 = cp + 1  # the emoji is two UTF-16 code units
    source = (f'<TextSource guid="{SOURCE}" name="Emoji"><PlainTextContent>{text}</PlainTextContent>'
              f'{selection("000000000001", utf16, utf16 + 7, CODE_A, name="welders")}</TextSource>')
    report = project.exports.import_refi(write(tmp_path, qdpx(project_xml(source))))
    assert report["codings"] == 1 and project.codings.list()[0]["snippet"] == "welders"


def test_embedded_docx_source_is_read_with_the_ingest_reader(project, tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("The apprentices left for the supermarket.")
    buffer = io.BytesIO()
    document.save(buffer)
    source = (f'<TextSource guid="{SOURCE}" name="Word file" richTextPath="internal://{SOURCE}.docx">'
              f'{selection("000000000001", 4, 15, CODE_A, name="apprentices")}</TextSource>')
    data = qdpx(project_xml(source), {f"Sources/{SOURCE}.docx": buffer.getvalue()})
    report = project.exports.import_refi(write(tmp_path, data))
    assert project.documents.get(1)["text"] == "The apprentices left for the supermarket."
    assert report["codings"] == 1 and project.codings.list()[0]["snippet"] == "apprentices"


@pytest.mark.parametrize("case", ["traversal", "not_zip", "bad_xml", "no_qde", "not_project", "members"])
def test_unsafe_or_damaged_files_are_refused_and_change_nothing(project, tmp_path, monkeypatch, case):
    from workbench.export import refi_read

    good_source = crlf_source("")
    members = {f"Sources/{SOURCE}.txt": b"Some text."}
    data = {
        "traversal": qdpx(project_xml(good_source), {**members, "../evil.txt": b"x"}),
        "not_zip": b"PK\x03\x04 broken",
        "bad_xml": qdpx("<Project><unclosed></Project>", members),
        "no_qde": qdpx("<x/>", members, inner="readme.txt"),
        "not_project": qdpx('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>', members),
        "members": qdpx(project_xml(good_source), members),
    }[case]
    if case == "members":
        monkeypatch.setattr(refi_read, "MAX_ARCHIVE_MEMBERS", 1)
    before = project.summary()
    with pytest.raises(RefiError) as info:
        project.exports.import_refi(write(tmp_path, data))
    assert info.value.hint and "\n" not in info.value.message
    assert project.summary() == before and project.codebook.codes() == []


def test_entities_are_never_expanded(project, tmp_path):
    xml = project_xml(crlf_source("")).replace(
        '<?xml version="1.0" encoding="utf-8"?>',
        '<?xml version="1.0" encoding="utf-8"?><!DOCTYPE Project [<!ENTITY secret SYSTEM "file:///etc/passwd">'
        '<!ENTITY lol "lollollol">]>').replace("People.", "&secret;&lol;")
    data = qdpx(xml, {f"Sources/{SOURCE}.txt": b"Some text here."})
    report = project.exports.import_refi(write(tmp_path, data))
    assert any("entities" in w for w in report["warnings"])
    description = {r["label"]: r["description"] for r in project.codebook.codes()}["Skills"]
    assert "root:" not in description and "lollollol" not in description


def test_a_failure_half_way_leaves_the_project_unchanged(project, tmp_path, monkeypatch):
    from workbench.export import refi_import

    data = qdpx(project_xml(crlf_source("")), {f"Sources/{SOURCE}.txt": CRLF_TEXT.encode()})

    def explode(self, *args):
        raise RefiError("simulated failure after the documents were written")
    monkeypatch.setattr(refi_import._Importer, "codings", explode)
    with pytest.raises(RefiError):
        project.exports.import_refi(write(tmp_path, data))
    assert project.documents.list() == [] and project.codebook.codes() == [] and project.codings.coders() == []


def test_external_sources_are_skipped_with_a_warning(project, tmp_path):
    source = f'<TextSource guid="{SOURCE}" name="Elsewhere" plainTextPath="file:///C:/data/x.txt"/>'
    report = project.exports.import_refi(write(tmp_path, qdpx(project_xml(source))))
    assert report["sources"] == 0 and any("outside the archive" in w for w in report["warnings"])
    assert report["codes_added"] == 2

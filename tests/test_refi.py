"""REFI-QDA export: schema-valid qdpx and qdc, stable GUIDs, and the round trip through import."""

import io
import uuid
import zipfile

import pytest
from click.testing import CliRunner
from lxml import etree

from tests.conftest import shared_fixture
from tests.test_export_excerpts import build_coded
from workbench.export.refi_common import PROJECT_NS, guid, project_namespace

NS = {"q": PROJECT_NS}


@pytest.fixture
def coded(project, tmp_path):
    return build_coded(project, tmp_path)


def schema(name):
    import xmlschema

    return xmlschema.XMLSchema(str(shared_fixture("refi-qda", name)))


def qde(path):
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read("project.qde")), zf.namelist()


def test_qdpx_validates_and_has_no_empty_wrappers(coded, tmp_path):
    coded.exports.qdpx(tmp_path / "p.qdpx")
    with zipfile.ZipFile(tmp_path / "p.qdpx") as zf:
        names = zf.namelist()
        xml = zf.read("project.qde")
    schema("Project.xsd").validate(xml.decode("utf-8"))
    assert names[0] == "project.qde" and all(n.startswith("Sources/") and n.endswith(".txt") for n in names[1:])
    root = etree.fromstring(xml)
    for wrapper in ("Users", "CodeBook", "Codes", "Variables", "Cases", "Sources", "Notes"):
        for element in root.iter(f"{{{PROJECT_NS}}}{wrapper}"):
            assert len(element), f"empty <{wrapper}>"


def test_empty_project_exports_a_valid_bare_project(project, tmp_path):
    project.exports.qdpx(tmp_path / "empty.qdpx")
    root, names = qde(tmp_path / "empty.qdpx")
    schema("Project.xsd").validate(etree.tostring(root).decode())
    assert len(root) == 0 and names == ["project.qde"]


def test_qdc_validates_and_keeps_hierarchy_colour_and_description(coded, tmp_path):
    coded.exports.qdc(tmp_path / "c.qdc")
    data = (tmp_path / "c.qdc").read_bytes()
    schema("Codebook.xsd").validate(data.decode("utf-8"))
    root = etree.fromstring(data)
    top = root.findall("{*}Codes/{*}Code")
    assert [c.get("name") for c in top] == ["Skills", "Demand"]
    assert top[0].get("color") == "#1f4e9c" and top[0].findtext("{*}Description") == "Finding and keeping skilled people."
    assert [c.get("name") for c in top[0].findall("{*}Code")] == ["Ageing workforce"]
    assert all(c.get("isCodable") == "true" for c in root.iter("{*}Code"))


def test_contents_selections_codings_users_notes_and_variables(coded, tmp_path):
    coded.exports.qdpx(tmp_path / "p.qdpx")
    root, _ = qde(tmp_path / "p.qdpx")
    users = {u.get("guid"): u.get("name") for u in root.iterfind("q:Users/q:User", NS)}
    assert sorted(users.values()) == ["ann", "bo"]
    codes = {c.get("guid"): c.get("name") for c in root.iter(f"{{{PROJECT_NS}}}Code")}
    with zipfile.ZipFile(tmp_path / "p.qdpx") as zf:
        sources = root.findall("q:Sources/q:TextSource", NS)
        assert [s.get("name") for s in sources] == ["Welding firm", "Supplier group"]
        text = zf.read("Sources/" + sources[0].get("plainTextPath").removeprefix("internal://")).decode("utf-8")
    assert text == coded.documents.get(1)["text"]
    found = []
    for selection in sources[0].findall("q:PlainTextSelection", NS):
        start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        assert selection.get("name") == text[start:end]
        for coding in selection.findall("q:Coding", NS):
            found.append((text[start:end][:12], codes[coding.find("q:CodeRef", NS).get("targetGUID")],
                          users[coding.get("creatingUser")]))
    assert sorted(found) == [("=SUM(A1) thi", "Demand", "ann"), ("=SUM(A1) thi", "Skills", "bo"),
                             ("All retiring", "Ageing workforce", "ann")]
    notes = {n.get("guid"): n.findtext("q:PlainTextContent", namespaces=NS) for n in root.iterfind("q:Notes/q:Note", NS)}
    assert sorted(notes.values()) == ["Interview done by phone.", "Merge with hiring?", "retirements"]
    assert notes[sources[0].find("q:NoteRef", NS).get("targetGUID")] == "Interview done by phone."
    variables = {v.get("name"): v.get("typeOfVariable") for v in root.iterfind("q:Variables/q:Variable", NS)}
    assert variables["region"] == "Text" and variables["date"] == "Date" and "document type" in variables
    case = root.find("q:Cases/q:Case", NS)
    assert case.find("q:SourceRef", NS).get("targetGUID") == sources[0].get("guid")


def test_guids_are_uuid5_and_stable_across_exports(coded, tmp_path):
    coded.exports.qdpx(tmp_path / "1.qdpx")
    coded.exports.qdpx(tmp_path / "2.qdpx")
    assert (tmp_path / "1.qdpx").read_bytes() == (tmp_path / "2.qdpx").read_bytes()
    root, _ = qde(tmp_path / "1.qdpx")
    skills = next(c for c in root.iter(f"{{{PROJECT_NS}}}Code") if c.get("name") == "Skills")
    expected = guid(project_namespace(coded.path.stem), "code", "skills")
    assert skills.get("guid") == expected and uuid.UUID(expected).version == 5
    coded.exports.qdpx(tmp_path / "other.qdpx", name="another project")
    other, _ = qde(tmp_path / "other.qdpx")
    assert next(c for c in other.iter(f"{{{PROJECT_NS}}}Code") if c.get("name") == "Skills").get("guid") != expected


def snapshot(project):
    """What a round trip must keep: code tree, texts, types, attributes, codings, memos."""
    docs = {d["id"]: d for d in project.db.query("SELECT id, title, type, text FROM documents")}
    paths = {r["id"]: r for r in project.codebook.codes()}

    def path(code_id):
        node, parts = paths[code_id], []
        while node:
            parts.append(node["label"])
            node = paths.get(node["parent_id"])
        return " / ".join(reversed(parts))
    codes = sorted((path(c["id"]), c["description"], c["color"]) for c in paths.values())
    texts = sorted((d["title"], d["type"], d["text"]) for d in docs.values())
    attributes = sorted((docs[a["document_id"]]["title"], a["name"], a["value"])
                        for a in project.db.query("SELECT * FROM attributes"))
    codings = sorted((docs[c["document_id"]]["title"], c["start"], c["end"], path(c["code_id"]), c["coder"],
                      c["created_at"], c["memo"]) for c in project.db.query("SELECT * FROM codings"))
    memos = sorted((m["text"], m["author"] or "") for m in project.db.query("SELECT * FROM memos"))
    return codes, texts, attributes, codings, memos


def test_round_trip_export_import_export(coded, tmp_path):
    from workbench.project import Project

    coded.exports.qdpx(tmp_path / "first.qdpx")
    with Project(tmp_path / "copy.db") as copy:
        report = copy.exports.import_refi(tmp_path / "first.qdpx")
        assert report["unmapped_count"] == 0 and report["codings_adapted"] == 0
        assert report["documents_added"] == 2 and report["codings"] == 5
        assert snapshot(copy)[:4] == snapshot(coded)[:4]
        # memos: the coding memo returns as the coding's memo, document and code memos as memos
        assert snapshot(copy)[4] == [("Interview done by phone.", "ann"), ("Merge with hiring?", "bo")]
        copy.exports.qdpx(tmp_path / "second.qdpx", name=coded.path.stem)
        again = copy.exports.import_refi(tmp_path / "first.qdpx")  # importing the same file twice adds nothing
        assert again["documents_reused"] == 2 and again["codes_added"] == 0
        assert snapshot(copy)[3] == snapshot(coded)[3]
    first, _ = qde(tmp_path / "first.qdpx")
    second, _ = qde(tmp_path / "second.qdpx")
    schema("Project.xsd").validate(etree.tostring(second).decode())

    def content(root):
        codes = {c.get("guid"): c.get("name") for c in root.iter(f"{{{PROJECT_NS}}}Code")}
        out = []
        for source in root.iterfind("q:Sources/q:TextSource", NS):
            for selection in source.iterfind("q:PlainTextSelection", NS):
                for coding in selection.iterfind("q:Coding", NS):
                    out.append((source.get("name"), selection.get("startPosition"), selection.get("endPosition"),
                                codes[coding.find("q:CodeRef", NS).get("targetGUID")], coding.get("creationDateTime")))
        return sorted(out), sorted(codes.values())
    assert content(first) == content(second)


def test_reimport_into_the_same_project_reuses_documents_codes_and_codings(coded, tmp_path):
    coded.exports.qdpx(tmp_path / "p.qdpx")
    before = snapshot(coded)
    report = coded.exports.import_refi(tmp_path / "p.qdpx")
    assert report["documents_added"] == 0 and report["documents_reused"] == 2
    assert report["codes_added"] == 0 and report["codes_reused"] == 3 and report["memos"] == 0
    assert report["codings"] == 5 and report["codings_new"] == 0
    assert snapshot(coded) == before


def test_cli_export_and_import_into_a_new_project(coded, tmp_path):
    from workbench.cli import cli

    runner = CliRunner()
    out = runner.invoke(cli, ["--db", str(coded.path), "export", "qdpx", "-o", str(tmp_path / "p.qdpx")])
    assert out.exit_code == 0 and "2 sources, 3 codes, 5 codings" in out.output
    out = runner.invoke(cli, ["--db", str(coded.path), "export", "qdc", "-o", str(tmp_path / "c.qdc")])
    assert out.exit_code == 0 and "3 codes" in out.output
    new = tmp_path / "new.db"
    out = runner.invoke(cli, ["import", "qdpx", str(tmp_path / "p.qdpx"), "--project", str(new)])
    assert out.exit_code == 0, out.output
    assert "3 codes added" in out.output and "5 codings" in out.output
    out = runner.invoke(cli, ["--db", str(new), "import", "qdc", str(tmp_path / "c.qdc"), "--json"])
    assert out.exit_code == 0 and '"codes_reused": 3' in out.output
    bad = tmp_path / "bad.qdpx"
    bad.write_bytes(b"not a zip")
    out = runner.invoke(cli, ["import", "qdpx", str(bad), "--project", str(tmp_path / "never.db")])
    assert out.exit_code == 1 and "Error:" in out.output and "Hint:" in out.output
    assert not (tmp_path / "never.db").exists()


def test_qdc_import_builds_the_nested_tree(coded, tmp_path, project):
    from workbench.project import Project

    coded.exports.qdc(tmp_path / "c.qdc")
    with Project(tmp_path / "fresh.db") as fresh:
        report = fresh.exports.import_refi(tmp_path / "c.qdc", "qdc")
        assert report["codes_added"] == 3
        rows = {r["label"]: r for r in fresh.codebook.codes()}
        assert rows["Ageing workforce"]["parent_id"] == rows["Skills"]["id"] == "skills"
        assert rows["Skills"]["color"] == "#1f4e9c" and rows["Demand"]["description"].startswith("Orders")


def test_selection_name_is_the_coded_text(coded, tmp_path):
    coded.exports.qdpx(tmp_path / "p.qdpx")
    with zipfile.ZipFile(tmp_path / "p.qdpx") as zf:
        assert zf.testzip() is None
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in zf.infolist())
    assert io.BytesIO((tmp_path / "p.qdpx").read_bytes()).getbuffer().nbytes > 0

"""The ingest batch: bad input never stops it, duplicates are no-ops, manifests give attributes."""

import os
from pathlib import Path

import pytest

from workbench.ingest.pipeline import ingest_paths

TRANSCRIPT = "I: How is the order book?\n\nR: Thin since the OEM cut volumes.\n\nI: And hiring?\n\nR: No welders to be had."


def by_name(outcomes):
    return {Path(o.path).name: o for o in outcomes}


def test_batch_goes_on_past_bad_files(project, tmp_path):
    (tmp_path / "good.txt").write_text(TRANSCRIPT)
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02\x03PK\x03\x04" * 50)
    (tmp_path / "zero.txt").write_bytes(b"")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (tmp_path / "fake.docx").write_bytes(b"not a zip at all")
    (tmp_path / "later.md").write_text("# Notes\n\nThe cluster met in May.")
    outcomes = by_name(project.documents.ingest([tmp_path]))
    assert outcomes["good.txt"].status == "ingested"
    assert outcomes["later.md"].status == "ingested"
    assert outcomes["binary.txt"].status == "failed"
    assert outcomes["binary.txt"].error == "binary.txt: binary content, not text"
    assert outcomes["zero.txt"].error == "zero.txt: empty file (0 bytes)"
    assert outcomes["photo.jpg"].status == "skipped"  # unsupported types inside folders are skipped
    assert outcomes["fake.docx"].status == "failed" and outcomes["fake.docx"].error.startswith("fake.docx: ")
    for o in outcomes.values():
        if o.error:
            assert "\n" not in o.error
    assert project.db["documents"].count == 2


def test_unknown_extension_named_explicitly_fails(project, tmp_path):
    path = tmp_path / "data.xyz"
    path.write_text("hello")
    [outcome] = project.documents.ingest([path])
    assert outcome.status == "failed" and outcome.error == "data.xyz: unsupported file type (.xyz)"


def test_same_bytes_twice_is_a_noop_that_says_so(project, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(TRANSCRIPT)
    [first] = project.documents.ingest([path])
    copy = tmp_path / "copy_of_a.txt"
    copy.write_text(TRANSCRIPT)
    [again] = project.documents.ingest([copy])
    assert again.status == "duplicate" and again.document_id == first.document_id
    assert "already ingested as document" in again.error
    assert project.db["documents"].count == 1


def test_different_file_with_same_title_is_a_new_document(project, tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    (tmp_path / "x" / "notes.txt").write_text("First version.")
    (tmp_path / "y" / "notes.txt").write_text("Second version.")
    outcomes = project.documents.ingest([tmp_path])
    assert [o.status for o in outcomes] == ["ingested", "ingested"]
    assert [d["title"] for d in project.documents.list()] == ["notes", "notes"]


def test_file_that_vanishes_mid_batch(project, tmp_path):
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(f"Text of {name}.")

    def delete_b_when_reached(path):
        if path.endswith("b.txt"):
            os.remove(path)

    outcomes = by_name(ingest_paths(project.db, [tmp_path], progress=delete_b_when_reached))
    assert outcomes["b.txt"].status == "failed"
    assert outcomes["b.txt"].error == "b.txt: file not found (moved or deleted before it was read)"
    assert outcomes["a.txt"].status == outcomes["c.txt"].status == "ingested"


def test_unreadable_file(project, tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text("fine")
    secret = tmp_path / "secret.txt"
    secret.write_text("locked")
    real = Path.read_bytes

    def read_bytes(self):
        if self.name == "secret.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    outcomes = by_name(project.documents.ingest([tmp_path]))
    assert outcomes["secret.txt"].error == "secret.txt: cannot read (Permission denied)"
    assert outcomes["a.txt"].status == "ingested"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_folder(project, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.txt").write_text("x")
    locked.chmod(0)
    try:
        outcomes = project.documents.ingest([tmp_path])
    finally:
        locked.chmod(0o755)
    assert any(o.status == "failed" and "cannot open folder" in o.error for o in outcomes)


def test_reader_bug_is_reported_and_batch_goes_on(project, tmp_path, monkeypatch):
    from workbench.ingest.readers import text

    (tmp_path / "a.md").write_text("fine markdown")
    (tmp_path / "b.txt").write_text("boom")
    real = text.read

    def broken(data, name, options):
        if name == "b.txt":
            raise ValueError("unexpected")
        return real(data, name, options)

    monkeypatch.setattr(text, "read", broken)
    outcomes = by_name(project.documents.ingest([tmp_path]))
    assert outcomes["b.txt"].status == "failed"
    assert "internal error ValueError: unexpected" in outcomes["b.txt"].error
    assert "Traceback" in outcomes["b.txt"].detail
    assert outcomes["a.md"].status == "ingested"


def test_manifest_sets_title_type_and_typed_attributes(project, tmp_path):
    src = tmp_path / "sources"
    src.mkdir()
    (src / "int01.txt").write_text(TRANSCRIPT)
    (src / "policy.txt").write_text("The plan.\n\nMore of the plan.")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("file,title,type,region,firm_size,date,employees\n"
                        "int01.txt,Interview 1,interview,West Midlands,small,2024-03-12,45\n"
                        "policy.txt,Skills plan,document,North East,,2025-01,\n")
    outcomes = project.documents.ingest([src], manifest=manifest)
    assert [o.status for o in outcomes] == ["ingested", "ingested"]
    docs = {d["title"]: d for d in project.documents.list()}
    interview = docs["Interview 1"]
    assert interview["type"] == "interview" and not interview["type_inferred"]
    assert interview["attributes"] == {"date": "2024-03-12", "employees": 45, "firm_size": "small",
                                       "region": "West Midlands"}
    assert docs["Skills plan"]["attributes"] == {"date": "2025-01", "region": "North East"}
    dated = list(project.db.query("SELECT d.title FROM attributes a JOIN documents d ON d.id = a.document_id "
                                  "WHERE a.name = 'date' AND a.value_date >= '2025-01-01'"))
    assert dated == []  # '2025-01' sorts before '2025-01-01'; typed dates compare as ISO strings
    bigger = list(project.db.query("SELECT document_id FROM attributes WHERE name='employees' AND value_number > 40"))
    assert [r["document_id"] for r in bigger] == [interview["id"]]


def test_yaml_manifest_and_later_attribute_import(project, tmp_path):
    (tmp_path / "fg.txt").write_text("Moderator: hi\n\nP1: a\n\nP2: b\n\nP3: c\n\nP1: d")
    project.documents.ingest([tmp_path / "fg.txt"])
    doc = project.documents.list()[0]
    assert doc["type"] == "focus_group" and doc["type_inferred"]
    manifest = tmp_path / "m.yaml"
    manifest.write_text("fg.txt:\n  title: Focus group Teesside\n  region: North East\n  participants: 3\n")
    applied = project.documents.apply_manifest(manifest)
    assert len(applied) == 1
    doc = project.documents.get(doc["id"])
    assert doc["title"] == "Focus group Teesside"
    assert doc["attributes"] == {"participants": 3, "region": "North East"}


def test_bad_manifest_names_the_row(project, tmp_path):
    from workbench.errors import ManifestError

    manifest = tmp_path / "m.csv"
    manifest.write_text("file,type\na.txt,interview\nb.txt,podcast\n")
    with pytest.raises(ManifestError, match="m.csv: b.txt: unknown type 'podcast'"):
        project.documents.ingest([tmp_path], manifest=manifest)
    bad_yaml = tmp_path / "m.yaml"
    bad_yaml.write_text("a.txt: [unclosed\n")
    with pytest.raises(ManifestError, match=r"m.yaml line \d+: not valid YAML"):
        project.documents.ingest([tmp_path], manifest=bad_yaml)


def test_speakers_listed_and_renamed_with_type_reinferred(project, tmp_path):
    (tmp_path / "t.txt").write_text("Interviewer: q1\n\nR: a1\n\nI: q2\n\nR: a2\n\nI: q3\n\nInterviewer: q4")
    project.documents.ingest([tmp_path / "t.txt"])
    assert [s["speaker"] for s in project.documents.speakers(1)] == ["Interviewer", "R", "I"]
    assert project.documents.get(1)["type"] == "focus_group"  # three labels before merging
    assert project.documents.rename_speaker(1, "I", "Interviewer") == 2
    assert [s["speaker"] for s in project.documents.speakers(1)] == ["Interviewer", "R"]
    assert project.documents.get(1)["type"] == "interview"


def test_pdf_over_the_time_limit_fails_alone(project, tmp_path):
    pytest.importorskip("reportlab")
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = tmp_path / "long.pdf"
    c = canvas.Canvas(str(pdf), pagesize=A4)
    for page in range(30):
        c.drawString(72, 700, f"Page {page} talks about supplier capability and skills.")
        c.showPage()
    c.save()
    (tmp_path / "after.txt").write_text("Still ingested.")
    outcomes = by_name(project.documents.ingest([tmp_path], time_limit=1e-6))
    assert outcomes["long.pdf"].status == "failed"
    assert outcomes["long.pdf"].error.startswith("long.pdf: extraction took longer than")
    assert "--time-limit" in outcomes["long.pdf"].hint
    assert outcomes["after.txt"].status == "ingested"
    assert project.db["documents"].count == 1

"""Every file in ../shared/fixtures (pdf, office, captions) through the whole ingest pipeline.

Each test checks the behaviour the fixtures README names for the file, end to end:
what is stored, and that a failure is one line naming the file with nothing stored.
"""

import pytest

from tests.conftest import shared_fixture


def ingest_one(project, *parts, **kw):
    path = shared_fixture(*parts)
    outcomes = project.documents.ingest([path], **kw)
    assert len(outcomes) == 1
    return outcomes[0]


def assert_failed_cleanly(project, outcome, name, *phrases):
    assert outcome.status == "failed"
    assert outcome.error.startswith(f"{name}: ") and "\n" not in outcome.error
    for phrase in phrases:
        assert phrase in outcome.error.lower()
    assert project.db["documents"].count == 0
    assert project.db["segments"].count == 0


def stored_text(project, outcome):
    assert outcome.status == "ingested", outcome.error
    return project.documents.get(outcome.document_id)["text"]


def test_password_pdf_without_and_with_password(project):
    outcome = ingest_one(project, "pdf", "password_user-test.pdf")
    assert_failed_cleanly(project, outcome, "password_user-test.pdf", "encrypted", "password")
    assert "--password" in outcome.hint
    outcome = ingest_one(project, "pdf", "password_user-test.pdf", password="test")
    assert len(stored_text(project, outcome)) > 20


def test_empty_pdf(project):
    assert_failed_cleanly(project, ingest_one(project, "pdf", "empty.pdf"), "empty.pdf", "empty")


def test_scanned_pdf_needs_ocr(project):
    outcome = ingest_one(project, "pdf", "scanned_jbig2.pdf")
    assert_failed_cleanly(project, outcome, "scanned_jbig2.pdf", "ocr")


@pytest.mark.parametrize("name", ["zen_of_python_corrupted.pdf", "malformed-from-issue-932.pdf"])
def test_damaged_pdfs_recover_text_or_fail_clearly(project, name):
    outcome = ingest_one(project, "pdf", name, time_limit=30)
    if outcome.status == "ingested":
        assert stored_text(project, outcome).strip()
    else:
        assert_failed_cleanly(project, outcome, name)


def test_zen_of_python_text_is_recovered(project):
    text = stored_text(project, ingest_one(project, "pdf", "zen_of_python_corrupted.pdf"))
    assert "Beautiful is better than ugly" in text


def test_word365_pdf_structure(project):
    outcome = ingest_one(project, "pdf", "word365_structure.pdf")
    text = stored_text(project, outcome)
    order = ["Titre", "Lorem ipsum dolor", "Liste 2", "Liste numérotée", "En-tête 1", "Alouette", "Bibitte"]
    positions = [text.find(word) for word in order]
    assert -1 not in positions and positions == sorted(positions), (positions, text)
    segments = project.documents.segments(outcome.document_id)
    assert any(s["kind"] == "list_item" for s in segments)
    assert all(s["page"] == 1 for s in segments)


def test_docx_footnotes_kept_and_marked(project):
    outcome = ingest_one(project, "office", "mammoth_footnotes.docx")
    kinds = {s["kind"] for s in project.documents.segments(outcome.document_id)}
    assert "footnote" in kinds


def test_docx_comments_become_memos_not_text(project):
    outcome = ingest_one(project, "office", "mammoth_comments.docx")
    doc = project.documents.get(outcome.document_id)
    assert doc["memos"], "Word comments should be kept as document memos"
    for memo in doc["memos"]:
        assert memo["text"] not in doc["text"]


def test_docx_tables_row_by_row(project):
    outcome = ingest_one(project, "office", "mammoth_tables.docx")
    rows = [s for s in project.documents.segments(outcome.document_id) if s["kind"] == "table_row"]
    assert len(rows) >= 2


def test_empty_docx_stores_nothing(project):
    outcome = ingest_one(project, "office", "mammoth_empty.docx")
    assert_failed_cleanly(project, outcome, "mammoth_empty.docx", "no text")


def test_docx_headers_footers_not_in_body(project):
    outcome = ingest_one(project, "office", "python-docx_hdr-header-footer.docx")
    text = stored_text(project, outcome)
    assert "section with header" in text  # the body
    assert "Header for section-1" not in text and "Footer for section" not in text


def test_rtf_cp1250_matches_expected(project):
    expected = shared_fixture("office", "striprtf_ansicpg1250.expected.txt").read_text(encoding="utf-8")
    text = stored_text(project, ingest_one(project, "office", "striprtf_ansicpg1250.rtf"))
    assert " ".join(text.split()) == " ".join(expected.split())


def test_rtf_unicode_escapes(project):
    text = stored_text(project, ingest_one(project, "office", "striprtf_unicode.rtf"))
    assert any(ord(ch) > 127 for ch in text)


def test_odt_external_entity_never_resolved(project):
    outcome = ingest_one(project, "office", "odfpy_nasty.odt")
    if outcome.status == "ingested":
        doc = project.documents.get(outcome.document_id)
        assert "externalcontent" not in doc["text"]
        assert any("entit" in w for w in doc["warnings"])
    else:
        assert_failed_cleanly(project, outcome, "odfpy_nasty.odt", "entit")


def test_odt_table_text_kept(project):
    outcome = ingest_one(project, "office", "odfpy_simpletable.odt")
    assert any(s["kind"] == "table_row" for s in project.documents.segments(outcome.document_id))


def test_captions_folder(project):
    outcomes = {o.path.rsplit("/", 1)[-1]: o for o in project.documents.ingest([shared_fixture("captions")])}
    assert outcomes["sample.vtt"].status == "ingested"
    assert outcomes["using_identifiers.vtt"].status == "ingested"
    assert outcomes["captions_with_bom.vtt"].status == "ingested"
    assert outcomes["bom-utf-16-le.srt"].status == "ingested"
    assert outcomes["empty.vtt"].status == "failed" and "no cues" in outcomes["empty.vtt"].error
    assert outcomes["invalid.srt"].status == "failed" and "line 2" in outcomes["invalid.srt"].error
    segs = project.documents.segments(outcomes["sample.vtt"].document_id)
    assert all(s["kind"] == "cue" and s["time_start"] is not None for s in segs)

"""Tests for the PDF reader (workbench.ingest.readers.pdf).

Generated PDFs (reportlab, into tmp_path) check reading order, running headers,
page numbers, paragraphs and errors; the shared real-world fixtures
(../shared/fixtures/pdf) check the behaviour listed in their README.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from workbench.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedFileError,
    NeedsOcrError,
    NoTextError,
    TimeLimitError,
    WorkbenchError,
)
from workbench.ingest._base import ReadOptions, ReadResult
from workbench.ingest.readers.pdf import _clean_title, read

FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "pdf"
HEADER = "Regional Skills Review 2025 \u2014 Draft"
FOOTERS = {1: "1", 2: "Page 2", 3: "3 of 4", 4: "- 4 -"}

W, H = 612.0, 792.0  # US letter
LEFT_X, RIGHT_X, COL_W = 72.0, 320.0, 220.0
SIZE, LEADING = 10.0, 13.0


def fixture(name: str) -> bytes:
    path = FIXTURES / name
    if not path.exists():
        pytest.skip(f"../shared/fixtures not present: {path}")
    return path.read_bytes()


def opts(**kw) -> ReadOptions:
    return ReadOptions(**kw)


def sentences(tag: str, n: int) -> str:
    """n distinct sentences, each with a marker such as P1A03 to find it again."""
    return " ".join(f"Marker {tag}{k:02d} shows how the apprentices described their placements." for k in range(n))


def wrap(text: str, width: float, font: str = "Helvetica", size: float = SIZE) -> list[str]:
    from reportlab.lib.utils import simpleSplit

    return simpleSplit(text, font, size, width)


def draw_lines(c, x: float, y: float, lines: list[str], font: str = "Helvetica", size: float = SIZE) -> float:
    c.setFont(font, size)
    for line in lines:
        c.drawString(x, y, line)
        y -= LEADING
    return y


def two_column_pdf(path: Path) -> Path:
    """Four pages with a running header and page numbers in four styles.

    Page 1: full-width title, full-width intro, two columns (A left, B right),
            a full-width interlude, two more columns (C left, D right).
    Page 2: two columns drawn row by row (left line, right line, ...), so
            pdfium sees each row as one line.
    Page 3: two columns, a hyphenated word at a line end in the left column.
    Page 4: one column, with a one-off line near the top of the page.
    """
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=(W, H))
    c.setTitle("Regional skills interviews")
    for page in range(1, 5):
        c.setFont("Helvetica", 9)
        c.drawString(LEFT_X, H - 40, HEADER)
        c.drawCentredString(W / 2, 30, FOOTERS[page])
        y = H - 90
        if page == 1:
            c.setFont("Helvetica-Bold", 18)
            c.drawString(LEFT_X, y, "Findings from the regional interviews")
            y -= 30
            y = draw_lines(c, LEFT_X, y, wrap(sentences("P1T", 4), W - 2 * LEFT_X)) - 12
            bottom = draw_lines(c, LEFT_X, y, wrap(sentences("P1A", 5), COL_W))
            bottom = min(bottom, draw_lines(c, RIGHT_X, y, wrap(sentences("P1B", 5), COL_W)))
            y = draw_lines(c, LEFT_X, bottom - 12, wrap(sentences("P1M", 3), W - 2 * LEFT_X)) - 12
            draw_lines(c, LEFT_X, y, wrap(sentences("P1C", 5), COL_W))
            draw_lines(c, RIGHT_X, y, wrap(sentences("P1D", 5), COL_W))
        elif page == 2:
            left, right = wrap(sentences("P2A", 12), COL_W), wrap(sentences("P2B", 12), COL_W)
            c.setFont("Helvetica", SIZE)
            for i in range(max(len(left), len(right))):
                if i < len(left):
                    c.drawString(LEFT_X, y - i * LEADING, left[i])
                if i < len(right):
                    c.drawString(RIGHT_X, y - i * LEADING, right[i])
        elif page == 3:
            lines = wrap(sentences("P3A", 4), COL_W)
            lines += ["The regional manu-", "facture of goods was discussed at length."]
            lines += wrap(sentences("P3C", 4), COL_W)
            draw_lines(c, LEFT_X, y, lines)
            draw_lines(c, RIGHT_X, y, wrap(sentences("P3B", 10), COL_W))
        else:
            c.setFont("Helvetica-Oblique", 10)
            c.drawString(LEFT_X, H - 62, "Appendix note: interview schedule follows")
            draw_lines(c, LEFT_X, y, wrap(sentences("P4A", 8), W - 2 * LEFT_X))
        c.showPage()
    c.save()
    return path


@pytest.fixture(scope="module")
def two_column(tmp_path_factory) -> tuple[bytes, ReadResult]:
    data = two_column_pdf(tmp_path_factory.mktemp("pdf") / "two_column.pdf").read_bytes()
    return data, read(data, "two_column.pdf", opts())


def marker_positions(result: ReadResult) -> tuple[str, dict[str, int], dict[str, int]]:
    """The text of all blocks (line breaks as spaces), each marker's position in it, and its page."""
    text, pages, pos = "", {}, {}
    for block in result.blocks:
        flat = block.text.replace("\n", " ")
        for m in re.finditer(r"Marker (P\d[A-Z]\d\d)", flat):
            pos[m.group(1)] = len(text) + m.start()
            pages[m.group(1)] = block.page
        text += flat + "\n\n"
    return text, pos, pages


# --------------------------------------------------------------------------- layout


def test_columns_are_read_left_then_right(two_column):
    _, result = two_column
    _, pos, _ = marker_positions(result)
    for left, right in (("P1A", "P1B"), ("P1C", "P1D"), ("P2A", "P2B"), ("P3A", "P3B")):
        lefts = sorted((k, v) for k, v in pos.items() if k.startswith(left))
        rights = sorted((k, v) for k, v in pos.items() if k.startswith(right))
        assert lefts and rights
        # every sentence, in its own order, and the whole left column before the right one
        assert [v for _, v in lefts] == sorted(v for _, v in lefts)
        assert [v for _, v in rights] == sorted(v for _, v in rights)
        assert max(v for _, v in lefts) < min(v for _, v in rights), (left, right)


def test_full_width_text_stays_in_place(two_column):
    _, result = two_column
    text, pos, _ = marker_positions(result)
    title = text.index("Findings from the regional interviews")
    intro = [v for k, v in pos.items() if k.startswith("P1T")]
    top = [v for k, v in pos.items() if k[:3] in ("P1A", "P1B")]
    middle = [v for k, v in pos.items() if k.startswith("P1M")]
    bottom = [v for k, v in pos.items() if k[:3] in ("P1C", "P1D")]
    assert title < min(intro)
    assert max(intro) < min(top)
    assert max(top) < min(middle)
    assert max(middle) < min(bottom)


def test_every_sentence_comes_through_once_on_its_page(two_column):
    _, result = two_column
    text, _, pages = marker_positions(result)
    expected = {f"P1T{k:02d}" for k in range(4)} | {f"P1{c}{k:02d}" for c in "ABCD" for k in range(5)}
    expected |= {f"P1M{k:02d}" for k in range(3)} | {f"P2{c}{k:02d}" for c in "AB" for k in range(12)}
    expected |= {f"P3{c}{k:02d}" for c in "AC" for k in range(4)} | {f"P3B{k:02d}" for k in range(10)}
    expected |= {f"P4A{k:02d}" for k in range(8)}
    assert set(pages) == expected
    for marker in expected:
        assert text.count(f"Marker {marker} ") == 1
        assert pages[marker] == int(marker[1])


def test_running_header_and_page_numbers_are_dropped(two_column):
    _, result = two_column
    for block in result.blocks:
        assert "Regional Skills Review" not in block.text
        for line in block.text.split("\n"):
            assert line.strip() not in FOOTERS.values()
    assert result.metadata["pages"] == 4


def test_one_off_line_at_page_top_is_kept(two_column):
    _, result = two_column
    kept = [b for b in result.blocks if "Appendix note: interview schedule follows" in b.text]
    assert len(kept) == 1 and kept[0].page == 4


def test_title_heading_and_paragraph_lines(two_column):
    _, result = two_column
    first = result.blocks[0]
    assert first.kind == "heading" and first.text == "Findings from the regional interviews"
    assert result.title == "Regional skills interviews"
    # a paragraph keeps the PDF's line breaks and only holds its own column
    intro = next(b for b in result.blocks if "Marker P1T00" in b.text)
    assert intro.kind == "paragraph" and "\n" in intro.text and "P1A" not in intro.text
    left = next(b for b in result.blocks if "Marker P2A00" in b.text)
    assert "P2B" not in left.text and "P2A11" in left.text


def test_hyphenated_line_break_is_kept_as_a_line_break(two_column):
    _, result = two_column
    block = next(b for b in result.blocks if "facture of goods" in b.text)
    assert "manu-\nfacture of goods" in block.text
    assert "\ufffe" not in block.text


def test_short_right_column_on_last_page_uses_the_documents_gutter(tmp_path):
    """One line in the right column is no evidence by itself; the other pages' gutter is."""
    from reportlab.pdfgen import canvas

    path = tmp_path / "last_page.pdf"
    c = canvas.Canvas(str(path), pagesize=(W, H))
    for page in (1, 2, 3):
        right = wrap(sentences(f"P{page}B", 8), COL_W)
        draw_lines(c, LEFT_X, 700, wrap(sentences(f"P{page}A", 8 if page < 3 else 5), COL_W))
        draw_lines(c, RIGHT_X, 700, right if page < 3 else right[:1])
        c.showPage()
    c.save()
    result = read(path.read_bytes(), "last_page.pdf", opts())
    _, pos, pages = marker_positions(result)
    assert pages["P3B00"] == 3
    assert max(v for k, v in pos.items() if k.startswith("P3A")) < pos["P3B00"]
    assert not any("P3A" in b.text and "P3B" in b.text for b in result.blocks)


def test_three_columns(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "three.pdf"
    c = canvas.Canvas(str(path), pagesize=(W, H))
    width = (W - 2 * 54 - 2 * 18) / 3
    for i, tag in enumerate(("P1A", "P1B", "P1C")):
        draw_lines(c, 54 + i * (width + 18), 720, wrap(sentences(tag, 6), width, size=9), size=9)
    c.save()
    result = read(path.read_bytes(), "three.pdf", opts())
    _, pos, _ = marker_positions(result)
    order = [k for k, _ in sorted(pos.items(), key=lambda kv: kv[1])]
    assert order == sorted(order) and len(order) == 18
    assert all(b.kind == "paragraph" for b in result.blocks)


def test_bullets_numbers_and_headings(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "lists.pdf"
    c = canvas.Canvas(str(path), pagesize=(W, H))
    c.setFont("Helvetica-Bold", 16)
    c.drawString(72, 700, "What participants asked for")
    y = draw_lines(c, 72, 670, ["Three requests came up in every group:"]) - 4
    for item in ["cheaper travel to placements", "evening classes near home", "a named mentor at work"]:
        c.drawString(72, y, "\u2022")
        c.drawString(86, y, item)
        y -= LEADING
    y -= 4
    for n, item in enumerate(["Fund travel passes.", "Open two evening centres."], start=1):
        c.drawString(72, y, f"{n}.")
        c.drawString(86, y, item)
        y -= LEADING
    draw_lines(c, 72, y - 10, ["The steering group will review these in spring."])
    c.save()
    result = read(path.read_bytes(), "lists.pdf", opts())
    got = [(b.kind, b.text) for b in result.blocks]
    assert got == [
        ("heading", "What participants asked for"),
        ("paragraph", "Three requests came up in every group:"),
        ("bullet", "cheaper travel to placements"),
        ("bullet", "evening classes near home"),
        ("bullet", "a named mentor at work"),
        ("bullet", "1. Fund travel passes."),
        ("bullet", "2. Open two evening centres."),
        ("paragraph", "The steering group will review these in spring."),
    ]


def test_paragraphs_by_space_by_indent_and_hanging_indent(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "paragraphs.pdf"
    c = canvas.Canvas(str(path), pagesize=(W, H))
    width = W - 144
    y = draw_lines(c, 72, 700, wrap(sentences("P1A", 4), width))
    y -= 8  # space before the next paragraph
    for tag in ("P1B", "P1C"):  # no space, a first-line indent instead
        lines = wrap(sentences(tag, 3), width - 18)
        c.drawString(90, y, lines[0])
        y = draw_lines(c, 72, y - LEADING, wrap(" ".join(lines[1:]), width))
    y -= 8
    ref = wrap(sentences("P1D", 3), width - 18)  # a reference: hanging indent
    c.drawString(72, y, ref[0])
    draw_lines(c, 90, y - LEADING, ref[1:])
    c.save()
    blocks = read(path.read_bytes(), "paragraphs.pdf", opts()).blocks
    tags = [sorted({m[:3] for m in re.findall(r"P1[A-D]\d\d", b.text.replace("\n", " "))}) for b in blocks]
    assert tags == [["P1A"], ["P1B"], ["P1C"], ["P1D"]]
    assert all(b.kind == "paragraph" and "\n" in b.text for b in blocks)


def test_header_repeated_on_two_pages_only_is_not_a_one_off(tmp_path):
    """A two-page document: the repeated header goes, a first-page heading stays."""
    from reportlab.pdfgen import canvas

    path = tmp_path / "two_pages.pdf"
    c = canvas.Canvas(str(path), pagesize=(W, H))
    for page in (1, 2):
        c.setFont("Helvetica", 9)
        c.drawString(72, H - 40, "Interview 7 transcript (anonymised)")
        c.drawRightString(W - 72, 30, f"Page {page} of 2")
        if page == 1:
            c.setFont("Helvetica", 10)
            c.drawString(72, H - 60, "Recorded in Leeds, March 2025")
        draw_lines(c, 72, H - 100, wrap(sentences(f"P{page}A", 6), W - 144))
        c.showPage()
    c.save()
    result = read(path.read_bytes(), "two_pages.pdf", opts())
    text = "\n".join(b.text for b in result.blocks)
    assert "Interview 7 transcript" not in text
    assert "Page 1 of 2" not in text and "Page 2 of 2" not in text
    assert "Recorded in Leeds, March 2025" in text
    assert "Marker P2A05" in text


# --------------------------------------------------------------------------- errors and limits


def test_empty_bytes():
    with pytest.raises(EmptyFileError, match=r"^empty\.pdf: "):
        read(b"", "empty.pdf", opts())


def test_not_a_pdf():
    with pytest.raises(CorruptFileError, match=r"^notes\.pdf: not a PDF"):
        read(b"Just some notes typed into a file called .pdf\n" * 20, "notes.pdf", opts())


def test_damaged_pdf_recovered_by_fallback(tmp_path):
    """pdfium refuses a PDF with 2 KB of junk before the header; pdfminer still reads it."""
    from reportlab.pdfgen import canvas

    path = tmp_path / "plain.pdf"
    c = canvas.Canvas(str(path), pagesize=(W, H))
    draw_lines(c, 72, 700, wrap(sentences("P1A", 3), W - 144))
    c.save()
    data = b"%" + b"x" * 2047 + b"\n" + path.read_bytes()
    result = read(data, "junk_prefix.pdf", opts())
    text = "\n".join(b.text for b in result.blocks)
    assert "Marker P1A00" in text and "Marker P1A02" in text
    assert any("damaged" in w for w in result.warnings)


def test_truncated_pdf_is_a_clear_error_or_partial_text(tmp_path):
    data = two_column_pdf(tmp_path / "t.pdf").read_bytes()
    for cut in (len(data) // 3, len(data) // 2, len(data) - 200):
        try:
            result = read(data[:cut], "cut.pdf", opts())
        except CorruptFileError as exc:
            assert str(exc).startswith("cut.pdf: ") and "\n" not in str(exc)
        else:
            assert result.blocks


def test_time_limit(tmp_path):
    data = two_column_pdf(tmp_path / "t.pdf").read_bytes()
    with pytest.raises(TimeLimitError) as info:
        read(data, "slow.pdf", opts(time_limit=1e-6))
    msg = str(info.value)
    assert msg.startswith("slow.pdf: extraction took longer than 1e-06s")
    assert re.search(r"\(stopped at page \d of 4\)$", msg)


def test_no_text_and_no_images(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "shapes.pdf"
    c = canvas.Canvas(str(path), pagesize=(W, H))
    c.rect(100, 100, 200, 300)
    c.save()
    with pytest.raises(NoTextError, match=r"^shapes\.pdf: "):
        read(path.read_bytes(), "shapes.pdf", opts())


def _image(tmp_path: Path) -> Path:
    from PIL import Image

    img = tmp_path / "scan.png"
    Image.new("L", (60, 80), 200).save(img)
    return img


def test_image_only_pdf_needs_ocr(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path), pagesize=(W, H))
    for _ in range(2):
        c.drawImage(str(_image(tmp_path)), 50, 50, width=500, height=700)
        c.showPage()
    c.save()
    with pytest.raises(NeedsOcrError, match=r"^scan\.pdf: no text layer; needs OCR"):
        read(path.read_bytes(), "scan.pdf", opts())


def test_scanned_pages_in_a_text_pdf_are_named_in_a_warning(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "mixed.pdf"
    c = canvas.Canvas(str(path), pagesize=(W, H))
    for page in range(1, 8):
        if page in (4, 7):
            c.drawImage(str(_image(tmp_path)), 50, 50, width=500, height=700)
        else:
            draw_lines(c, 72, 700, wrap(sentences(f"P{page}A", 3), W - 144))
        c.showPage()
    c.save()
    result = read(path.read_bytes(), "mixed.pdf", opts())
    assert result.warnings == ["pages 4, 7 have no text layer (scanned?)"]
    assert {b.page for b in result.blocks} == {1, 2, 3, 5, 6}
    assert result.metadata["pages"] == 7


def test_pdfium_handles_are_closed(tmp_path, monkeypatch):
    import pypdfium2 as pdfium
    from pypdfium2 import raw

    counts = {"page": 0, "text": 0, "doc": 0}

    def counting(fn, key, delta):
        def wrapper(*args):
            result = fn(*args)
            if delta < 0 or result:
                counts[key] += delta
            return result
        return wrapper

    monkeypatch.setattr(raw, "FPDF_LoadPage", counting(raw.FPDF_LoadPage, "page", 1))
    monkeypatch.setattr(raw, "FPDF_ClosePage", counting(raw.FPDF_ClosePage, "page", -1))
    monkeypatch.setattr(raw, "FPDFText_LoadPage", counting(raw.FPDFText_LoadPage, "text", 1))
    monkeypatch.setattr(raw, "FPDFText_ClosePage", counting(raw.FPDFText_ClosePage, "text", -1))
    opened = []
    real_init, real_close = pdfium.PdfDocument.__init__, pdfium.PdfDocument.close

    def init(self, *a, **kw):
        real_init(self, *a, **kw)
        opened.append(self)
        counts["doc"] += 1

    def close(self):
        if self in opened:
            opened.remove(self)
            counts["doc"] -= 1
        return real_close(self)

    monkeypatch.setattr(pdfium.PdfDocument, "__init__", init)
    monkeypatch.setattr(pdfium.PdfDocument, "close", close)
    data = two_column_pdf(tmp_path / "t.pdf").read_bytes()
    read(data, "ok.pdf", opts())
    assert counts == {"page": 0, "text": 0, "doc": 0}
    with pytest.raises(TimeLimitError):
        read(data, "slow.pdf", opts(time_limit=1e-6))
    assert counts == {"page": 0, "text": 0, "doc": 0}
    assert not opened


@pytest.mark.parametrize(
    "title, expected",
    [
        ("Regional skills interviews", "Regional skills interviews"),
        ("  Work/life balance in  care homes ", "Work/life balance in care homes"),
        ("", None),
        ("Untitled", None),
        ("untitled document", None),
        ("Microsoft Word - interview_07.docx", None),
        ("Microsoft Word - Final report", None),
        ("report_v3.pdf", None),
        ("C:\\Users\\ana\\Desktop\\draft", None),
        ("1234", None),
    ],
)
def test_clean_title(title, expected):
    assert _clean_title(title) == expected


def test_mutated_pdfs_fail_cleanly(tmp_path):
    """Flipped bytes anywhere in a PDF: text, or a WorkbenchError naming the file, nothing else."""
    import random

    from reportlab.pdfgen import canvas

    path = tmp_path / "small.pdf"
    c = canvas.Canvas(str(path), pagesize=(W, H), pageCompression=0)
    for page in range(2):
        draw_lines(c, 72, 700, wrap(sentences(f"P{page}A", 4), W - 144))
        c.showPage()
    c.save()
    data = path.read_bytes()
    rng = random.Random(7)
    for _ in range(40):
        mutated = bytearray(data)
        for _ in range(rng.randint(1, 30)):
            mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        try:
            result = read(bytes(mutated), "m.pdf", opts(time_limit=10))
        except WorkbenchError as exc:
            assert str(exc).startswith("m.pdf: ") and "\n" not in str(exc)
        else:
            assert isinstance(result, ReadResult)


# --------------------------------------------------------------------------- shared fixtures


def test_fixture_empty():
    with pytest.raises(EmptyFileError, match=r"^empty\.pdf: "):
        read(fixture("empty.pdf"), "empty.pdf", opts())


def test_fixture_password():
    data = fixture("password_user-test.pdf")
    with pytest.raises(EncryptedFileError, match=r"^password_user-test\.pdf: encrypted PDF, a password is needed$"):
        read(data, "password_user-test.pdf", opts())
    with pytest.raises(EncryptedFileError, match=r"^password_user-test\.pdf: encrypted PDF, the password is wrong$"):
        read(data, "password_user-test.pdf", opts(password="wrong"))
    result = read(data, "password_user-test.pdf", opts(password="test"))
    assert result.metadata["pages"] == 4
    assert result.blocks[0].kind == "heading" and result.blocks[0].text.startswith("Backup4all")
    text = "\n".join(b.text for b in result.blocks)
    assert "network registration key" in text
    # the novaPDF footer repeated on every page is dropped
    assert "novaPDF" not in text
    bullets = [b.text for b in result.blocks if b.kind == "bullet"]
    assert "Professional Services" in bullets and "Zip compression" in bullets
    # the creator field is a file name, not a title
    assert result.title is None


def test_fixture_word365_structure():
    result = read(fixture("word365_structure.pdf"), "word365_structure.pdf", opts())
    got = [(b.kind, b.text) for b in result.blocks]
    assert got == [
        ("heading", "Titre"),
        ("paragraph", "Lorem ipsum dolor"),
        ("bullet", "Liste"),
        ("bullet", "Liste 2"),
        ("bullet", "Liste 3"),
        ("paragraph", "Lorem ipsum dolor sit amet"),
        ("bullet", "1. Liste numérotée"),
        ("bullet", "2. Liste numérotée"),
        ("table_row", "En-tête 1 | En-tête 2 | En-tête 3"),
        ("table_row", "Ligne 1 | Alouette | Farfadet"),
        ("table_row", "Linge 2 | Belette | Bibitte"),
    ]
    assert all(b.page == 1 for b in result.blocks)
    assert result.metadata["pages"] == 1 and result.metadata["author"] == "David Huggins-Daines"


def test_fixture_zen_of_python_corrupted():
    data = fixture("zen_of_python_corrupted.pdf")
    start = time.monotonic()
    result = read(data, "zen_of_python_corrupted.pdf", opts(time_limit=10))
    assert time.monotonic() - start < 5
    lines = [line for b in result.blocks for line in b.text.split("\n")]
    assert lines.index("Beautiful is better than ugly.") < lines.index("Readability counts.")
    assert "Namespaces are one honking great idea −− let’s do more of those!" in lines
    assert result.title is None  # the metadata title is the file name zen_of_python.txt


def test_fixture_malformed_932():
    data = fixture("malformed-from-issue-932.pdf")
    start = time.monotonic()
    try:
        result = read(data, "malformed-from-issue-932.pdf", opts(time_limit=10))
    except CorruptFileError as exc:
        assert str(exc).startswith("malformed-from-issue-932.pdf: ")
    else:
        assert "2021" in "\n".join(b.text for b in result.blocks)
    assert time.monotonic() - start < 5


def test_fixture_scanned_jbig2():
    with pytest.raises(NeedsOcrError, match=r"^scanned_jbig2\.pdf: no text layer; needs OCR"):
        read(fixture("scanned_jbig2.pdf"), "scanned_jbig2.pdf", opts())


def test_form_fields_and_annotations(tmp_path):
    """Filled-in form fields become text; PDF comments become memos, not text."""
    from reportlab.pdfgen import canvas

    path = tmp_path / "consent.pdf"
    c = canvas.Canvas(str(path), pagesize=(W, H))
    c.setFont("Helvetica", 11)
    c.drawString(72, 720, "Participants valued the evening classes most of all.")
    c.drawString(72, 690, "Comments from the participant:")
    c.acroForm.textfield(name="comments", value="Happy to be quoted anonymously.", x=72, y=655, width=300, height=20)
    c.textAnnotation("Check this claim against the survey.", Rect=(40, 715, 60, 735), T="(Dana)")
    c.highlightAnnotation("Key finding", Rect=(72, 716, 300, 732), T="(Sam)", M="(D:20250312101500+01'00')")
    c.save()
    result = read(path.read_bytes(), "consent.pdf", opts())
    text = "\n".join(b.text for b in result.blocks)
    assert "Happy to be quoted anonymously." in text
    assert text.index("Comments from the participant:") < text.index("Happy to be quoted")
    assert "Check this claim" not in text and "Key finding" not in text
    memos = {m.text: m for m in result.memos}
    assert set(memos) == {"Check this claim against the survey.", "Key finding"}
    assert memos["Check this claim against the survey."].author == "Dana"
    assert memos["Key finding"].author == "Sam"
    assert memos["Key finding"].created == "2025-03-12T10:15:00+01:00"
    assert memos["Key finding"].anchor_text.startswith("Participants valued the evening")


def test_paragraph_cut_by_a_page_break_is_joined():
    from workbench.ingest._base import Block
    from workbench.ingest.readers.pdf import join_continued_paragraphs

    blocks = [Block("The base includes advanced", page=1), Block("materials and coatings.", page=2),
              Block("A new paragraph.", page=2), Block("Ends here.", page=2), Block("lower but after a stop", page=2)]
    joined = join_continued_paragraphs(blocks)
    assert [(b.text, b.page) for b in joined] == [
        ("The base includes advanced\nmaterials and coatings.", 1), ("A new paragraph.", 2),
        ("Ends here.", 2), ("lower but after a stop", 2)]

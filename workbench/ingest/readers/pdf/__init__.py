"""PDF reader: pdfium text with layout analysis; pdfminer (via pdfplumber) for damaged files.

``read(data, name, options)`` returns the text of a PDF as blocks in reading
order: columns are read left to right, running headers, footers and page
numbers are dropped, lines are grouped into paragraphs, headings (larger type),
bullets and table rows (see ``workbench.ingest.readers.pdf.layout``). Lines inside a
block keep the PDF's line breaks; the ingest pipeline joins them.

Errors name the file: ``EmptyFileError`` (0 bytes), ``EncryptedFileError`` (no
or wrong password), ``NeedsOcrError`` (only scanned images), ``NoTextError``,
``CorruptFileError`` (neither pdfium nor pdfminer can read it) and
``TimeLimitError`` (``options.time_limit`` seconds, checked between pages).
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import re
import threading
import time

from workbench.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedFileError,
    NeedsOcrError,
    NoTextError,
    TimeLimitError,
    WorkbenchError,
)
from workbench.ingest._base import Block, Memo, ReadOptions, ReadResult

_NOT_A_TITLE = {
    "untitled", "untitled document", "title", "document", "doc", "none", "null", "unknown",
    "microsoft word", "slide 1", "page 1", "pdf", "word document", "print",
}
_FILE_NAME = re.compile(
    r"\.(?:docx?|dotx?|pdf|txt|rtf|odt|ods|odp|pptx?|xlsx?|csv|tex|dvi|ps|eps|indd|pages|key|html?|md|wpd|qxd|"
    r"jpe?g|png|tiff?|gif|bmp)$",
    re.IGNORECASE,
)
# pdfium is not thread-safe: one document at a time per process
_PDFIUM_LOCK = threading.Lock()
_APP_PREFIX = re.compile(r"^(?:microsoft\s+\w+(?:\s+\w+)?|word|excel|powerpoint)\s+-\s+", re.IGNORECASE)


def read(data: bytes, name: str, options: ReadOptions) -> ReadResult:
    """Read one PDF file's bytes; ``name`` starts every error message."""
    if not data:
        raise EmptyFileError(f"{name}: empty file (0 bytes)")
    if b"%PDF" not in data[:65536]:
        raise CorruptFileError(f"{name}: not a PDF file (no %PDF header)")
    with _PDFIUM_LOCK:
        limit = options.time_limit
        deadline = float("inf") if limit is None else time.monotonic() + limit
        return _read_pdfium(data, name, options, deadline)


def _check_time(name: str, options: ReadOptions, deadline: float, page: int, pages: int) -> None:
    if time.monotonic() > deadline:
        raise TimeLimitError(
            f"{name}: extraction took longer than {options.time_limit:g}s (stopped at page {page} of {pages})"
        )


def _pages_phrase(numbers: list[int], what: str) -> str:
    shown = ", ".join(str(n) for n in numbers[:20]) + (", ..." if len(numbers) > 20 else "")
    if len(numbers) == 1:
        return f"page {shown} has {what}"
    return f"pages {shown} have {what}"


def _read_pdfium(data: bytes, name: str, options: ReadOptions, deadline: float) -> ReadResult:
    import pypdfium2 as pdfium
    from pypdfium2 import raw

    from workbench.ingest.readers.pdf.lines import page_fragments

    try:
        doc = pdfium.PdfDocument(data, password=options.password or None)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == raw.FPDF_ERR_PASSWORD:
            if options.password:
                raise EncryptedFileError(f"{name}: encrypted PDF, the password is wrong") from None
            raise EncryptedFileError(f"{name}: encrypted PDF, a password is needed") from None
        if code == raw.FPDF_ERR_SECURITY:
            raise EncryptedFileError(f"{name}: encrypted PDF with an unsupported security handler") from None
        return _read_fallback(data, name, options, deadline, "pdfium could not open it")
    except Exception:  # noqa: BLE001 - any library failure means: try the lenient parser
        return _read_fallback(data, name, options, deadline, "pdfium could not open it")

    pages = []
    memos: list[Memo] = []
    image_pages: list[int] = []
    failed_pages: list[int] = []
    try:
        n_pages = len(doc)
        if n_pages <= 0:
            return _read_fallback(data, name, options, deadline, "pdfium found no pages")
        # filled-in form fields are not page text until flattened into the page
        has_form = raw.FPDF_GetFormType(doc.raw) != raw.FORMTYPE_NONE
        for i in range(n_pages):
            _check_time(name, options, deadline, i + 1, n_pages)
            page = raw.FPDF_LoadPage(doc.raw, i)
            if not page:
                failed_pages.append(i + 1)
                continue
            try:
                textpage = raw.FPDFText_LoadPage(page)
                if not textpage:
                    failed_pages.append(i + 1)
                    continue
                if raw.FPDFPage_GetAnnotCount(page) > 0:
                    memos.extend(_annotation_memos(raw, page, textpage))
                    if has_form:
                        raw.FPDFText_ClosePage(textpage)
                        textpage = None
                        if raw.FPDFPage_Flatten(page, raw.FLAT_NORMALDISPLAY) == raw.FLATTEN_SUCCESS:
                            raw.FPDF_ClosePage(page)
                            page = raw.FPDF_LoadPage(doc.raw, i)
                        textpage = raw.FPDFText_LoadPage(page) if page else None
                        if not textpage:
                            failed_pages.append(i + 1)
                            continue
                try:
                    pt = page_fragments(raw, textpage, page, i + 1)
                finally:
                    raw.FPDFText_ClosePage(textpage)
                if not pt.frags and _has_images(raw, page):
                    image_pages.append(i + 1)
                pages.append(pt)
            finally:
                if page:
                    raw.FPDF_ClosePage(page)
        meta = _metadata(doc)
    except WorkbenchError:
        raise
    except Exception as exc:  # noqa: BLE001 - a pdfium failure on a damaged file
        raise CorruptFileError(f"{name}: damaged PDF, pdfium failed ({_short(exc)})") from None
    finally:
        doc.close()

    if not any(p.frags for p in pages):
        if image_pages:
            raise NeedsOcrError(f"{name}: no text layer; needs OCR ({n_pages} page{'s' if n_pages != 1 else ''} of images)")
        try:
            return _read_fallback(data, name, options, deadline, "pdfium found no text")
        except CorruptFileError:
            raise NoTextError(f"{name}: the PDF holds no text") from None

    warnings = []
    if image_pages:
        warnings.append(_pages_phrase(image_pages, "no text layer (scanned?)"))
    if failed_pages:
        warnings.append(_pages_phrase(failed_pages, "content that could not be read"))
    blocks = _layout(pages, name)
    meta["pages"] = n_pages
    return ReadResult(blocks=blocks, title=_clean_title(meta.pop("title", None)), warnings=warnings,
                      memos=memos, metadata=meta)


def _layout(pages, name: str) -> list[Block]:
    from workbench.ingest.readers.pdf.blocks import body_size, build_blocks, line_pitch
    from workbench.ingest.readers.pdf.columns import order_pages
    from workbench.ingest.readers.pdf.running import mark_running_lines

    mark_running_lines(pages)
    body = body_size(pages)
    order_pages(pages, body)
    pitch = line_pitch(pages, body)
    blocks: list[Block] = []
    for p in pages:
        blocks.extend(build_blocks(p, body, pitch))
    if not blocks:
        raise NoTextError(f"{name}: the PDF holds no text besides page headers, footers and numbers")
    return join_continued_paragraphs(blocks)


def join_continued_paragraphs(blocks: list[Block]) -> list[Block]:
    """Join a paragraph cut by a column or page break: it ends mid-sentence and the next starts lower-case."""
    out: list[Block] = []
    for block in blocks:
        prev = out[-1] if out else None
        if (prev is not None and prev.kind == block.kind == "paragraph"
                and prev.text.rstrip()[-1:] not in ".!?:;\"”’)]" and block.text[:1].islower()):
            prev.text = prev.text.rstrip() + "\n" + block.text
        else:
            out.append(block)
    return out


def _has_images(raw, page) -> bool:
    """Whether a page (or a form XObject on it, two levels deep) draws an image."""

    def scan(count, get, depth: int) -> bool:
        for j in range(min(count, 5000)):
            obj = get(j)
            if not obj:
                continue
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_IMAGE:
                return True
            if (kind == raw.FPDF_PAGEOBJ_FORM and depth < 3
                    and scan(raw.FPDFFormObj_CountObjects(obj), lambda k, o=obj: raw.FPDFFormObj_GetObject(o, k),
                             depth + 1)):
                return True
        return False

    return scan(raw.FPDFPage_CountObjects(page), lambda k: raw.FPDFPage_GetObject(page, k), 0)


_NOT_NOTES = (2, 16, 20)  # link, popup (repeats its parent's note), form widget
_MARKUP = (9, 10, 11, 12)  # highlight, underline, squiggly, strike-out: they mark the text below them


_PDF_DATE = re.compile(r"^D:(\d{4})(\d\d)?(\d\d)?(\d\d)?(\d\d)?(\d\d)?(Z|[+-]\d\d'?\d\d'?)?")


def _iso_date(value: str) -> str:
    """A PDF date (D:20230721162225-07'00') as ISO 8601; other text unchanged."""
    m = _PDF_DATE.match(value)
    if not m:
        return value
    y, mo, d, h, mi, sec, tz = m.groups()
    out = f"{y}-{mo or '01'}-{d or '01'}"
    if h:
        out += f"T{h}:{mi or '00'}:{sec or '00'}"
        if tz:
            out += "Z" if tz == "Z" else f"{tz[:3]}:{tz.replace(chr(39), '')[3:5]}"
    return out


def _annot_string(raw, annot, key: str) -> str:
    size = raw.FPDFAnnot_GetStringValue(annot, key.encode(), None, 0)
    if size <= 2:
        return ""
    buf = (ctypes.c_ushort * (size // 2))()
    raw.FPDFAnnot_GetStringValue(annot, key.encode(), buf, size)
    text = bytes(memoryview(buf)[: size // 2 - 1]).decode("utf-16-le", "replace")
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _annotation_memos(raw, page, textpage) -> list[Memo]:
    """Notes and highlights with a comment, as memos; for highlights, anchor_text is the text below."""
    memos = []
    for k in range(min(raw.FPDFPage_GetAnnotCount(page), 5000)):
        annot = raw.FPDFPage_GetAnnot(page, k)
        if not annot:
            continue
        try:
            subtype = raw.FPDFAnnot_GetSubtype(annot)
            if subtype in _NOT_NOTES:
                continue
            text = _annot_string(raw, annot, "Contents")
            if not text:
                continue
            anchor = None
            box = raw.FS_RECTF()
            if subtype in _MARKUP and raw.FPDFAnnot_GetRect(annot, ctypes.byref(box)):
                args = (textpage, box.left, box.top, box.right, box.bottom)
                n = raw.FPDFText_GetBoundedText(*args, None, 0)
                if n > 0:
                    buf = (ctypes.c_ushort * (n + 1))()
                    got = raw.FPDFText_GetBoundedText(*args, buf, n)
                    anchor = " ".join(bytes(memoryview(buf)[:got]).decode("utf-16-le", "replace").split()) or None
            memos.append(Memo(text=text, author=_annot_string(raw, annot, "T") or None,
                              created=_iso_date(_annot_string(raw, annot, "CreationDate")
                                                or _annot_string(raw, annot, "M")) or None,
                              anchor_text=anchor))
        finally:
            raw.FPDFPage_CloseAnnot(annot)
    return memos


def _metadata(doc) -> dict:
    meta: dict = {}
    try:
        info = doc.get_metadata_dict(skip_empty=True)
    except Exception:  # noqa: BLE001 - metadata is optional
        return meta
    for key, out in (("Title", "title"), ("Author", "author"), ("Subject", "subject"),
                     ("Creator", "creator"), ("Producer", "producer"), ("CreationDate", "created")):
        value = (info.get(key) or "").strip().strip("\x00")
        if value:
            meta[out] = _iso_date(value) if out == "created" else value
    return meta


def _clean_title(title: str | None) -> str | None:
    """The metadata title when it is a real title (not empty, 'untitled' or a file name)."""
    if not title:
        return None
    t = " ".join(title.split())
    if len(t) < 2 or t.lower() in _NOT_A_TITLE or t.lower().startswith("untitled"):
        return None
    if _APP_PREFIX.match(t) or _FILE_NAME.search(t):
        return None
    if t.startswith(("/", "\\", "file:")) or re.match(r"^[A-Za-z]:[\\/]", t) or "\\" in t:
        return None
    if not any(ch.isalpha() for ch in t):
        return None
    return t


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:160]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# --------------------------------------------------------------------------- fallback


def _read_fallback(data: bytes, name: str, options: ReadOptions, deadline: float, why: str) -> ReadResult:
    """Recover what pdfminer (lenient with broken cross-reference tables) can read."""
    import pdfplumber

    from workbench.ingest.readers.pdf.layout import Frag, PageText

    try:
        pdf = pdfplumber.open(io.BytesIO(data), password=options.password or "")
    except WorkbenchError:
        raise
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many types on damaged input
        if "password" in type(exc).__name__.lower():
            raise EncryptedFileError(f"{name}: encrypted PDF, "
                                     f"{'the password is wrong' if options.password else 'a password is needed'}") from None
        raise CorruptFileError(f"{name}: damaged or not a PDF, no text could be recovered ({why}; {_short(exc)})") from None

    pages = []
    failed: list[int] = []
    try:
        try:
            plumber_pages = pdf.pages
        except Exception as exc:  # noqa: BLE001
            raise CorruptFileError(f"{name}: damaged PDF, no pages could be read ({why}; {_short(exc)})") from None
        n_pages = len(plumber_pages)
        for i, page in enumerate(plumber_pages):
            _check_time(name, options, deadline, i + 1, n_pages)
            try:
                words = page.extract_words(extra_attrs=["size"], keep_blank_chars=False)
                height = float(page.height)
                width = float(page.width)
            except Exception:  # noqa: BLE001 - a damaged page; keep the others
                failed.append(i + 1)
                continue
            frags = []
            line_id = 0
            cur = None
            for w in words:
                size = float(w.get("size") or (w["bottom"] - w["top"]) or 10.0)
                y0, y1 = height - float(w["bottom"]), height - float(w["top"])
                if cur is not None and abs(cur.y1 - y1) <= 0.3 * size and 0 <= w["x0"] - cur.x1 <= 1.0 * size:
                    cur.text += " " + w["text"]
                    cur.x1, cur.y0, cur.y1 = float(w["x1"]), min(cur.y0, y0), max(cur.y1, y1)
                    continue
                if cur is None or abs(cur.y1 - y1) > 0.3 * size or w["x0"] < cur.x1:
                    line_id += 1
                cur = Frag(w["text"], float(w["x0"]), y0, float(w["x1"]), y1, size, line_id)
                frags.append(cur)
            pages.append(PageText(i + 1, width, height, frags))
    except WorkbenchError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise CorruptFileError(f"{name}: damaged PDF, no text could be recovered ({why}; {_short(exc)})") from None
    finally:
        with contextlib.suppress(Exception):
            pdf.close()

    if not any(p.frags for p in pages):
        raise CorruptFileError(f"{name}: damaged or not a PDF, no text could be recovered ({why})")
    blocks = _layout(pages, name)
    warnings = [f"the PDF is damaged ({why}); text recovered with a lenient parser, layout may be less exact"]
    if failed:
        warnings.append(_pages_phrase(failed, "content that could not be read"))
    return ReadResult(blocks=blocks, warnings=warnings, metadata={"pages": len(pages) + len(failed)},
                      doc_type="pdf")

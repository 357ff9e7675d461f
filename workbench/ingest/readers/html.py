"""HTML reader: visible text as blocks; scripts, styles and other non-text dropped.

Nothing in the page is executed or fetched: lxml's HTML parser builds a tree
(no network, comments and processing instructions removed) and only text nodes
are read, so markup written as escaped text (``&lt;script&gt;``) stays literal text.
"""

from __future__ import annotations

import codecs
import re

from workbench.errors import CorruptFileError, EmptyFileError, WorkbenchError
from workbench.ingest._base import Block, ReadOptions, ReadResult
from workbench.ingest.encoding import bom_codec, decode_text
from workbench.ingest.readers.whitespace import CollapsingText

# elements whose content is never document text
DROP = {"script", "style", "noscript", "template", "svg", "head", "title", "iframe", "object",
        "embed", "canvas", "audio", "video", "map", "datalist", "math"}
# elements that start a new block; everything else is inline
BLOCK = {
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li",
    "listing", "main", "menu", "nav", "ol", "p", "plaintext", "pre", "section", "summary",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "xmp", "colgroup", "col",
}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
PREFORMATTED = {"pre", "listing", "xmp", "plaintext"}

_META_CHARSET = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECL_ENC = re.compile(rb"""^\s*<\?xml\b[^>]*\bencoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml\b[^>]*\?>", re.IGNORECASE)
# labels the HTML standard reads as windows-1252
_AS_CP1252 = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii", "windows-1252", "cp1252"}


def read(data: bytes, name: str, options: ReadOptions) -> ReadResult:
    """Read an HTML file into heading, paragraph, bullet and table_row blocks."""
    if not data:
        raise EmptyFileError(f"{name}: empty file (0 bytes)")
    text, _encoding = decode_html(data, name)
    try:
        return _read_text(text, name)
    except WorkbenchError:
        raise
    except RecursionError as exc:
        raise CorruptFileError(f"{name}: HTML is nested too deeply to read") from exc
    except MemoryError:
        raise
    except Exception as exc:  # lxml parser failures
        detail = " ".join(str(exc).split())
        raise CorruptFileError(f"{name}: HTML could not be parsed ({type(exc).__name__}: {detail})") from exc


def decode_html(data: bytes, name: str) -> tuple[str, str]:
    """Decode with a BOM, else <meta charset> / http-equiv / XML declaration, else decode_text."""
    codec = bom_codec(data)
    if codec:
        return data.decode(codec, errors="replace"), codec
    head = data[:4096]
    match = _META_CHARSET.search(head) or _XML_DECL_ENC.search(head)
    if match:
        label = match.group(1).decode("ascii", "replace").strip().lower()
        if label in _AS_CP1252:
            label = "cp1252"
        elif label.startswith("utf-16") or label.startswith("utf-32"):
            label = "utf-8"  # a byte-compatible page cannot really be UTF-16 (HTML standard)
        try:
            codec = codecs.lookup(label).name
        except LookupError:
            codec = None
        if codec:
            return data.decode(codec, errors="replace"), codec
    return decode_text(data, name)


def _read_text(text: str, name: str) -> ReadResult:
    import lxml.html
    from lxml import etree

    text = _XML_DECL.sub("", text, count=1).replace("\x00", "")
    if not text.strip():
        return ReadResult(blocks=[])
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except etree.ParserError:  # "Document is empty": nothing but whitespace or comments
        return ReadResult(blocks=[])
    title = None
    title_el = root.find(".//title")
    if title_el is not None:
        title = " ".join(title_el.text_content().split()) or None
    walker = _Walker()
    walker.container(root, "paragraph")
    return ReadResult(blocks=walker.blocks, title=title)


def clean_text(text: str) -> str:
    """Trailing spaces off each line, no blank lines, no outer whitespace."""
    lines = [line.rstrip() for line in text.replace("\r", "\n").split("\n")]
    return "\n".join(line for line in lines if line.strip()).strip()


class _Inline(CollapsingText):
    """Inline text with HTML whitespace collapsing; <br> and <pre> text are literal."""

    def literal(self, text: str) -> None:
        if text:
            self.parts.append(text)
            self.after_space = text.endswith(("\n", " "))

    def take(self) -> str:
        text = "".join(self.parts)
        self.parts = []
        self.after_space = True
        # spaces around a line break are not text
        return clean_text(re.sub(r" *\n *", "\n", text))


class _Walker:
    def __init__(self):
        self.blocks: list[Block] = []

    def add(self, text: str, kind: str, level: int | None = None) -> None:
        if text:
            self.blocks.append(Block(text, kind=kind, level=level if kind == "heading" else None))

    def container(self, el, kind: str, level: int | None = None) -> None:
        """Blocks of an element whose direct text has block kind `kind` (a heading's level from h1-h6)."""
        buf = _Inline()
        buf.raw(el.text)
        for child in el:
            tag = _tag(child)
            if tag is None or tag in DROP:
                pass
            elif tag in BLOCK:
                self.add(buf.take(), kind, level)
                self.block(child, tag, kind)
            else:
                self.inline(child, tag, buf)
            buf.raw(child.tail)
        self.add(buf.take(), kind, level)

    def block(self, el, tag: str, parent_kind: str) -> None:
        if tag in HEADINGS:
            self.container(el, "heading", int(tag[1]))
        elif tag == "li":
            self.container(el, "footnote" if _is_footnote(el) else "bullet")
        elif tag == "tr":
            self.row(el)
        elif tag in PREFORMATTED:
            buf = _Inline()
            self.preformatted(el, buf)
            self.add(clean_text("".join(buf.parts)), "bullet" if parent_kind == "bullet" else "paragraph")
        elif tag in ("hr", "col", "colgroup"):
            pass
        elif tag in ("td", "th"):  # a cell outside any row: a row of its own
            self.row_of([el])
        else:  # a paragraph inside a list item or a footnote keeps that kind
            self.container(el, parent_kind if parent_kind in ("bullet", "footnote") else "paragraph")

    def row(self, tr) -> None:
        cells = [c for c in tr if _tag(c) in ("td", "th")]
        self.row_of(cells)

    def row_of(self, cells) -> None:
        texts = []
        for cell in cells:
            sub = _Walker()
            sub.container(cell, "paragraph")
            texts.append("\n".join(b.text for b in sub.blocks))
        while texts and not texts[-1].strip():
            texts.pop()
        text = clean_text(" | ".join(texts))
        if text:
            self.blocks.append(Block(text, kind="table_row"))

    def inline(self, el, tag: str, buf: _Inline) -> None:
        if tag == "br":
            buf.literal("\n")
            return
        if tag in PREFORMATTED:
            self.preformatted(el, buf)
            return
        buf.raw(el.text)
        for child in el:
            ctag = _tag(child)
            if ctag is not None and ctag not in DROP:
                if ctag in BLOCK:  # a block inside an inline element (e.g. <a><div>): keep its text inline
                    buf.literal("\n")
                    self.inline(child, ctag, buf)
                    buf.literal("\n")
                else:
                    self.inline(child, ctag, buf)
            buf.raw(child.tail)

    def preformatted(self, el, buf: _Inline) -> None:
        buf.literal(el.text or "")
        for child in el:
            ctag = _tag(child)
            if ctag == "br":
                buf.literal("\n")
            elif ctag is not None and ctag not in DROP:
                self.preformatted(child, buf)
            buf.literal(child.tail or "")


def _tag(el) -> str | None:
    tag = el.tag
    if not isinstance(tag, str):
        return None  # comments, processing instructions, entities
    return tag.lower()


_FOOTNOTE_ID = re.compile(r"^(?:fn|footnote|endnote)[:_-]?\w*\d", re.IGNORECASE)


def _is_footnote(li) -> bool:
    """A list item that is a footnote: `<li id="fn:1">`, or an item of a `footnotes` list or section."""
    if _FOOTNOTE_ID.match(li.get("id") or ""):
        return True
    return any("footnote" in (parent.get("class") or "").lower() or "footnote" in (parent.get("role") or "")
               for parent in li.iterancestors())

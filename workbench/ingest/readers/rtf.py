"""RTF reader: striprtf with the document's code page, tables, lists and footnotes kept.

RTF is 7-bit text: other characters are \\'xx escapes in the code page named by
\\ansicpgNNNN (cp1252 when absent) or \\uN escapes. striprtf (0.0.35) reads
\\ansicpg itself, but fonts whose \\fcharset it cannot map fall back to the
``encoding`` argument, so the code page is found here first and passed in.
Before conversion a few control words are rewritten to private-use marker
characters, so that table cells, list items and footnotes survive as structure
instead of being flattened ("|") or dropped (footnotes are RTF destinations).
"""

from __future__ import annotations

import codecs
import re

from workbench.errors import CorruptFileError, EmptyFileError, WorkbenchError
from workbench.ingest._base import Block, ReadOptions, ReadResult, note_mark

CELL = "\ue000"  # end of a table cell
ITEM = "\ue002"  # start of a list item
# RTF text emitting one marker character: \uN with its fallback '?' skipped
_CELL_RTF = "{\\uc1\\u57344\\'3f}"
_ITEM_RTF = "{\\uc1\\u57346\\'3f}"

_CPG = re.compile(rb"\\ansicpg(\d{1,5})")
_CELL_WORD = re.compile(r"(\\\\)|\\(?:nest)?cell(?![a-zA-Z])(?:-?\d+)? ?")
_LISTTEXT = re.compile(r"(\\\\)|\{(\\listtext|\\pntext|\\\*\\pntext)(?![a-zA-Z])")
_FOOTNOTE = re.compile(r"\{\s*(?:\\\*\s*)?\\footnote(?![a-zA-Z])")
_FCHARSET = re.compile(r"\\fcharset(\d+)")
_TITLE = re.compile(r"\{\\title(?![a-zA-Z]) ?")
_BULLET_LINE = re.compile(r"^\s*[\u2022\u00b7\u25aa\u25e6\u25cf\uf0b7\uf0a7\u00a7o\-*]\s*\t\s*")
_SPECIAL_CODEPAGES = {"10000": "mac_roman", "65001": "utf-8", "1200": "utf-16-le"}


def read(data: bytes, name: str, options: ReadOptions) -> ReadResult:
    """Read an RTF file into paragraph, bullet, table_row and footnote blocks."""
    if not data:
        raise EmptyFileError(f"{name}: empty file (0 bytes)")
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n\x00")
    if not head.startswith(b"{\\rtf"):
        raise CorruptFileError(f"{name}: not an RTF file (it does not start with {{\\rtf)")
    try:
        return _read(head, name)
    except WorkbenchError:
        raise
    except MemoryError:
        raise
    except Exception as exc:  # striprtf or codec failures on a damaged file
        detail = " ".join(str(exc).split())
        raise CorruptFileError(f"{name}: damaged RTF file ({type(exc).__name__}: {detail})") from exc


def code_page(data: bytes) -> str:
    """The Python codec for an RTF document's ANSI code page."""
    match = _CPG.search(data[:65536])
    if match:
        number = match.group(1).decode()
        codec = _SPECIAL_CODEPAGES.get(number, f"cp{number}")
        try:
            codecs.lookup(codec)
            return codec
        except LookupError:
            pass
    header = data[:200]
    if re.search(rb"\\mac(?![a-z])", header):
        return "mac_roman"
    if re.search(rb"\\pca(?![a-z])", header):
        return "cp850"
    if re.search(rb"\\pc(?![a-z])", header):
        return "cp437"
    return "cp1252"


def _read(data: bytes, name: str) -> ReadResult:
    from striprtf import striprtf

    encoding = code_page(data)
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:  # raw 8-bit characters are in the document code page
        text = data.decode(encoding, errors="replace")
    text = _fix_font_charsets(text, striprtf.charset_map)
    fonttbl = striprtf.font_table_group(text)
    text, notes = _extract_footnotes(text, fonttbl, encoding)
    title = _title(text, fonttbl, encoding)
    text = _CELL_WORD.sub(lambda m: m.group(1) or _CELL_RTF, text)
    text = _LISTTEXT.sub(lambda m: m.group(1) or _ITEM_RTF + "{\\*" + m.group(2).replace("\\*", ""), text)
    plain = _to_text(text, encoding)

    blocks: list[Block] = []
    for line in plain.split("\n"):
        block = _line_block(line)
        if block is not None:
            blocks.append(block)
    for kind, label, note_text in notes:
        body = _clean(" ".join(_clean(part) for part in note_text.split("\n") if _clean(part)))
        if body:
            blocks.append(Block(f"[{kind.capitalize()} {label}] {body}", kind=kind))
    return ReadResult(blocks=blocks, title=title)


def _to_text(rtf: str, encoding: str) -> str:
    from striprtf.striprtf import rtf_to_text

    out = rtf_to_text(rtf, encoding=encoding, errors="replace")
    # \uN escapes of characters outside the BMP arrive as surrogate pairs
    return out.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _clean(text: str) -> str:
    return text.replace("\r", "").strip()


def _line_block(line: str) -> Block | None:
    kind = "paragraph"
    if ITEM in line:
        kind = "bullet"
        line = line.replace(ITEM, "")
    elif _BULLET_LINE.match(line):
        kind = "bullet"
        line = _BULLET_LINE.sub("", line, count=1)
    if CELL in line:
        cells = [_clean(c).replace("\t", " ") for c in line.split(CELL)]
        while cells and not cells[-1]:
            cells.pop()
        text = " | ".join(cells).strip()
        kind = "table_row"
    else:
        text = line.replace("\r", "").rstrip().strip(" ")
    if not text.strip():
        return None
    return Block(text.strip(), kind=kind)


def _fix_font_charsets(text: str, charset_map: dict) -> str:
    """Point fonts whose charset striprtf maps to a codec Python lacks at the document code page."""
    def fix(match: re.Match) -> str:
        codec = charset_map.get(int(match.group(1)))
        if codec is None:
            return match.group(0)
        try:
            codecs.lookup(codec)
            return match.group(0)
        except LookupError:
            return "\\fcharset1"  # DEFAULT_CHARSET: striprtf then uses the document code page

    return _FCHARSET.sub(fix, text)


def _group_end(text: str, start: int) -> int:
    """Index just past the group that opens at text[start] == '{' (or len(text))."""
    depth = 0
    i = start
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return n


def _escaped(text: str, pos: int) -> bool:
    """True when text[pos] is preceded by an odd number of backslashes."""
    count = 0
    while pos - count - 1 >= 0 and text[pos - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def _extract_footnotes(text: str, fonttbl: str, encoding: str):
    """Replace {\\footnote ...} groups by an inline [n] mark; return their text separately."""
    notes: list[tuple[str, str, str]] = []
    pieces: list[str] = []
    pos = 0
    counters = {"footnote": 0, "endnote": 0}
    for match in _FOOTNOTE.finditer(text):
        start = match.start()
        if start < pos or _escaped(text, start):
            continue
        end = _group_end(text, start)
        group = text[start:end]
        kind = "endnote" if re.search(r"\\ftnalt(?![a-zA-Z])", group[:200]) else "footnote"
        counters[kind] += 1
        label = note_mark(kind, counters[kind])
        inner = group[match.end() - start:]
        if inner.endswith("}"):
            inner = inner[:-1]
        note_text = _to_text("{\\rtf1 " + fonttbl + "{" + inner + "}}", encoding)
        notes.append((kind, label, note_text))
        pieces.append(text[pos:start])
        pieces.append(f"[{label}]")
        pos = end
    if not notes:
        return text, notes
    pieces.append(text[pos:])
    return "".join(pieces), notes


def _title(text: str, fonttbl: str, encoding: str) -> str | None:
    match = _TITLE.search(text)
    if not match or _escaped(text, match.start()):
        return None
    end = _group_end(text, match.start())
    inner = text[match.end():end - 1] if text[end - 1:end] == "}" else text[match.end():end]
    title = " ".join(_to_text("{\\rtf1 " + fonttbl + "{" + inner + "}}", encoding).split())
    return title or None


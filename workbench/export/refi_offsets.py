"""Map a REFI selection's positions in another tool's plain text onto the stored, normalised text."""

from __future__ import annotations

import re
import unicodedata

_LINE_BREAK_CHARS = "\r\n\u2028\u2029\x0b\x0c\x85"


def utf16_to_codepoints(text: str, position: int) -> int:
    """A UTF-16 code unit position in text as a code point position."""
    units = 0
    for index, char in enumerate(text):
        if units >= position:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
    return len(text)


def alignment(raw: str, stored: str) -> list[int]:
    """For each position in raw (and its end), the position in stored where it lands.

    stored is raw after normalisation, which mostly deletes characters (CR of CRLF, trailing
    spaces, control characters, extra blank lines); line-break characters count as equal.
    """
    out = [0] * (len(raw) + 1)
    j = 0
    n = len(stored)
    for i, char in enumerate(raw):
        out[i] = j
        if j < n and (char == stored[j] or (char in _LINE_BREAK_CHARS and stored[j] == "\n"
                                            and not (char == "\r" and raw[i + 1:i + 2] == "\n"))):
            j += 1
    out[len(raw)] = j
    return out


def squeeze(text: str) -> str:
    """Text compared loosely: NFC, whitespace runs collapsed, trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def find_snippet(stored: str, snippet: str, near: int) -> tuple[int, int] | None:
    """The occurrence of snippet in stored (whitespace-insensitive) nearest to `near`."""
    words = squeeze(snippet).split(" ")
    if not words or words == [""]:
        return None
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
    best = None
    for match in pattern.finditer(stored):
        distance = abs(match.start() - near)
        if best is None or distance < best[0]:
            best = (distance, match.start(), match.end())
        if match.start() > near and best[0] < distance:
            break
    return (best[1], best[2]) if best else None


def map_selection(raw: str, stored: str, aligned: list[int] | None, start: int, end: int,
                  expected: str | None) -> tuple[tuple[int, int] | None, str]:
    """(start, end) in stored for [start, end) of raw, and how it was found ('' when direct).

    expected: the selected text when the other tool gave it (a selection's name), checked first.
    """
    how = ""
    if expected and squeeze(raw[max(start, 0):max(end, 0)]) != squeeze(expected) and 0 <= start < end:
        cp_start, cp_end = utf16_to_codepoints(raw, start), utf16_to_codepoints(raw, end)
        if cp_start < cp_end and squeeze(raw[cp_start:cp_end]) == squeeze(expected):
            start, end, how = cp_start, cp_end, "UTF-16 positions"
        else:
            near = aligned[min(start, len(raw))] if aligned is not None else start
            found = find_snippet(stored, expected, near)
            if found:
                return found, "found by its text (the positions held other text)"
            how = "kept by position (the selection's name is not its text)"
    if not (0 <= start < end <= len(raw)):
        return _search(stored, expected or "", start, "positions outside the text")
    snippet = raw[start:end]
    if aligned is None:
        new_start, new_end = start, end
    else:
        new_start, new_end = aligned[start], aligned[end]
        how = how or "line endings or spacing normalised"
    while new_start < new_end and stored[new_start].isspace():
        new_start += 1
    while new_end > new_start and stored[new_end - 1].isspace():
        new_end -= 1
    if new_start < new_end and squeeze(stored[new_start:new_end]) == squeeze(snippet):
        return (new_start, new_end), how
    return _search(stored, snippet, new_start, "text moved")


def _search(stored: str, snippet: str, near: int, why: str) -> tuple[tuple[int, int] | None, str]:
    found = find_snippet(stored, snippet, near) if snippet.strip() else None
    return (found, f"found by its text ({why})") if found else (None, f"text not found ({why})")

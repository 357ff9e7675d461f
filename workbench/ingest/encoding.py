"""Decode text files: BOMs, UTF-8, UTF-16 without BOM, cp1252, latin-1."""

from __future__ import annotations

import codecs

from workbench.errors import BinaryFileError, EmptyFileError

_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
# Bytes that cp1252 leaves undefined; text holding them is read as latin-1.
_CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}


def bom_codec(data: bytes) -> str | None:
    """The codec named by a byte-order mark at the start of data, if any."""
    return next((codec for bom, codec in _BOMS if data.startswith(bom)), None)


def _looks_utf16(data: bytes) -> str | None:
    """Guess BOM-less UTF-16 from the position of zero bytes in ASCII-heavy text."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_zero = sample[0::2].count(0) / max(1, len(sample[0::2]))
    odd_zero = sample[1::2].count(0) / max(1, len(sample[1::2]))
    if odd_zero > 0.3 and even_zero < 0.05:
        return "utf-16-le"
    if even_zero > 0.3 and odd_zero < 0.05:
        return "utf-16-be"
    return None


def _is_binary(text: str) -> bool:
    """True when decoded text is mostly control characters (a binary file)."""
    sample = text[:8192]
    if not sample:
        return False
    if "\x00" in sample:
        return True
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    return bad / len(sample) > 0.05


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Return (text, encoding name) for the bytes of a text file.

    Raises EmptyFileError for no bytes and BinaryFileError for binary content.
    """
    if not data:
        raise EmptyFileError(f"{name}: empty file (0 bytes)")
    codec = bom_codec(data)
    if codec:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            raise BinaryFileError(f"{name}: starts with a {codec} byte-order mark but does not decode ({exc.reason})") from exc
        encoding = {"utf-8-sig": "utf-8 (BOM)"}.get(codec, codec + " (BOM)")
    else:
        utf16 = _looks_utf16(data)
        candidates = ([utf16] if utf16 else []) + ["utf-8"]
        text = encoding = None
        for codec in candidates:
            try:
                text, encoding = data.decode(codec), codec
                break
            except UnicodeDecodeError:
                continue
        if text is None:
            if b"\x00" in data[:8192]:
                raise BinaryFileError(f"{name}: binary content, not text")
            codec = "latin-1" if _CP1252_UNDEFINED & set(data) else "cp1252"
            text, encoding = data.decode(codec), codec
    if _is_binary(text):
        raise BinaryFileError(f"{name}: binary content, not text")
    return text, encoding

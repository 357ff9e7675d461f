"""Zip containers (docx, odt, xlsx) opened with checks for traversal and bombs."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from workbench.errors import CorruptFileError, UnsafeFileError, WorkbenchError

MAX_RATIO = 200  # uncompressed/compressed size above which a member is a bomb


def describe(exc: BaseException) -> str:
    """An exception as one line: its type and message."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def open_zip(data: bytes, name: str, max_total: int, max_members: int) -> zipfile.ZipFile:
    """Open zip bytes after checking member names, count and declared sizes."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except MemoryError:
        raise
    except Exception as exc:  # zipfile raises many types for damaged headers and names
        raise CorruptFileError(f"{name}: not a valid zip container ({describe(exc)})") from exc
    if len(infos) > max_members:
        raise UnsafeFileError(f"{name}: archive has {len(infos)} members (limit {max_members})")
    total = 0
    for info in infos:
        member = info.filename
        if member.startswith(("/", "\\")) or ".." in member.replace("\\", "/").split("/") or ":" in member.split("/")[0]:
            raise UnsafeFileError(f"{name}: archive member {member!r} points outside the archive")
        total += info.file_size
        if info.compress_size and info.file_size > 1_000_000 and info.file_size / info.compress_size > MAX_RATIO:
            raise UnsafeFileError(f"{name}: archive member {member!r} expands {info.file_size // info.compress_size}x (zip bomb)")
    if total > max_total:
        raise UnsafeFileError(f"{name}: archive expands to {total} bytes (limit {max_total})")
    return zf


def refuse_dtds(zf: zipfile.ZipFile, name: str) -> None:
    """Refuse a package whose XML parts declare a DTD or entities (never needed in OOXML/ODF; the XXE and
    entity-expansion vector) before a third-party parser that we do not configure sees them."""
    for info in zf.infolist():
        if info.filename.lower().endswith((".xml", ".rels")):
            head = read_member(zf, info.filename, name) or b""
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise UnsafeFileError(f"{name}: part {info.filename!r} declares a DTD or entities, "
                                      "which office files never need")


def read_member(zf: zipfile.ZipFile, member: str, name: str) -> bytes | None:
    """Read one member, or None when it is absent; damage is a CorruptFileError."""
    try:
        return zf.read(member)
    except KeyError:
        return None
    except RuntimeError as exc:  # zipfile's error for encrypted members
        raise CorruptFileError(f"{name}: archive member {member} is encrypted ({exc})") from exc
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError, ValueError) as exc:
        raise CorruptFileError(f"{name}: archive member {member} is damaged ({exc})") from exc


@contextmanager
def open_container(data: bytes, name: str, options, what: str) -> Iterator[zipfile.ZipFile]:
    """open_zip for a reader; any non-workbench failure inside is reported as a damaged `what`."""
    zf = open_zip(data, name, options.max_archive_bytes, options.max_archive_members)
    try:
        yield zf
    except (WorkbenchError, MemoryError):
        raise
    except Exception as exc:  # zipfile, zlib, lxml and XML-structure failures in a damaged file
        raise CorruptFileError(f"{name}: damaged {what} ({describe(exc)})") from exc
    finally:
        zf.close()

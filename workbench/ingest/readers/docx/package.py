"""The .docx package: its parts, their relationships and XML, the core-properties title, leaf text."""

from __future__ import annotations

import posixpath
import zipfile
from urllib.parse import unquote

from workbench.errors import WorkbenchError
from workbench.files.archive import read_member
from workbench.files.safe_xml import parse_xml, split_tag


def own_text(el) -> str:
    """Text of a leaf element; unexpanded entity references contribute nothing."""
    return "".join([el.text or ""] + [child.tail or "" for child in el])


def clean_text(text: str) -> str:
    """Trailing spaces off each line, no blank lines, no outer whitespace."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n").replace("\x0c", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line.strip()).strip()


class DocxPackage:
    """The parts of an open .docx zip, looked up case-insensitively and parsed safely."""

    def __init__(self, zf: zipfile.ZipFile, name: str):
        self.zf = zf
        self.name = name
        self.warnings: list[str] = []
        self.lower_names = {n.lower(): n for n in zf.namelist()}

    def member(self, path: str) -> bytes | None:
        """The bytes of a part, or None when the package has no such part."""
        real = path if path in self.lower_names.values() else self.lower_names.get(path.lower())
        if real is None:
            return None
        return read_member(self.zf, real, self.name)

    def parse(self, path: str):
        """The XML root of a part (None when absent); parser warnings are collected once each."""
        data = self.member(path)
        if data is None:
            return None
        root, warnings = parse_xml(data, self.name, path)
        self.warnings.extend(w for w in warnings if w not in self.warnings)
        return root

    def rels(self, part: str) -> dict[str, str]:
        """Relationship type (last path segment) -> target part path, for one part."""
        rels_path = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
        root = self.parse(rels_path)
        out: dict[str, str] = {}
        if root is None:
            return out
        for rel in root:
            if not isinstance(rel.tag, str) or rel.get("TargetMode", "").lower() == "external":
                continue
            kind = (rel.get("Type") or "").rstrip("/").rsplit("/", 1)[-1]
            target = unquote(rel.get("Target") or "")
            if not kind or not target:
                continue
            if target.startswith("/"):
                path = target.lstrip("/")
            else:
                path = posixpath.normpath(posixpath.join(posixpath.dirname(part), target))
            if path.startswith("..") or path.startswith("/"):
                continue
            out.setdefault(kind, path)
        return out

    def title(self, path: str) -> str | None:
        """The dc:title of the core-properties part, whitespace collapsed, if any."""
        try:
            root = self.parse(path)
        except WorkbenchError:
            self.warnings.append(f"{self.name}: document properties ({path}) could not be read; title skipped")
            return None
        if root is None:
            return None
        for el in root.iter():
            if split_tag(el.tag)[1] == "title" and own_text(el).strip():
                return " ".join(own_text(el).split())
        return None

"""Manifests: a CSV or YAML file that gives each source its title, type and attributes."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import ManifestError, WorkbenchError
from workbench.ingest.encoding import decode_text

_FILE_KEYS = ("file", "path", "filename", "file_name", "source")


@dataclass
class ManifestEntry:
    file: str
    title: str | None = None
    type: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass
class Manifest:
    path: Path
    entries: list[ManifestEntry]
    _by_base: dict[Path, dict[Path, ManifestEntry]] = field(default_factory=dict, repr=False, compare=False)
    _by_name: dict[str, list[ManifestEntry]] | None = field(default=None, repr=False, compare=False)

    def lookup(self, source: Path, root: Path | None = None) -> ManifestEntry | None:
        """The entry for a source file: by path relative to the manifest or root, else by name."""
        source = source.resolve()
        for base in filter(None, (self.path.parent.resolve(), root and root.resolve())):
            found = self._index(base).get(source)
            if found is not None:
                return found
        if self._by_name is None:
            self._by_name = {}
            for entry in self.entries:
                self._by_name.setdefault(Path(entry.file).name, []).append(entry)
        by_name = self._by_name.get(source.name, [])
        return by_name[0] if len(by_name) == 1 else None

    def _index(self, base: Path) -> dict[Path, ManifestEntry]:
        """Resolved path -> entry for entries relative to base, built once per base (the first entry wins)."""
        if base not in self._by_base:
            index: dict[Path, ManifestEntry] = {}
            for entry in self.entries:
                index.setdefault((base / entry.file).resolve(), entry)
            self._by_base[base] = index
        return self._by_base[base]


def _entry(row: dict, where: str) -> ManifestEntry:
    row = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
    key = next((k for k in _FILE_KEYS if k in row and str(row[k] or "").strip()), None)
    if key is None:
        raise ManifestError(f"{where}: no file name (a `file` column is required)")
    file = str(row.pop(key)).strip()
    for other in _FILE_KEYS:
        row.pop(other, None)
    title = str(row.pop("title", "") or "").strip() or None
    doc_type = str(row.pop("type", "") or "").strip() or None
    attributes = {k: v for k, v in row.items() if v is not None and str(v).strip() != ""}
    return ManifestEntry(file, title, doc_type, attributes)


def load_manifest(path: str | Path) -> Manifest:
    """Read a manifest; errors name the file and the row."""
    path = Path(path)
    try:
        text, _ = decode_text(path.read_bytes(), path.name)
    except OSError as exc:
        raise ManifestError(f"cannot read manifest {path}: {exc.strerror}") from exc
    except WorkbenchError as exc:
        raise ManifestError(f"manifest {exc.message}") from exc
    if path.suffix.lower() in (".yaml", ".yml"):
        entries = _yaml_entries(text, path)
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
        entries = [_entry(row, f"{path.name} row {i}") for i, row in enumerate(rows, start=2)]
    from workbench.store.documents import DOCUMENT_TYPES

    for entry in entries:
        if entry.type and entry.type not in DOCUMENT_TYPES:
            raise ManifestError(f"{path.name}: {entry.file}: unknown type {entry.type!r}",
                                hint="types: " + ", ".join(DOCUMENT_TYPES))
    return Manifest(path, entries)


def _yaml_entries(text: str, path: Path) -> list[ManifestEntry]:
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark else ""
        raise ManifestError(f"{path.name}{line}: not valid YAML ({getattr(exc, 'problem', exc)})") from exc
    if isinstance(data, dict) and "documents" in data:
        data = data["documents"]
    if isinstance(data, dict):
        data = [{"file": k, **(v or {})} for k, v in data.items()]
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise ManifestError(f"{path.name}: expected a list of entries, each with a `file` key")
    return [_entry(row, f"{path.name} entry {i}") for i, row in enumerate(data, start=1)]

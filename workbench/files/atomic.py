"""Write a file whole or not at all: into a temporary file beside it, then renamed over it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from workbench.errors import ExportError


def write_file(path, data: bytes) -> None:
    """Write bytes to path via a temporary file in the same folder, so a failure leaves no half file."""
    path = Path(path)
    try:
        handle, tmp = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".", prefix=f".{path.name}.")
        with os.fdopen(handle, "wb") as f:
            f.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except FileNotFoundError as exc:
        raise ExportError(f"cannot write {path}: the folder does not exist", hint="create the folder first") from exc
    except OSError as exc:
        raise ExportError(f"cannot write {path} ({exc.strerror or exc})", hint="check the path and permissions") from exc

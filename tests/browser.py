"""What the real-browser tests share: Debian's chromium through Playwright, a streamlit server they start and end."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests import processes
from tests.conftest import ROOT
from tests.processes import free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = ROOT / "test-artifacts" / "screenshots"


def need_browser() -> None:
    """Skip with the reason when chromium or playwright is missing."""
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed: run scripts/install_chromium.sh")
    pytest.importorskip("playwright")


@contextmanager
def streamlit_server(db: Path, log_dir: Path, coder: str | None = None):
    """`streamlit run streamlit_app.py` on a free localhost port over project `db`; yields its URL; always ended."""
    port = free_port()
    env = dict(os.environ, WORKBENCH_DB=str(db), HF_HUB_OFFLINE="1")
    env.pop("WORKBENCH_PASSWORD_ENV", None)
    env.pop("WORKBENCH_CODER", None)
    if coder:
        env["WORKBENCH_CODER"] = coder
    log_path = log_dir / "streamlit.log"
    url = f"http://127.0.0.1:{port}"
    process = None
    with log_path.open("wb") as log:
        try:
            process = processes.start(
                [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"), "--server.headless", "true",
                 "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            if not processes.wait_for_streamlit(url, process, timeout=60):
                raise RuntimeError("streamlit did not start:\n" + log_path.read_text())
            yield url
        finally:
            if process is not None:
                processes.stop(process, signal.SIGTERM, timeout=10)


def launch(playwright):
    """Debian's chromium, headless (Playwright never downloads a browser here)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def settle(page) -> None:
    """Wait until streamlit has finished running the script."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.includes('Running')",
        timeout=30000)
    page.wait_for_timeout(200)


def open_page(page, name: str) -> None:
    """Follow the sidebar link to a page and wait for it."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True).click()
    page.get_by_role("heading", name=name, exact=True).first.wait_for(timeout=30000)
    settle(page)


def shot(page, name: str, full_page: bool = True) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name.lower()}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def drag(page, spot) -> None:
    """Press the mouse at (x1, y1), move to (x2, y2) in a few steps and release: a selection as a hand makes it."""
    x1, y1, x2, y2 = spot
    page.mouse.move(x1, y1)
    page.mouse.down()
    page.mouse.move((x1 + x2) / 2, (y1 + y2) / 2, steps=3)
    page.mouse.move(x2, y2, steps=3)
    page.mouse.up()

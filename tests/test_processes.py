"""The leak check of tests/conftest.py: a process orphaned by a test's child comes back to pytest, is seen and ended."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tests import processes

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc, uses PR_SET_CHILD_SUBREAPER")

ORPHAN = ("import subprocess, sys; print(subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'], "
          "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).pid, flush=True)")


def test_a_grandchild_left_by_an_exited_child_is_found_and_killed():
    done = subprocess.run([sys.executable, "-c", ORPHAN], capture_output=True, text=True, timeout=60, check=True)
    orphan = int(done.stdout)
    try:
        found = processes.left_behind(grace=0.5)
        assert orphan in [pid for pid, _, _ in found]  # re-parented here, not to init
        processes.kill_left_behind(found)
        assert processes.left_behind(grace=0) == []
        assert not os.path.exists(f"/proc/{orphan}")  # killed and reaped
    finally:
        try:
            os.kill(orphan, signal.SIGKILL)
            os.waitpid(orphan, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def test_stop_ends_a_process_and_what_it_started():
    process = processes.start([sys.executable, "-c", ORPHAN + "; import time; time.sleep(120)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        child = int(process.stdout.readline())
        processes.stop(process, signal.SIGTERM, timeout=10)
        assert process.returncode == -signal.SIGTERM
        assert processes.left_behind(grace=5) == []
        deadline = time.monotonic() + 10  # the killed grandchild is re-parented here and reaped as it dies
        while os.path.exists(f"/proc/{child}") and time.monotonic() < deadline:
            processes.left_behind(grace=0)
            time.sleep(0.1)
        assert not os.path.exists(f"/proc/{child}")
    finally:
        processes.stop(process, signal.SIGKILL)
        process.stdout.close()

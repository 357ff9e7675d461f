"""A small client of OpenAI-compatible chat-completions servers (Ollama, llama.cpp, vLLM, LM Studio).

The answer is constrained to the JSON schema of `workbench.llm.prompt` where the server can: first as OpenAI's
`response_format: {"type": "json_schema"}` (Ollama, vLLM, LM Studio, llama.cpp's server), then as
`{"type": "json_object", "schema": ...}` (llama-cpp-python's server), then unconstrained, the tolerant parser
reading what comes back; the first form a server accepts is kept for the rest of the run. Connection errors,
timeouts, 429 and 5xx answers are tried again with exponential backoff.
"""

from __future__ import annotations

import random
import threading
import time
from typing import Any

from workbench.errors import WorkbenchError
from workbench.llm.config import LLMConfig

FORMATS = ("json_schema", "json_object", "none")


class LLMServerError(WorkbenchError):
    """The language-model server cannot be reached or refuses the request."""

    hint = ("start the server (e.g. `ollama serve` and `ollama pull MODEL`, or llama.cpp's `llama-server -m "
            "MODEL.gguf --port 8080`) and give its address with --llm-url (the OpenAI-compatible base, ending in /v1)")


class LLMRequestError(WorkbenchError):
    """One request failed after every retry (the run goes on; the segment is asked again next time)."""


def _refused_format(response) -> bool:
    """True when a server refused the request's response_format: a 400 or 422, or an error naming it (llama-cpp-
    python's server answers 500 to a response_format type it does not know)."""
    return response.status_code in (400, 422) or "response_format" in response.text[:2000]


class ChatClient:
    """Requests to one server with one configuration; safe to share between threads."""

    backoff = 0.5  # seconds before the first retry; doubled each time (capped at 8 s), with jitter

    def __init__(self, config: LLMConfig):
        import httpx

        self.config = config
        self.format = FORMATS[0] if config.json_constraint else FORMATS[-1]
        self._lock = threading.Lock()
        self._http = httpx.Client(timeout=httpx.Timeout(config.timeout, connect=min(10.0, config.timeout)),
                                  follow_redirects=False, trust_env=False)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ChatClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def server_info(self) -> dict[str, Any]:
        """{"models": ids the server lists, "digest": the model's digest when the server reports one, "details":
        what it says of the model}; raises LLMServerError when nothing answers."""
        import httpx

        url = f"{self.config.url}/models"
        try:
            response = self._http.get(url)
        except httpx.HTTPError as exc:
            raise LLMServerError(f"no language-model server answers at {self.config.url} ({type(exc).__name__}: "
                                 f"{exc})") from exc
        if response.status_code >= 400:
            raise LLMServerError(f"{url} answered HTTP {response.status_code}: {response.text[:200]}")
        try:
            entries = response.json().get("data") or []
        except ValueError as exc:
            raise LLMServerError(f"{url} did not answer with JSON: is it an OpenAI-compatible server?") from exc
        models = [str(e.get("id")) for e in entries if isinstance(e, dict) and e.get("id")]
        mine = next((e for e in entries if isinstance(e, dict) and e.get("id") == self.config.model), {})
        details = {k: v for k, v in mine.items() if k in ("owned_by", "created", "meta", "root", "digest")}
        return {"models": models, "digest": mine.get("digest") or self._ollama_digest(), "details": details}

    def _ollama_digest(self) -> str | None:
        """The digest Ollama reports for the model at /api/tags beside its /v1 endpoint, if it is Ollama."""
        import httpx

        if not self.config.url.endswith("/v1"):
            return None
        try:
            response = self._http.get(self.config.url[:-3] + "/api/tags", timeout=5)
            tags = response.json().get("models") or [] if response.status_code == 200 else []
        except (httpx.HTTPError, ValueError, AttributeError):
            return None
        wanted = {self.config.model, f"{self.config.model}:latest"}
        return next((t.get("digest") for t in tags if isinstance(t, dict) and
                     (t.get("name") in wanted or t.get("model") in wanted)), None)

    def _payload(self, messages: list[dict], schema: dict, form: str) -> dict:
        payload = {"model": self.config.model, "messages": messages, "temperature": self.config.temperature,
                   "seed": self.config.seed, "max_tokens": self.config.max_tokens, "stream": False}
        if form == "json_schema":
            payload["response_format"] = {"type": "json_schema",
                                          "json_schema": {"name": "codes", "schema": schema, "strict": True}}
        elif form == "json_object":
            payload["response_format"] = {"type": "json_object", "schema": schema}
        return payload

    def complete(self, messages: list[dict], schema: dict) -> tuple[str, dict]:
        """(the reply's text, {"system_fingerprint", "model", "format"}) for one prompt; raises LLMServerError for
        an answer no retry can mend (unknown model...), LLMRequestError when every retry failed."""
        import httpx

        url = f"{self.config.url}/chat/completions"
        attempt, last = 0, ""
        while True:
            form = self.format
            try:
                response = self._http.post(url, json=self._payload(messages, schema, form))
            except httpx.HTTPError as exc:
                last = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code < 400:
                    return self._reply(response, form)
                last = f"HTTP {response.status_code}: {response.text[:200]}"
                if form != FORMATS[-1] and _refused_format(response):
                    self._step_down(form)  # the server does not take this form of JSON constraint: try the next
                    continue
                if response.status_code not in (408, 409, 429) and response.status_code < 500:
                    raise LLMServerError(f"{url} refused the request: {last}",
                                         hint="check the model name with `workbench llm check`")
            if attempt >= self.config.retries:
                raise LLMRequestError(f"no answer after {attempt + 1} tries: {last}")
            time.sleep(min(8.0, self.backoff * 2 ** attempt) * (0.75 + 0.5 * random.random()))
            attempt += 1

    def _step_down(self, form: str) -> None:
        with self._lock:
            if self.format == form:
                self.format = FORMATS[FORMATS.index(form) + 1]

    @staticmethod
    def _reply(response, form: str) -> tuple[str, dict]:
        try:
            body = response.json()
            message = body["choices"][0]["message"]
            text = message.get("content") or ""
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            return response.text[:4000], {"format": form}
        return text, {"system_fingerprint": body.get("system_fingerprint"), "model": body.get("model"), "format": form}

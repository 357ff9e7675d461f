"""The `llm` method on the Suggestions page: the server's address and model (the project's settings first), the
warning that interview text leaves the machine when the server is elsewhere (no run to such a host unless allowed),
a check of what the server lists, the run itself and its one-line stats."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import streamlit as st

from workbench.errors import WorkbenchError
from workbench.llm.config import LLMConfigError, RemoteHostError, host_of, is_loopback, load_config, save_config
from workbench.llm.session import describe_stats
from workbench.ui.session import guarded, show_error

URL_KEY, MODEL_KEY, ALLOW_KEY, SAVE_KEY = "llm_url", "llm_model", "llm_allow_remote", "llm_save"
LABEL = "llm: a language model on a server"
HELP = ("llm: a language model on an OpenAI-compatible server (Ollama, llama.cpp's server, vLLM, LM Studio) reads "
        "each segment with the codebook; a code is suggested only with a quote found in the segment. Answers are "
        "stored, so a second run asks only what was not answered.")


@dataclass
class LLMChoice:
    """What the form says of the server: address, model, whether a host elsewhere may be sent passages, and
    whether a successful run stores address and model as the project's settings."""

    url: str
    model: str
    allow_remote: bool
    save: bool

    def overrides(self) -> dict[str, str]:
        return {k: v for k, v in (("url", self.url), ("model", self.model)) if v}


def remote_host(url: str) -> str | None:
    """The host of `url` when it is a well-formed address of a server that is not on this machine, else None
    (loopback, or not an address at all: the run says why)."""
    try:
        host = host_of(url.strip())
    except LLMConfigError:
        return None
    return None if is_loopback(host) else host


@contextmanager
def page_hints(allow: str = "tick \"Allow a server that is not on this machine\"") -> Iterator[None]:
    """The API's errors with hints that name the page's inputs rather than the command line's options."""
    from workbench.llm.client import LLMServerError

    try:
        yield
    except RemoteHostError as exc:
        exc.hint = (f"run the model on this machine (Ollama, llama.cpp's server... on 127.0.0.1), or {allow}, "
                    "knowing that interview text is then sent to that host")
        raise
    except LLMConfigError as exc:
        if "--llm-model" in exc.hint:
            exc.hint = ("name the model in Run suggestions (method llm) and save it as the project's settings, "
                        "or with `workbench llm set --model NAME`")
        raise
    except LLMServerError as exc:
        if "--llm-url" in exc.hint:
            exc.hint = ("start the server (e.g. `ollama serve` and `ollama pull MODEL`, or llama.cpp's "
                        "`llama-server -m MODEL.gguf --port 8080`) and give its OpenAI-compatible address, "
                        "ending in /v1")
        raise


def _settings(project) -> tuple[str, str, list[str]]:
    """(url, model, allowed hosts) of the project's settings; the defaults, with the error shown, when they are
    not readable."""
    from workbench.llm.config import LLMConfig

    try:
        config = load_config(project.db)
    except LLMConfigError as exc:
        show_error(exc)
        config = LLMConfig()
    return config.url, config.model, config.allowed_hosts


def llm_inputs(project) -> LLMChoice:
    """Address, model and the two checkboxes (outside the form, so the warning follows what is typed)."""
    url, model, allowed = _settings(project)
    left, right = st.columns([3, 2])
    url = left.text_input("Server address (OpenAI-compatible, ending in /v1)", value=url, key=URL_KEY,
                          help="Ollama: http://127.0.0.1:11434/v1 · llama.cpp's llama-server: "
                               "http://127.0.0.1:8080/v1 · LM Studio: http://127.0.0.1:1234/v1").strip()
    model = right.text_input("Model", value=model, key=MODEL_KEY, placeholder="as the server lists it",
                             help="The model's name as the server lists it (Check the server shows the list).").strip()
    host = remote_host(url)
    if host:
        allowed_by_project = host in {h.lower() for h in allowed}
        st.warning(f"**{host} is not this machine.** Running sends the interview text of every passage in scope "
                   f"to that host: it leaves this machine, and whoever runs that server can read and keep it."
                   + (" The project's settings allow this host." if allowed_by_project else
                      " You allow it for this run." if st.session_state.get(ALLOW_KEY) else
                      " The run is refused unless you allow it below."))
    allow = st.checkbox("Allow a server that is not on this machine", key=ALLOW_KEY,
                        help="For this run only: passages are sent to the host above. Leave it unticked to keep "
                             "interview text on this machine (a server on localhost / 127.0.0.1).")
    save = st.checkbox("Save address and model as the project's settings (after a successful run)", value=True,
                       key=SAVE_KEY)
    choice = LLMChoice(url, model, allow, save)
    if st.button("Check the server", key="llm_check", help="Asks the server which models it serves; no interview "
                                                           "text is sent."):
        with guarded():
            st.caption(check_server(project, choice))
    return choice


def check_server(project, choice: LLMChoice) -> str:
    """One line on what the server lists (only the list of models is asked for)."""
    from workbench.llm.session import check_server as ask_server

    with page_hints():
        info = ask_server(project.db, choice.overrides(), choice.allow_remote)
    line = f"The server at {info['url']} answers; it lists: {', '.join(info['models']) or '(no models)'}."
    if info["model"] and not info["listed"]:
        line += f" {info['model']} is not among them (the server may still serve it under another name)."
    return line


def run_llm(project, choice: LLMChoice, codes: list[str] | None, progress, include_interviewer: bool,
            include_structure: bool, who: str | None) -> dict[str, Any]:
    """Run the llm method (raises WorkbenchError: no model, a host not allowed, no server answering); on success
    store address and model when asked. Returns the run's stats."""
    if not choice.model:
        raise LLMConfigError("no language model is named",
                             hint="type the model's name as the server lists it (Check the server shows them)")
    with page_hints():
        result = project.suggestions.run("llm", codes=codes, progress=progress,
                                         include_interviewer=include_interviewer, include_structure=include_structure,
                                         who=who, llm=choice.overrides(), allow_remote=choice.allow_remote)
    stats = result["llm"]
    if choice.save:
        try:
            save_config(project.db, url=choice.url or None, model=choice.model)
        except WorkbenchError as exc:  # the run stands; only the settings were not stored
            show_error(exc)
    return stats


def show_result(stats: dict[str, Any]) -> None:
    """The success line and the stats line of a finished run."""
    st.success(f"llm: {stats.get('new', 0)} new suggestions from {stats.get('model') or 'the model'}")
    (st.warning if stats.get("failed") else st.caption)(describe_stats(stats))

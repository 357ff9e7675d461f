"""The `llm` method on the Suggestions page, under AppTest, against the stub OpenAI-compatible server: a run and its
stats, the warning and refusal for a server that is not on this machine, the error box when nothing answers, and
validation measuring the language model."""

from __future__ import annotations

import json
import socket

import pytest

from tests.llm_stub import StubServer
from tests.test_app import button, run, small_project_fixture, store  # noqa: F401  (the fixture)
from tests.test_app_trust import code_respondents, validation_table

LABEL = "llm: a language model on a server"


def answer(passage: str, payload: dict) -> str:
    """Skills wherever apprentices are talked about, with the word as the quote."""
    if "apprentices" in passage:
        return json.dumps({"codes": [{"code": "skills", "quote": "apprentices", "rationale": "staff",
                                      "confidence": "high"}]})
    return '{"codes": []}'


@pytest.fixture
def server():
    with StubServer(answer=answer) as stub:
        yield stub


def llm_page(url: str, model: str = "stub-model"):
    """The Suggestions page with the llm method chosen and the address and model typed in."""
    app = run("suggestions.py")
    assert not app.exception, app.exception
    app.radio(key="autocode_method").set_value("llm").run()
    app.text_input(key="llm_url").set_value(url)
    app.text_input(key="llm_model").set_value(model)
    return app.run()


def errors(app) -> list[str]:
    """The error boxes' text, without the markdown escapes."""
    return [e.value.replace("\\", "") for e in app.error]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_run_against_the_server_gives_llm_suggestions_and_saves_its_settings(small_project, server):
    from workbench.llm.config import load_config

    app = llm_page(server.url)
    assert LABEL in app.radio(key="autocode_method").options
    assert not app.warning  # loopback: nothing leaves the machine
    assert not [s for s in app.slider if s.label.startswith("Similarity")]
    button(app, "Run").click().run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    assert any(s.value.startswith("llm: 2 new suggestions from stub-model") for s in app.success)
    assert any("segments asked, 0 answered before" in c.value for c in app.caption)
    assert server.requests
    with store(small_project) as project:
        pending = project.suggestions.list()
        assert {(s["code_id"], s["method"]) for s in pending} == {("skills", "llm")}
        config = load_config(project.db)
        assert (config.url, config.model) == (server.url, "stub-model")
    app = run("suggestions.py")  # the settings come back prefilled
    app.radio(key="autocode_method").set_value("llm").run()
    assert app.text_input(key="llm_url").value == server.url
    assert app.text_input(key="llm_model").value == "stub-model"


def test_a_server_elsewhere_is_warned_about_and_refused_without_the_checkbox(small_project):
    app = llm_page("http://203.0.113.5:11434/v1")
    assert any("203.0.113.5 is not this machine" in w.value and "leaves this machine" in w.value
               for w in app.warning)
    button(app, "Run").click().run()
    assert not app.exception, app.exception
    assert any("is not on this machine" in e and 'tick "Allow a server' in e for e in errors(app))
    assert not app.success
    with store(small_project) as project:
        assert project.suggestions.pending_count() == 0


def test_a_bad_address_gives_an_error_not_a_traceback(small_project):
    app = llm_page("ftp:/nowhere")
    assert not app.warning
    button(app, "Run").click().run()
    assert not app.exception, app.exception
    assert any("is not an http(s) address" in e for e in errors(app))


def test_no_server_answering_is_the_error_box(small_project):
    app = llm_page(f"http://127.0.0.1:{closed_port()}/v1")
    button(app, "Run").click().run()
    assert not app.exception, app.exception
    assert any("no language-model server answers" in e and "Hint:" in e for e in errors(app))
    assert app.checkbox(key="llm_allow_remote").value is False  # the form is still there to try again
    button(app, "Check the server").click().run()
    assert not app.exception, app.exception
    assert any("no language-model server answers" in e for e in errors(app))


def test_check_the_server_lists_its_models(small_project, server):
    app = llm_page(server.url, model="other")
    button(app, "Check the server").click().run()
    assert not app.exception, app.exception
    assert any("lists: stub-model" in c.value and "other is not among them" in c.value for c in app.caption)
    assert not server.requests  # only the list of models was asked for


def test_validation_measures_the_language_model(small_project, server):
    from workbench.llm.config import save_config

    code_respondents(small_project)
    with store(small_project) as project:
        save_config(project.db, url=server.url, model="stub-model")
    app = run("suggestions.py")
    assert not app.exception, app.exception
    box = app.checkbox(key="validate_llm")
    assert box.label.startswith("Also measure the language model")
    assert "stub-model at " + server.url in box.help
    box.check()
    button(app, "Validate").click().run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    assert server.requests
    with store(small_project) as project:
        latest = project.validation.latest()
    assert "llm" in latest["settings"]["methods"]
    assert any(c.value.startswith("Language model measured (method llm): stub-model at " + server.url)
               and "segments asked" in c.value for c in app.caption)
    assert any(" llm " in c.value for c in app.caption if c.value.startswith("Theme macro F1"))
    assert validation_table(app)


def test_validation_refuses_a_server_elsewhere_unless_allowed(small_project):
    from workbench.llm.config import save_config

    code_respondents(small_project)
    with store(small_project) as project:
        save_config(project.db, url="http://203.0.113.5:11434/v1", model="far-model")
    app = run("suggestions.py")
    app.checkbox(key="validate_llm").check()
    assert app.checkbox(key="validate_llm_allow_remote").label.startswith("Allow 203.0.113.5, which is not this")
    button(app, "Validate").click().run()
    assert not app.exception, app.exception
    assert any("is not on this machine" in e and "Also measure the language model" in e for e in errors(app))
    with store(small_project) as project:
        assert project.validation.latest() is None

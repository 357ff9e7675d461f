"""`workbench llm`: the language-model server the `llm` method talks to (show, set, check), and the options that
`autocode --method llm` and `validate --llm` share."""

from __future__ import annotations

import click

from workbench.cli._common import cli, json_output, project_of


def llm_options(command):
    """--llm-url, --llm-model and --allow-remote (the project's settings when not given)."""
    command = click.option("--allow-remote", is_flag=True,
                           help="Allow a language-model server that is not on this machine for this run: the "
                                "passages are sent to it.")(command)
    command = click.option("--llm-model", help="llm: the model's name as the server lists it (default: the "
                                               "project's setting, see `workbench llm`).")(command)
    return click.option("--llm-url", help="llm: the OpenAI-compatible base address, e.g. "
                                          "http://127.0.0.1:11434/v1 (Ollama) or http://127.0.0.1:8080/v1 "
                                          "(llama.cpp's server); default: the project's setting.")(command)


def llm_overrides(url: str | None, model: str | None) -> dict:
    return {k: v for k, v in (("url", url), ("model", model)) if v}


def _print_config(config) -> None:
    for key, value in config.items():
        click.echo(f"{key}: {value}")


@cli.group("llm", invoke_without_command=True)
@click.pass_context
def llm(ctx):
    """The language-model server of the `llm` method (an OpenAI-compatible chat endpoint: Ollama, llama.cpp,
    vLLM, LM Studio). Without a subcommand: show the settings."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(show)


@llm.command("show")
@json_output(text=_print_config)
@click.pass_context
def show(ctx):
    """Show the project's language-model settings."""
    from dataclasses import asdict

    from workbench.llm.config import load_config

    return asdict(load_config(project_of(ctx).db))


@llm.command("set")
@click.option("--url", help="OpenAI-compatible base address (ending in /v1).")
@click.option("--model", help="Model name as the server lists it.")
@click.option("--temperature", type=float, help="Sampling temperature (default 0).")
@click.option("--seed", type=int, help="Sampling seed (default 42).")
@click.option("--timeout", type=float, help="Seconds to wait for one answer (default 120).")
@click.option("--retries", type=int, help="Further tries after a failed request, with backoff (default 3).")
@click.option("--concurrency", type=int, help="Requests in flight at once (default 2).")
@click.option("--prompt", type=click.Choice(["full", "compact"]),
              help="full (default): each code's definition, criteria and examples; compact: the first sentence of "
                   "each definition, for models with a short context.")
@click.option("--json-constraint/--no-json-constraint", default=None,
              help="Ask the server to hold answers to the JSON schema (default on); off, the tolerant parser alone "
                   "reads them (llama-cpp-python's constrained sampling is slow with large vocabularies).")
@click.option("--allow-host", "allowed_hosts", multiple=True,
              help="A host other than this machine that may be sent passages (repeatable; replaces the list).")
@json_output(text=_print_config)
@click.pass_context
def set_(ctx, url, model, temperature, seed, timeout, retries, concurrency, prompt, json_constraint, allowed_hosts):
    """Store language-model settings in the project."""
    from dataclasses import asdict

    from workbench.llm.config import save_config

    config = save_config(project_of(ctx).db, url=url, model=model, temperature=temperature, seed=seed,
                         timeout=timeout, retries=retries, concurrency=concurrency, prompt=prompt,
                         json_constraint=json_constraint,
                         allowed_hosts=list(allowed_hosts) or None)
    return asdict(config)


def _print_check(info) -> None:
    click.echo(f"Server {info['url']} answers; it lists: {', '.join(info['models']) or '(no models)'}.")
    if info["model"]:
        listed = "listed" if info["listed"] else "NOT listed (the server may still serve it under another name)"
        click.echo(f"Model {info['model']}: {listed}" + (f"; digest {info['digest']}" if info.get("digest") else "")
                   + ".")
    if info.get("remote"):
        click.echo("Warning: this server is not on this machine; passages sent to it leave the machine.")


@llm.command("check")
@click.option("--url", help="Check this address instead of the project's.")
@click.option("--model", help="Check this model instead of the project's.")
@click.option("--allow-remote", is_flag=True, help="Allow a server that is not on this machine.")
@json_output(text=_print_check)
@click.pass_context
def check(ctx, url, model, allow_remote):
    """Ask the server which models it serves (nothing is sent but the request for its list)."""
    from workbench.llm.session import check_server

    return check_server(project_of(ctx).db, llm_overrides(url, model), allow_remote)

"""What every command shares: the group, error display, project opening, JSON output, tables."""

from __future__ import annotations

import functools
import inspect
import json
import sqlite3
import sys

import click

from workbench.errors import WorkbenchError


class CliError(click.ClickException):
    def __init__(self, error: WorkbenchError):
        super().__init__(error.message)
        self.hint = error.hint

    def show(self, file=None):
        out = file or sys.stderr
        click.echo(f"Error: {self.message}", err=True, file=out)
        if self.hint:
            click.echo(f"Hint: {self.hint}", err=True, file=out)


class Group(click.Group):
    """Turns WorkbenchError into `Error: ...` / `Hint: ...` and exit code 1."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except WorkbenchError as exc:
            raise CliError(exc) from exc
        except sqlite3.OperationalError as exc:
            from workbench.store.database import storage_error

            error = storage_error(exc)
            if error is None:
                raise
            raise CliError(error) from exc


NO_PROJECT_HINT = "create it with `workbench init`, or check --db (or $WORKBENCH_DB)"


def project_of(ctx, create: bool = False, hint: str = NO_PROJECT_HINT, viewer: str | None = None):
    """The project at --db; only commands that make one (init, ingest --create) pass create=True, so a
    mistyped path is an error (with `hint`) rather than a new empty project. It reads as `viewer`, else
    $WORKBENCH_CODER, else the default coder: under blind coding a non-lead sees only their own codings."""
    from workbench.errors import ProjectError
    from workbench.project import Project
    from workbench.store.database import resolve_db_path

    path = resolve_db_path(ctx.obj["db"])
    if not create and not path.exists():
        raise ProjectError(f"no project at {path}", hint=hint)
    project = Project(path, create=create)
    return project.view_as(project.codings.coder_for(viewer, required=False))


def coder_option(help_text: str):
    """The --coder option of a command that writes: optional, as $WORKBENCH_CODER or the project's default
    coder stand in."""
    return click.option("--coder", help=f"{help_text} Default: $WORKBENCH_CODER, else the project's default "
                                        "coder (`workbench coders default NAME`).")


def emit_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def json_output(text=None, data=None, fails=None, help="Print one JSON document."):
    """Add --json to a command that returns its result: print it as JSON (after `data`) or with `text`."""
    def decorate(func):
        takes_flag = "as_json" in inspect.signature(func).parameters
        # Beyond the result, `text` gets the command's options (or the global --db, --debug) that it names.
        named = list(inspect.signature(text).parameters)[1:] if text else []

        @click.option("--json", "as_json", is_flag=True, help=help)
        @functools.wraps(func)
        def command(as_json, **params):
            result = func(**params, **({"as_json": as_json} if takes_flag else {}))
            ctx = click.get_current_context()
            if result is not None and as_json:  # None: nothing to show (a group running a sub-command)
                emit_json(data(result) if data else result)
            elif result is not None and text:
                text(result, **{name: params[name] if name in params else ctx.obj[name] for name in named})
            if fails and fails(result):
                ctx.exit(1)
        return command
    return decorate


def pseudonymiser_of(project, enabled: bool, mapping, terms):
    """The project's pseudonymiser when any pseudonym option is given, else None."""
    return project.pseudonymiser(mapping, terms) if enabled or mapping or terms else None


def console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def print_table(headers, rows) -> None:
    """Print rows of (escaped) cells as a rich table under the given headers."""
    from rich.table import Table

    table = Table(*headers)
    for row in rows:
        table.add_row(*row)
    console().print(table)


def echo_lines(lines) -> None:
    """Print each line."""
    for line in lines:
        click.echo(line)


def shorten(text: str, width: int) -> str:
    """The text cut to width characters, ending in '...' where it was cut."""
    return text if len(text) <= width else text[:width - 3] + "..."


def split_list(value) -> list[str] | None:
    """Comma-separated items as a list (None when empty)."""
    return [c.strip() for c in value.split(",") if c.strip()] if value else None


def parse_where(items) -> dict[str, str]:
    """NAME=VALUE options as a dict."""
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r} is not NAME=VALUE", param_hint="--where")
        out[name.strip()] = value.strip()
    return out


@click.group(cls=Group)
@click.option("--db", type=click.Path(dir_okay=False), envvar="WORKBENCH_DB", default="workbench.db",
              show_default=True, help="Project file (also $WORKBENCH_DB).")
@click.option("--debug", is_flag=True, help="Show tracebacks of unexpected errors.")
@click.version_option(package_name="workbench")
@click.pass_context
def cli(ctx, db, debug):
    """Qualitative research workbench: ingest sources, search and code them."""
    ctx.obj = {"db": db, "debug": debug}

"""What every command shares: the group, error display, project opening, JSON output."""

from __future__ import annotations

import json
import sqlite3
import sys

import click

from workbench.errors import WorkbenchError

DOC_TYPES = ("interview", "focus_group", "notes", "document", "survey")


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


def project_of(ctx):
    from workbench.project import Project

    return Project(ctx.obj["db"])


def emit_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


@click.group(cls=Group)
@click.option("--db", type=click.Path(dir_okay=False), envvar="WORKBENCH_DB", default="workbench.db",
              show_default=True, help="Project file (also $WORKBENCH_DB).")
@click.option("--debug", is_flag=True, help="Show tracebacks of unexpected errors.")
@click.version_option(package_name="workbench")
@click.pass_context
def cli(ctx, db, debug):
    """Qualitative research workbench: ingest sources, search and code them."""
    ctx.obj = {"db": db, "debug": debug}




def clock(seconds) -> str:
    """Seconds as HH:MM:SS, or '' when absent."""
    if seconds is None:
        return ""
    s = int(seconds)
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"

"""`workbench serve`: start the Streamlit app on this project."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from workbench.cli._common import cli
from workbench.errors import WorkbenchError

APP = Path(__file__).resolve().parents[2] / "streamlit_app.py"


def serve_command(db: str, port: int = 8501, password_env: str | None = None, max_upload_mb: int = 200,
                  app: Path = APP) -> tuple[list[str], dict[str, str]]:
    """The `streamlit run` command line and environment: localhost only unless a team password is set."""
    if not app.exists():
        raise WorkbenchError(f"the app file {app} is missing", hint="run `workbench serve` from a source checkout")
    if not 1 <= port <= 65535:
        raise WorkbenchError(f"port {port} is out of range", hint="choose a port between 1024 and 65535, e.g. 8501")
    if max_upload_mb < 1:
        raise WorkbenchError("the upload limit must be at least 1 MB", hint="e.g. --max-upload-mb 200")
    env = dict(os.environ, WORKBENCH_DB=str(Path(db).expanduser().resolve()))
    address = "127.0.0.1"
    if password_env:
        if not os.environ.get(password_env):
            raise WorkbenchError(f"the environment variable {password_env} is empty or not set",
                                 hint=f"set the team password first, e.g. `export {password_env}=...`")
        env["WORKBENCH_PASSWORD_ENV"] = password_env
        address = "0.0.0.0"
    else:
        env.pop("WORKBENCH_PASSWORD_ENV", None)
    argv = [sys.executable, "-m", "streamlit", "run", str(app),
            "--server.headless", "true", "--server.address", address, "--server.port", str(port),
            "--server.maxUploadSize", str(max_upload_mb), "--browser.gatherUsageStats", "false"]
    return argv, env


@cli.command()
@click.option("--port", default=8501, show_default=True, help="Port to listen on.")
@click.option("--password-env", metavar="VAR",
              help="Name of an environment variable holding the team password; the app then listens on all "
                   "interfaces and asks for the password. Without it the app is reachable from this machine only.")
@click.option("--max-upload-mb", default=200, show_default=True, help="Largest file a user may upload, in MB.")
@click.option("--print-command", is_flag=True, help="Print the streamlit command instead of running it.")
@click.pass_context
def serve(ctx, port, password_env, max_upload_mb, print_command):
    """Start the browser app on the project (--db): import, read, code, compare and export in one page."""
    argv, env = serve_command(ctx.obj["db"], port, password_env, max_upload_mb)
    if print_command:
        click.echo(" ".join(argv))
        return
    where = "all interfaces (password required)" if password_env else "this machine only"
    click.echo(f"Serving {env['WORKBENCH_DB']} at http://localhost:{port} ({where}); Ctrl+C stops it.", err=True)
    if os.name != "posix":  # Windows has no exec that keeps the process: run Streamlit as a child instead
        import subprocess

        try:
            code = subprocess.call(argv, env=env, cwd=APP.parent)
        except KeyboardInterrupt:
            code = 0
        ctx.exit(code)
    # Streamlit takes this process's place, so a SIGTERM or SIGINT sent to `workbench serve` (by a process
    # manager, a container stop, Ctrl+C) reaches the server itself and no server outlives the command.
    os.chdir(APP.parent)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(argv[0], argv, env)

"""`workbench accounts add|reset|list|remove|admin`: per-coder accounts of the browser app.

Whoever can write the project file manages its accounts here (no admin sign-in); passwords come from a prompt
with confirmation, or from an environment variable named by --password-env for scripts.
"""

from __future__ import annotations

import os

import click

from workbench.accounts import AccountError
from workbench.cli._common import cli, json_output, print_table, project_of


def _password(password_env: str | None, prompt: str) -> str:
    if password_env:
        value = os.environ.get(password_env)
        if not value:
            raise click.UsageError(f"${password_env} is not set (or empty)")
        return value
    return click.prompt(prompt, hide_input=True, confirmation_prompt=True)


def _print_accounts(accounts) -> None:
    if not accounts:
        click.echo("No accounts: the app uses the shared password and typed coder names.")
        return
    print_table(["name", "admin", "must change password", "updated"],
                [(a["name"], "yes" if a["is_admin"] else "", "yes" if a["must_change"] else "", a["updated_at"])
                 for a in accounts])


def _print_one(account) -> None:
    flags = [f for f, on in (("admin", account["is_admin"]), ("must choose a new password at sign-in",
                                                              account["must_change"])) if on]
    click.echo(f"{account['name']}" + (f" ({', '.join(flags)})" if flags else ""))


password_env_option = click.option("--password-env", metavar="VAR",
                                   help="Read the password from this environment variable (for scripts).")


@cli.group("accounts", invoke_without_command=True)
@click.pass_context
def accounts(ctx):
    """Per-coder accounts: once a project has any, the app asks each person for name and password."""
    if ctx.invoked_subcommand is None:
        _print_accounts(project_of(ctx).accounts.list())


@accounts.command("add")
@click.argument("name")
@click.option("--admin", is_flag=True, help="An admin adds coders and resets passwords in the app (the first "
                                            "account must be one).")
@click.option("--must-change/--no-must-change", default=None,
              help="Ask for a new password at first sign-in. Default: yes, except for the first account.")
@password_env_option
@json_output(text=_print_one)
@click.pass_context
def add(ctx, name, admin, must_change, password_env):
    """Add an account for a coder (registering the coder; codings already under the name stay theirs)."""
    password = _password(password_env, f"Password for {name}")
    return project_of(ctx).accounts.add(name, password, admin=admin, must_change=must_change)


@accounts.command("reset")
@click.argument("name")
@click.option("--must-change/--no-must-change", default=True, show_default=True,
              help="Ask for a new password at the next sign-in.")
@password_env_option
@json_output(text=_print_one)
@click.pass_context
def reset(ctx, name, must_change, password_env):
    """Give an account a new password."""
    project = project_of(ctx)
    if project.accounts.get(name) is None:  # before asking for a password
        raise AccountError(f"{name} has no account", hint=f"add one with `workbench accounts add {name}`")
    return project.accounts.reset_password(name, _password(password_env, f"New password for {name}"),
                                           must_change=must_change)


@accounts.command("list")
@json_output(text=_print_accounts)
@click.pass_context
def list_accounts(ctx):
    """The accounts: name, admin, whether a new password is due (never the hashes)."""
    return project_of(ctx).accounts.list()


@accounts.command("remove")
@click.argument("name")
@json_output(text=lambda account: click.echo(f"Removed the account of {account['name']}; their codings stay."))
@click.pass_context
def remove(ctx, name):
    """Remove an account; the coder and their codings stay."""
    return project_of(ctx).accounts.remove(name)


@accounts.command("admin")
@click.argument("name")
@click.option("--on/--off", "on", default=True, show_default=True, help="Make an admin, or no longer one.")
@json_output(text=_print_one)
@click.pass_context
def admin(ctx, name, on):
    """Make an account an admin (adds coders, resets passwords in the app), or take that away."""
    return project_of(ctx).accounts.set_admin(name, on)

"""Per-coder accounts: who signs in to the browser app, with argon2 password hashes kept in the project.

`project.accounts` (`workbench.accounts.accessor.Accounts`) adds, lists and removes accounts, resets and changes
passwords and checks them; `workbench.accounts.passwords` holds the hashing. A project without accounts keeps the
app's shared team password and typed coder names.
"""

from workbench.errors import WorkbenchError


class AccountError(WorkbenchError):
    """An account cannot be added, changed or used as asked."""

    hint = "list the accounts with `workbench accounts list`"


__all__ = ["AccountError"]

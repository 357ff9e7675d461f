"""`workbench export ...` and `workbench import ...`: excerpts, briefings, REFI-QDA."""

from workbench.cli._common import cli  # noqa: F401

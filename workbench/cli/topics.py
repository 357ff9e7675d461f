"""`workbench topics ...`: topic runs over segments."""

from workbench.cli._common import cli  # noqa: F401

"""The `workbench` command: each command is a short block over the Python API."""

from workbench.cli import (  # noqa: F401  (registers the commands)
    accounts,
    analysis,
    audit,
    autocode,
    blind,
    coding,
    documents,
    encoders,
    exports,
    history,
    llm,
    maintenance,
    merge,
    reconcile,
    segmentation,
    serve,
    topics,
    validate,
)
from workbench.cli._common import cli


def main() -> None:
    cli(prog_name="workbench")


__all__ = ["cli", "main"]

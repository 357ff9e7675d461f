"""The `workbench` command: each command is a short block over the Python API."""

from workbench.cli import analysis, autocode, coding, documents, exports, maintenance, segmentation, serve, topics  # noqa: F401  (registers the commands)
from workbench.cli._common import cli


def main() -> None:
    cli(prog_name="workbench")


__all__ = ["cli", "main"]

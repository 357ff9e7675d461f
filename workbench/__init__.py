"""Qualitative research workbench: ingest, code, model topics and export text sources."""

from workbench.errors import WorkbenchError

__all__ = ["Project", "WorkbenchError", "open_project"]
__version__ = "0.1.0"


def __getattr__(name):
    # The project API loads sqlite-utils; import it on first use only.
    if name in ("Project", "open_project"):
        from workbench import project

        return getattr(project, name)
    raise AttributeError(name)

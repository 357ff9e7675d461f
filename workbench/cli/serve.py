"""`workbench serve`: start the Streamlit app."""

from workbench.cli._common import cli  # noqa: F401

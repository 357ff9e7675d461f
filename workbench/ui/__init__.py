"""App-only helpers that use streamlit (the only part of the package that imports it)."""

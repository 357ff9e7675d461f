"""Exports: coded excerpts, briefings, REFI-QDA interchange (qdpx/qdc) and pseudonymisation."""

"""Exports: the exporter registry, coded excerpts, briefings and REFI-QDA interchange (qdpx/qdc, export and import)."""

"""Ingest: one reader per format, normalisation, segmentation, the batch pipeline."""

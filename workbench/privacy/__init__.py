"""Pseudonymisation of names, used by ingest (before anything is stored) and by exports."""

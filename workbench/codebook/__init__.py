"""Codebooks: YAML files parsed and validated, training-example files, and project.codebook."""

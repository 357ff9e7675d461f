"""Automatic coding suggestions: rules (spaCy matchers) and semantic similarity, and their evaluation."""

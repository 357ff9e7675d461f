"""Measured trust in automatic suggestions: grouped cross-validation, the per-code gate, what to code next."""

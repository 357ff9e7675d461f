"""spaCy pipelines, shared by codebook validation, rule suggestions and pseudonymisation."""

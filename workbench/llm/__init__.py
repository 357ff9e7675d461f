"""Coding with a language model on an OpenAI-compatible server (the `llm` suggestion method)."""

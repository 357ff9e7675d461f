"""Sentence encoders (a registry) and the per-encoder embedding cache, shared by autocode and topics."""

"""Proofs of issue #2: generated projects resolve, validate and derive correctly."""

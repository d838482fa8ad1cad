"""Explanations and results: exact per-term contributions, evidence, the result schema."""

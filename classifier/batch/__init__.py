"""Batch scoring: a listing file in, the same rows with result columns out."""

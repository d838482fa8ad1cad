"""Evaluation: metrics, calibration and coverage of a model on labelled postings; the HTML report."""

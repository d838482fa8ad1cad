"""Training: the corpus, fitting with cross-validation, and retraining behind the regression guard."""

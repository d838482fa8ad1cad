"""The label set: the four answers pmrole gives, in the order of every probability vector."""

LABELS = ("project-manager", "product-manager", "hybrid", "other")
# The three labels of one role or none; the quality bars (macro-F1) are set on these.
SINGLE_ROLE = ("project-manager", "product-manager", "other")

"""The trained model: its math, its files (one versioned format), the store, the card."""

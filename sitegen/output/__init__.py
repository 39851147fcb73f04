"""Output: where rendered files go (the atomic output tree)."""

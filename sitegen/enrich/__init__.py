"""Enrich: Document + per-block NLP -> Article (mentions, names, attributions, notes)."""

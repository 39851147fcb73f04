"""Render: Site -> OutputFile (pages, article bodies, notes, figures, annotations)."""

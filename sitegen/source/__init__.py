"""Load and parse: content files -> Source -> Document."""

"""The NLP stage: spaCy over prose blocks, attribution cues, quotations."""

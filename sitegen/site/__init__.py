"""Site-wide work: a pure function of the set of articles (entities, ledgers)."""

"""The active criteria packs and the subjects they judge (SQL sources for sweeps, Python loaders for one record)."""

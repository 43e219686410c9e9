"""Compliance sweeps: start and record a run, one at a time, judged by the SQL or the Python strategy."""

"""Validated input models, apart from the table models (SQLModel tables do not validate on ``__init__``).

Every edge (form, CSV, API, CLI, demo) builds one of these first; services only ever write validated input.
"""

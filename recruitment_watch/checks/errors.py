"""Errors raised while loading criteria packs or judging subjects.

A pack problem always names the file, the criterion (when there is one) and the field, so an
author can find it without reading a traceback, e.g.
``audits/dest-QA/pack.yaml: criterion WAGE-QA-001: params.rules.0.floor.amount_minor: Input should be a valid integer``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PackIssue:
    """One problem found in a pack file."""

    file: str
    message: str
    criterion: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.criterion:
            parts.append(f"criterion {self.criterion}")
        if self.field:
            parts.append(self.field)
        parts.append(self.message)
        return ": ".join(parts)


class PackLoadError(Exception):
    """Raised when one or more packs are malformed; nothing is loaded."""

    def __init__(self, issues: list[PackIssue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(issue) for issue in issues))


class SubjectError(ValueError):
    """Raised when a subject dict does not match its documented shape."""

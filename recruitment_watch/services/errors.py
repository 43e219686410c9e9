"""Errors services raise; each edge turns them into its own answer (HTTP status, CLI message)."""

from __future__ import annotations


class ServiceError(Exception):
    """Base of the errors a user can act on; ``field`` names the offending input field when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(ServiceError):
    """A referenced record does not exist (or is not visible to the actor)."""


class Conflict(ServiceError):
    """The write would break a uniqueness or state rule (e.g. a duplicate licence number)."""

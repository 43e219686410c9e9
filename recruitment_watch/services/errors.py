"""Errors services raise; each edge turns them into its own answer (HTTP status, CLI message)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


def N_(message: str) -> str:
    """Mark ``message`` for the translators (``make translations`` extracts it); the web translates it when shown."""
    return message


class ServiceError(Exception):
    """Base of the errors a user can act on; ``field`` names the offending input field when there is one.

    ``message`` may hold ``%(name)s`` placeholders filled from ``params``; the web shows ``msgid`` translated into
    the reader's language with the same ``params`` (``str(error)`` is the English text).
    """

    def __init__(self, message: str, *, field: str | None = None, params: dict | None = None) -> None:
        self.msgid = message
        self.params = dict(params or {})
        super().__init__(message % self.params if self.params else message)
        self.field = field


class NotFound(ServiceError):
    """A referenced record does not exist (or is not visible to the actor)."""


class Conflict(ServiceError):
    """The write would break a uniqueness or state rule (e.g. a duplicate licence number)."""


class Forbidden(ServiceError):
    """The actor may see the record but not do this to it (e.g. only an inspector discloses a finding)."""


def _storable(text: str) -> str:
    """Text safe to echo and store: NUL and lone surrogates (e.g. from a hostile field name) shown as escapes."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")


@dataclass(frozen=True)
class FieldError:
    """One reason an item was rejected, naming the field (dotted path) when there is one."""

    field: str | None
    message: str

    def __post_init__(self) -> None:
        if self.field is not None:
            object.__setattr__(self, "field", _storable(self.field))
        object.__setattr__(self, "message", _storable(self.message))


class Rejected(Exception):
    """An item that cannot be accepted, with every reason."""

    def __init__(self, errors: Sequence[FieldError], *, kind: str = "validation") -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" if e.field else e.message for e in errors))
        self.errors = list(errors)
        self.kind = kind

"""Who the audit trail names as acting: set once per edge, read by the capture at flush time.

Each edge binds a source in one place (the app's ``before_request`` hook for web and API, its CLI fallback for
commands; see ``recruitment_watch.auditing``). A source is a callable, not an Actor, because a request's Actor is
known only after its login or API-key check, which runs after ``before_request``. Scheduled jobs and code outside
any edge act as ``system``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from recruitment_watch.services.access.actor import Actor


@dataclass(frozen=True)
class AuditActor:
    """The actor as an audit event records it: a label always, the user or key and organisation when known."""

    label: str
    user_id: int | None = None
    key_id: int | None = None
    organisation_id: int | None = None


SYSTEM = AuditActor(label="system")

ActorSource = Callable[[], "Actor | AuditActor | None"]

_bound: ContextVar[ActorSource | None] = ContextVar("rw_audit_actor_source", default=None)
_fallback: list[ActorSource] = []


def as_audit_actor(actor: Actor | AuditActor | None) -> AuditActor:
    """The audit form of ``actor`` (``system`` when nobody is known)."""
    if actor is None:
        return SYSTEM
    if isinstance(actor, AuditActor):
        return actor
    return AuditActor(
        label=f"{actor.label} ({actor.organisation_name})"[:200],
        user_id=actor.user_id,
        key_id=actor.key_id,
        organisation_id=actor.organisation_id,
    )


def current_audit_actor() -> AuditActor:
    """Who acts now: the bound source's answer, else the fallback's (the CLI), else ``system``."""
    source = _bound.get()
    if source is not None:
        return as_audit_actor(source())
    for fallback in _fallback:
        found = fallback()
        if found is not None:
            return as_audit_actor(found)
    return SYSTEM


@contextmanager
def acting(source: ActorSource | Actor | AuditActor) -> Iterator[None]:
    """Name ``source`` (an actor, or a callable answering one) as the actor of every change made inside."""
    token = _bound.set(source if callable(source) else (lambda: source))
    try:
        yield
    finally:
        _bound.reset(token)


def bind(source: ActorSource) -> object:
    """Bind ``source`` until ``unbind`` with the returned token (for request hooks that cannot use ``with``)."""
    return _bound.set(source)


def unbind(token: object) -> None:
    """Undo a ``bind`` (a token from another context, e.g. a streamed response's, just clears the binding)."""
    try:
        _bound.reset(token)  # type: ignore[arg-type]
    except ValueError:
        _bound.set(None)


def set_fallback(source: ActorSource) -> None:
    """The source asked when none is bound (the app's CLI answer); set once, replacing any earlier one."""
    _fallback[:] = [source]

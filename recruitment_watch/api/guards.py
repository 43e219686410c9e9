"""Who may call what: API-key authentication with a scope per operation, and idempotent writes.

``requires(scope)`` is on every operation except the public ones (``public`` marks those); the access-matrix test
walks the OpenAPI spec and fails on an operation with neither. ``writes`` commits a POST's unit of work and, with
an ``Idempotency-Key`` header, stores the first answer in the same transaction so a retry gets it back.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, g, request
from sqlalchemy.exc import IntegrityError

from recruitment_watch.api.problems import ApiProblem
from recruitment_watch.db import begin_writing, get_session
from recruitment_watch.models import IdempotencyRecord
from recruitment_watch.models.vocab import ApiScope
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.access.api_keys import authenticate
from recruitment_watch.services.access.idempotency import remember_answer, stored_answer
from recruitment_watch.services.errors import FieldError

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_PATTERN = "^[!-~]{1,200}$"
IDEMPOTENCY_KEY = re.compile(IDEMPOTENCY_PATTERN[1:-1])
WWW_AUTHENTICATE = {"WWW-Authenticate": 'Bearer realm="recruitment_watch API"'}


def current_actor() -> Actor:
    """The authenticated caller of this request."""
    return g.api_actor


def requires(scope: ApiScope) -> Callable:
    """Authenticate the bearer key and require ``scope`` (401 without a valid key, 403 without the scope)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            scheme, _, token = request.headers.get("Authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise ApiProblem(
                    401, "unauthorized", "send your API key as 'Authorization: Bearer <key>'", headers=WWW_AUTHENTICATE
                )
            actor = authenticate(token, session=get_session())
            if actor is None:
                raise ApiProblem(401, "unauthorized", "the API key is unknown or revoked", headers=WWW_AUTHENTICATE)
            if not actor.may(scope):
                raise ApiProblem(403, "forbidden", f"this API key lacks the scope {scope.value}")
            g.api_actor = actor
            return view(*args, **kwargs)

        guarded.required_scope = scope
        return guarded

    return decorate


def public(view: Callable) -> Callable:
    """Mark an operation that needs no key (the access-matrix test accepts it as deliberate)."""
    view.public_operation = True
    return view


def json_response(payload: Any, status: int = 200) -> Response:
    """A JSON response from a pydantic model (or plain JSON data)."""
    body = payload.model_dump_json() if hasattr(payload, "model_dump_json") else json.dumps(payload)
    return Response(body, status=status, mimetype="application/json")


def _replay(record: IdempotencyRecord) -> Response:
    response = json_response(record.body, record.status_code)
    response.headers["Idempotent-Replayed"] = "true"
    return response


class _AlreadyAnswered(Exception):
    """A concurrent twin of this idempotent request committed its answer while this one was preparing."""

    def __init__(self, record: IdempotencyRecord) -> None:
        super().__init__(record.key)
        self.record = record


def start_writing() -> None:
    """End the request's reads and open its write transaction (BEGIN IMMEDIATE on SQLite: the write lock first).

    Views that do heavy read-only work (validation, the criteria preview) call this after it, so the write lock
    is held only while storing; other writing views get it from ``writes`` before they run. An idempotent request
    looks for its key's answer again here: a twin sent at the same moment may have stored it meanwhile.
    """
    session = get_session()
    session.commit()
    begin_writing(session)
    pending = g.get("idempotency")
    if pending is not None:
        found = stored_answer(*pending, session=session)
        if found is not None:
            raise _AlreadyAnswered(found)


def writes(view: Callable | None = None, *, prepares_first: bool = False) -> Callable:
    """Commit the view's work once; with an Idempotency-Key, answer a retry with the first answer.

    Unless ``prepares_first`` (the view calls ``start_writing`` itself), the write transaction opens before the
    view runs.
    """
    if view is None:
        return lambda inner: writes(inner, prepares_first=prepares_first)

    @wraps(view)
    def committed(*args: Any, **kwargs: Any) -> Response:
        session = get_session()
        if not prepares_first:
            start_writing()
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if key is None:
            response = view(*args, **kwargs)
            session.commit()
            return response
        if not IDEMPOTENCY_KEY.fullmatch(key):
            raise ApiProblem(
                400,
                "malformed-request",
                "the Idempotency-Key must be 1 to 200 visible ASCII characters (no spaces)",
                errors=[FieldError("header:Idempotency-Key", "1 to 200 visible ASCII characters")],
            )
        return _idempotent(view, key, args, kwargs)

    return committed


def _idempotent(view: Callable, key: str, args: tuple, kwargs: dict) -> Response:
    """Answer with the stored first answer to ``key``, or run the view and store its answer with the commit."""
    session = get_session()
    organisation_id = current_actor().organisation_id
    endpoint = f"{request.method} {request.path}"
    digest = hashlib.sha256(request.get_data()).hexdigest()

    def same_request(record: IdempotencyRecord) -> Response:
        if (record.endpoint, record.request_sha256) != (endpoint, digest):
            raise ApiProblem(
                422,
                "idempotency-key-reused",
                f"Idempotency-Key {key!r} was first used for another request ({record.endpoint})",
                errors=[FieldError("header:Idempotency-Key", "already used for another request")],
            )
        return _replay(record)

    found = stored_answer(organisation_id, key, session=session)
    if found is not None:
        return same_request(found)
    g.idempotency = (organisation_id, key)
    try:
        response = view(*args, **kwargs)
        remember_answer(
            organisation_id,
            key,
            endpoint=endpoint,
            request_sha256=digest,
            status_code=response.status_code,
            body=response.get_json(),
            session=session,
        )
        session.commit()
    except _AlreadyAnswered as answered:  # the twin stored its answer while this one prepared (SQLite)
        session.rollback()
        return same_request(answered.record)
    except IntegrityError:  # the twin raced in (PostgreSQL: its rows or its key): its answer stands, ours is undone
        session.rollback()
        found = stored_answer(organisation_id, key, session=session)
        if found is None:
            raise
        return same_request(found)
    return response

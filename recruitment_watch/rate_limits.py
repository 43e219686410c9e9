"""Per-client rate limits (Flask-Limiter), shared by the API's and the web's public endpoints.

The storage is ``RATELIMIT_STORAGE_URI`` (default ``memory://``: per process, so with N gunicorn workers a client
gets up to N times the limit; use ``redis://…`` to share it).

The complaint pages key their limits by ``anonymous_key``: a keyed digest of the address with a secret made anew in
each process and never written anywhere, so the counters cannot be turned back into addresses, not even from a
memory dump after a restart.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)

_PROCESS_SECRET = secrets.token_bytes(32)


def anonymous_key() -> str:
    """The rate-limit key of this request's client, without its address."""
    address = (get_remote_address() or "").encode()
    return hmac.new(_PROCESS_SECRET, address, hashlib.sha256).hexdigest()[:32]

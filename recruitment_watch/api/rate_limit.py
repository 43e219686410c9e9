"""Per-client rate limits (Flask-Limiter), used on the public endpoints.

The storage is ``RATELIMIT_STORAGE_URI`` (default ``memory://``: per process, so with N gunicorn workers a client
gets up to N times the limit; use ``redis://…`` to share it).
"""

from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)

"""The API's rate limiter: the one limiter of the app (recruitment_watch/rate_limits.py), named here for the API."""

from __future__ import annotations

from recruitment_watch.rate_limits import limiter

__all__ = ["limiter"]

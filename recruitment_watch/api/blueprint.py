"""The ``/api/v1`` blueprint every API module adds its operations to."""

from __future__ import annotations

from apiflask import APIBlueprint

bp = APIBlueprint("api_v1", __name__, url_prefix="/api/v1", tag="API v1")
SECURITY = "ApiKey"

"""Post-processing of the generated OpenAPI document so it tells the truth about errors and bodies.

APIFlask documents its own JSON error shape; ours is RFC 9457 ``application/problem+json``. Every operation gets
the problem responses it can really give (and ``default`` for the rest), request bodies are marked required, and
idempotent POSTs document the ``Idempotency-Key`` header. Component names are flat (``ContractOut``, not
``ContractPage.ContractOut``), so standard client generators resolve every reference.
"""

from __future__ import annotations

import json
from typing import Any

from recruitment_watch.api.guards import IDEMPOTENCY_PATTERN
from recruitment_watch.api.models import Problem
from recruitment_watch.api.problems import MEDIA_TYPE
from recruitment_watch.schemas.common import MAX_ID

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
IDEMPOTENCY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Any unique string (a UUID). A retry with the same key returns the first answer and creates "
    "nothing new; the same key with a different request is refused (idempotency-key-reused).",
    "schema": {"type": "string", "pattern": IDEMPOTENCY_PATTERN},
}
DESCRIPTIONS = {
    "400": "Malformed request (body not JSON, unreadable header)",
    "401": "Missing, unknown or revoked API key",
    "403": "The API key lacks the scope this operation needs",
    "404": "No such resource, or another organisation's",
    "409": "Conflicts with stored state (duplicate reference, closed finding, a sweep already running)",
    "414": "The path and query exceed 2,048 bytes",
    "415": "The body is not declared as JSON (Content-Type: application/json)",
    "422": "Invalid fields (errors[] names each one)",
    "429": "Rate limited (see Retry-After)",
    "503": "The database is busy with a long write such as a sweep; nothing changed (see Retry-After)",
    "default": "Any other error, as a problem document",
}


def _problem_schemas() -> dict[str, Any]:
    schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    nested = schema.pop("$defs", {})
    return {"Problem": schema, **nested}


def _with_refs_renamed(document: Any, renamed: dict[str, str]) -> Any:
    text = json.dumps(document)
    for old, new in renamed.items():
        text = text.replace(f'"#/components/schemas/{old}"', f'"#/components/schemas/{new}"')
    return json.loads(text)


def flat_component_names(spec: dict[str, Any]) -> dict[str, Any]:
    """Rename the nested models APIFlask hoists as ``Parent.Child`` to ``Child`` (one component when the copies are
    the same once their own references are renamed, ``ParentChild`` where they differ) and rewrite every ``$ref``."""
    components = spec.get("components", {}).get("schemas", {})
    dotted = sorted(name for name in components if "." in name)
    if not dotted:
        return spec
    tentative = {name: name.rsplit(".", 1)[-1] for name in dotted}
    flattened = _with_refs_renamed(components, tentative)
    final: dict[str, str] = {}
    kept: dict[str, Any] = {name: schema for name, schema in flattened.items() if "." not in name}
    for name in dotted:
        child = tentative[name]
        if child not in kept:
            kept[child] = flattened[name]
            final[name] = child
        elif kept[child] == flattened[name]:
            final[name] = child
        else:
            final[name] = name.replace(".", "")
    spec = _with_refs_renamed(spec, final)
    schemas = spec["components"]["schemas"]
    for name in dotted:
        schemas.setdefault(final[name], schemas[name])
        del schemas[name]
    return spec


def finish_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """Rewrite error responses as problem documents; require bodies; document Idempotency-Key; flat names."""
    spec = flat_component_names(spec)
    components = spec.setdefault("components", {}).setdefault("schemas", {})
    components.update(_problem_schemas())
    for name in ("HTTPError", "ValidationError"):
        components.pop(name, None)
    for path, operations in spec.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path" and parameter.get("schema", {}).get("type") == "integer":
                    parameter["schema"].update(minimum=1, maximum=MAX_ID)
            codes = {"400", "414", "default"}
            if operation.get("security"):
                codes |= {"401", "403"}
            if "{" in path or path.endswith("/verify"):
                codes.add("404")
            if "requestBody" in operation:
                operation["requestBody"]["required"] = True
                codes |= {"404", "409", "415", "422", "503"}
                if method == "post" and not path.endswith("/response"):
                    operation.setdefault("parameters", []).append(IDEMPOTENCY_PARAMETER)
            if any(p.get("in") == "query" for p in operation.get("parameters", [])):
                codes.add("422")
            if path.endswith("/verify"):
                codes.add("429")
            if path.endswith("/sweeps") and method == "post":
                codes |= {"409", "503"}  # another sweep of the database is running
            responses = operation.setdefault("responses", {})
            for code in [c for c in responses if c.startswith(("4", "5"))]:
                del responses[code]
            for code in sorted(codes):
                responses[code] = {"description": DESCRIPTIONS[code], "content": {MEDIA_TYPE: {"schema": PROBLEM_REF}}}
    return spec

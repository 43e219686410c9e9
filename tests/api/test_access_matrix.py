"""Cross-organisation access, generated from the OpenAPI spec so a new operation cannot be forgotten.

Every /api/v1 route is either guarded by a scope or deliberately public; every operation on one record answers
404 to a peer organisation holding the same scopes, and 401 without a key.
"""

from __future__ import annotations

import re

# Which record a path parameter names, and which tenant owns the record the matrix uses.
OWNED_BY = {"contract_id": "agency_a", "payment_id": "agency_a", "finding_id": "agency_a", "complaint_id": "ngo"}
PEER_OF = {"agency_a": "agency_b", "ngo": "ngo_b"}
BODIES = {"/api/v1/findings/{finding_id}/response": {"text": "We refunded the worker."}}


def spec_operations(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_every_api_route_is_guarded_by_a_scope_or_deliberately_public(app):
    unguarded = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1") or rule.rule in {"/api/v1/openapi.json", "/api/v1/docs"}:
            continue
        view = app.view_functions[rule.endpoint]
        if not (getattr(view, "required_scope", None) or getattr(view, "public_operation", False)):
            unguarded.append(rule.rule)
    assert unguarded == []


def test_secured_operations_need_a_key_and_public_ones_are_marked(client, world):
    seen = 0
    for path, method, operation in spec_operations(client):
        url = re.sub(r"\{[a-z_]+\}", "1", path)
        response = client.open(url, method=method.upper(), json=BODIES.get(path, {}))
        if operation.get("security"):
            seen += 1
            assert response.status_code == 401, (method, path)
            assert response.mimetype == "application/problem+json"
        else:
            assert path in {"/api/v1/agencies/verify", "/api/v1/problems"}, f"{method} {path} has no security"
    assert seen >= 14


def test_a_peer_organisation_gets_404_for_every_record_operation(client, world, records):
    checked = []
    for path, method, _operation in spec_operations(client):
        names = re.findall(r"\{([a-z_]+)\}", path)
        if not names:
            continue
        [name] = names
        owner, peer = getattr(world, OWNED_BY[name]), getattr(world, PEER_OF[OWNED_BY[name]])
        url = path.replace("{" + name + "}", str(records[name]))
        body = BODIES.get(path)
        theirs = client.open(url, method=method.upper(), json=body, headers=peer.headers)
        assert theirs.status_code == 404, (method, path, theirs.get_json())
        assert theirs.get_json()["type"] == "/api/v1/problems/not-found"
        own = client.open(url, method=method.upper(), json=body, headers=owner.headers)
        assert own.status_code == 200, (method, path, own.get_json())
        checked.append(f"{method} {path}")
    assert len(checked) >= 5, checked


def test_a_peer_organisation_never_sees_the_record_in_lists(client, world, records):
    for path, method, _operation in spec_operations(client):
        if (
            method != "get"
            or "{" in path
            or path in {"/api/v1/agencies/verify", "/api/v1/problems", "/api/v1/employers"}
        ):
            continue
        for tenant in (world.agency_b, world.ngo_b):
            response = client.get(path, headers=tenant.headers)
            if response.status_code == 200:
                assert response.get_json()["items"] == [], (path, tenant)
            else:
                assert response.status_code == 403, (path, tenant)


def test_the_spec_is_openapi_3_1_and_the_docs_page_is_served(client):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200 and spec.get_json()["openapi"].startswith("3.1")
    assert spec.get_json()["components"]["securitySchemes"]["ApiKey"]["scheme"] == "bearer"
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and docs.mimetype == "text/html"
    assert b"/api/v1/openapi.json" in docs.data
    problems = client.get("/api/v1/problems").get_json()
    assert {"type": "/api/v1/problems/not-found", "title": "Not found"}.items() <= problems[3].items()

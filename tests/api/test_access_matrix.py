"""Cross-organisation access, generated from the OpenAPI spec so a new operation cannot be forgotten.

Every /api/v1 route is either guarded by a scope or deliberately public; every operation on one record answers
404 to a peer organisation holding the same scopes, and 401 without a key.
"""

from __future__ import annotations

import re

from .conftest import contract_body

# Which record a path parameter names, and which tenant owns the record the matrix uses.
OWNED_BY = {"contract_id": "agency_a", "payment_id": "agency_a", "finding_id": "agency_a", "complaint_id": "ngo",
            "agency_id": "agency_a"}  # fmt: skip
PEER_OF = {"agency_a": "agency_b", "ngo": "ngo_b"}
BODIES = {"/api/v1/findings/{finding_id}/response": {"text": "We refunded the worker."}}
# The register is the ministry's, not any organisation's records: only keys with registry:write reach it (below).
REGISTRY_SCOPE = "registry:write"


def registry_operation(client, path: str, method: str) -> bool:
    view = client.application.view_functions.get(client.application.url_map.bind("").match(
        re.sub(r"\{[a-z_]+\}", "1", path), method=method.upper())[0])  # fmt: skip
    return getattr(view, "required_scope", None) == REGISTRY_SCOPE


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
        if not names or registry_operation(client, path, method):
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


def test_a_complaint_finding_is_hidden_from_the_accused_agency_until_disclosed(app, client, world, runner):
    """The accused agency must not learn that a worker complained, nor about what (retaliation risk)."""
    from recruitment_watch.db import get_engine, unit_of_work
    from recruitment_watch.models.vocab import Role
    from recruitment_watch.services.access import users

    client.post("/api/v1/contracts", json=contract_body(world.employer_id), headers=world.agency_a.headers)
    assert client.post("/api/v1/sweeps", headers=world.ministry.headers).status_code == 201

    def public_view():
        return client.get("/api/v1/agencies/verify", query_string={"licence_no": "NP-LIC-0001"}).get_json()

    before_complaint = public_view()["compliance"]
    filed = client.post(
        "/api/v1/complaints",
        json={"consent_recorded": True, "respondent_agency_id": world.agency_a.agency_id, "language": "ne",
              "categories": ["harassment_violence"], "summary": "My supervisor beat me, said Ram Bahadur."},
        headers=world.ngo.headers,
    )  # fmt: skip
    assert filed.status_code == 201, filed.get_json()
    assert client.post("/api/v1/sweeps", headers=world.ministry.headers).status_code == 201
    everything = client.get("/api/v1/findings", query_string={"limit": 200}, headers=world.ministry.headers)
    [secret] = [f for f in everything.get_json()["items"] if f["criterion_id"] == "FL-005"]
    assert secret["agency_id"] == world.agency_a.agency_id and secret["subject_type"] == "complaint"

    def agency_view():
        listed = client.get("/api/v1/findings", query_string={"limit": 200}, headers=world.agency_a.headers)
        return [f for f in listed.get_json()["items"] if f["subject_type"] == "complaint"]

    assert agency_view() == []
    url = f"/api/v1/findings/{secret['id']}"
    assert client.get(url, headers=world.agency_a.headers).status_code == 404
    answer = client.post(url + "/response", json={"text": "Not true."}, headers=world.agency_a.headers)
    assert answer.status_code == 404
    assert public_view()["compliance"] == before_complaint  # not counted, not weighed in the public risk points

    with unit_of_work(get_engine(app)) as session:
        ministry = users.ensure_organisation("Department of Foreign Employment", None, "NP", session=session)
        users.create_user("insp@gov.example", "Insp", Role.inspector, "pw", organisation=ministry, session=session)
        users.create_user("staff@everest.example", "Staff", Role.agency, "pw",
                          organisation=users.ensure_organisation("Everest Manpower", None, "NP", session=session),
                          session=session)  # fmt: skip
    words = "A worker reports violence at the worksite in Doha; explain your welfare checks."
    refused = runner.invoke(args=["findings", "disclose", str(secret["id"]), "--by", "staff@everest.example",
                                  "--text", words, "--yes"])  # fmt: skip
    assert refused.exit_code == 2 and "only an inspector" in refused.output
    assert agency_view() == []
    done = runner.invoke(args=["findings", "disclose", str(secret["id"]), "--by", "insp@gov.example", "--text", words],
                         input="y\n")  # fmt: skip
    assert done.exit_code == 0, done.output
    assert f"finding {secret['id']} disclosed to agency {world.agency_a.agency_id}" in done.output

    disclosed = public_view()["compliance"]
    assert disclosed["open_findings"].get("critical") == 1
    assert disclosed["risk_points"] > before_complaint["risk_points"]
    [seen] = agency_view()
    assert (seen["id"], seen["message"], seen["evidence"]) == (secret["id"], words, {})
    assert "Ram Bahadur" not in str(client.get(url, headers=world.agency_a.headers).get_json())
    answered = client.post(url + "/response", json={"text": "We visited the site."}, headers=world.agency_a.headers)
    assert answered.status_code == 200 and answered.get_json()["status"] == "agency_responded"
    assert client.get(url, headers=world.agency_b.headers).status_code == 404


def test_only_ministry_keys_reach_the_register(client, world):
    registry = [
        (path, method) for path, method, _ in spec_operations(client) if registry_operation(client, path, method)
    ]
    assert len(registry) == 5, registry
    for path, method in registry:
        url = re.sub(r"\{[a-z_]+\}", str(world.agency_a.agency_id), path)
        for tenant in (world.agency_a, world.ngo):
            answer = client.open(url, method=method.upper(), json={}, headers=tenant.headers)
            assert answer.status_code == 403, (method, path, tenant)
        assert client.open(url, method=method.upper(), json={}, headers=world.ministry.headers).status_code == 422

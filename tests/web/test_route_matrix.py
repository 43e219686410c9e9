"""Who may open what, generated from the app's URL map so a new route cannot be forgotten.

Every route is declared public or guarded (web pages by role, API operations by scope). Then each role —
anonymous, agency A, agency B, NGO A, NGO B, inspector, admin — opens every page and sends every form, with
another organisation's records where a route names one, and the answer must leak nothing: not in its status, not in
its body.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import (
    ApiKey,
    Complaint,
    ComplaintAttachment,
    CsvImport,
    Finding,
    FindingAttachment,
    User,
    UserSession,
)
from recruitment_watch.services.casework.evidence import CleanFile
from recruitment_watch.web.access import PUBLIC
from recruitment_watch.web.evidence_files import evidence_store
from tests.api.conftest import records  # noqa: F401
from tests.web.conftest import csrf_token, signed_in, text_of

# Served by the frameworks themselves, deliberately open: static files, the OpenAPI spec, the API docs page.
FRAMEWORK = {"static", "openapi.spec"}
# Pages with nothing to show unless a step just made it (the recovery codes, once after enrolment): 404 otherwise.
SHOWN_ONCE = {"auth.recovery_codes"}
# Routes naming one organisation's own record: its owner opens it, everyone else of the role gets 404.
OWNED_BY = {"account.end_session": "agency_a", "ngo_complaints.case": "ngo_a", "findings.finding": "agency_a",
            "findings.download": "agency_a", "findings.respond": "agency_a", "agency_files.contract": "agency_a",
            "reports.show": "agency_a", "reports.download": "agency_a", "imports.result": "agency_a",
            "imports.errors_csv": "agency_a"}
# Owned routes the ministry also opens (it reads every organisation's records).
STAFF_ALSO = {"findings.finding", "findings.download", "agency_files.contract", "reports.show", "reports.download",
              "imports.result", "imports.errors_csv"}
ROLES = ("anonymous", "agency_a", "agency_b", "ngo_a", "ngo_b", "inspector", "admin")


def _owns(endpoint: str, role: str) -> bool:
    """Whether ``role`` may open ``endpoint`` with the matrix's records: its owner, or the ministry if it reads all."""
    return OWNED_BY.get(endpoint, role) == role or (endpoint in STAFF_ALSO and role in ("inspector", "admin"))


def _web_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") or rule.endpoint in FRAMEWORK:
            continue
        yield rule, app.view_functions[rule.endpoint]


def test_every_route_is_declared_public_or_guarded(app):
    undeclared = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.endpoint in FRAMEWORK or rule.endpoint.startswith("api_docs."):
            continue
        if rule.rule.startswith("/api/"):
            declared = getattr(view, "required_scope", None) or getattr(view, "public_operation", False)
        else:
            declared = getattr(view, "access", None)
        if not declared:
            undeclared.append(f"{rule.endpoint} {rule.rule}")
    assert undeclared == []


def test_the_public_web_routes_are_exactly_these(app):
    public = sorted(rule.rule for rule, view in _web_rules(app) if view.access == PUBLIC)
    assert {rule for rule in public if rule.startswith("/complaints")} == {
        "/complaints/new", "/complaints/status", "/complaints/status/reply"}  # fmt: skip
    others = [rule for rule in public if not rule.startswith(("/complaints", "/verify", "/rights"))]
    assert others == ["/", "/healthz", "/invitation/<token>", "/language", "/login", "/login/code", "/login/enrol",
                      "/reports/verify/<token>"]


def _clients(app, people):
    clients = {"anonymous": app.test_client()}
    for name, person in people.all().items():
        clients[name] = signed_in(app, person)
    return clients


def _url(rule, values) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)


@pytest.fixture()
def foreign(app, people, records):  # noqa: F811
    """Values for every route parameter, each naming another organisation's (or person's) record."""
    signed_in(app, people.agency_a)  # agency A has a live session the others must not end
    with unit_of_work(get_engine(app)) as session:
        key = session.scalar(select(ApiKey).where(ApiKey.organisation_id == people.agency_a.organisation_id))
        session_id = session.scalar(select(UserSession.id).where(UserSession.user_id == people.agency_a.id))
        reference = session.get(Complaint, records["complaint_id"]).reference
        with app.app_context():  # a stored file of NGO A's complaint (the case pages serve it to staff only)
            stored = evidence_store().write(CleanFile("receipt.pdf", "application/pdf", b"%PDF-1.4 receipt"))
        attachment = ComplaintAttachment(complaint_id=records["complaint_id"], **vars(stored))
        session.add(attachment)
        session.flush()
        attachment_id = attachment.id
        with app.app_context():  # a file of agency A's response to its finding
            response_file = evidence_store().write(CleanFile("refund.pdf", "application/pdf", b"%PDF-1.4 refund"))
        finding_file = FindingAttachment(finding_id=records["finding_id"], **vars(response_file))
        session.add(finding_file)
        session.flush()
        file_id = finding_file.id
        upload = CsvImport(kind="contracts", agency_id=records["agency_id"], file_name="a.csv", file_sha256="0" * 64,
                           size_bytes=1, mode="keep_good", status="done")  # agency A's CSV import
        session.add(upload)
        session.flush()
        import_id = upload.id
        public_id = _stored_report(app, session, people.agency_a.id)
    return {
        "user_id": people.agency_a.id, "session_id": session_id, "prefix": key.prefix,
        "pack_id": "ilo-fair-recruitment", "state": "off", "action": "disable", "token": "not-a-token",
        "reference": reference, "attachment_id": attachment_id, "origin": "NP", "destination": "QA",
        "finding_id": records["finding_id"], "file_id": file_id,
        "contract_id": records["contract_id"], "agency_id": records["agency_id"], "public_id": public_id,
        "import_id": import_id,
    }  # fmt: skip


def _stored_report(app, session, user_id: int) -> str:
    """A finished report agency A asked for about itself (its file written as the worker would leave it)."""
    from recruitment_watch.models.reports import ReportKind
    from recruitment_watch.reports import store
    from recruitment_watch.services.access.actor import actor_for_user

    asked = store.ReportRequest(ReportKind.agency, licence_no="NP-LIC-0001")
    report = store.request_report(actor_for_user(user_id, session=session), asked, via="web", session=session)
    pdf = b"%PDF-1.7 agency A report"
    store.file_path(app.instance_path, report).parent.mkdir(parents=True, exist_ok=True)
    store.file_path(app.instance_path, report).write_bytes(pdf)
    store.mark_done(report, pdf, data_ms=1, render_ms=1, session=session)
    return report.public_id


def test_every_page_answers_each_role_without_a_leak(app, people, foreign, records):  # noqa: F811
    clients = _clients(app, people)
    with unit_of_work(get_engine(app)) as session:
        finding_message = session.get(Finding, records["finding_id"]).message
    secrets = {people.admin.email, people.inspector.email, foreign["prefix"]}
    checked = 0
    for rule, view in _web_rules(app):
        if "GET" not in rule.methods or rule.endpoint == "public.healthz":
            continue
        url = _url(rule, foreign)
        for role in ROLES:
            answer = clients[role].get(url)
            checked += 1
            body = answer.get_data(as_text=True)
            if view.access == PUBLIC:
                assert answer.status_code in (200, 302, 404), (role, url)
            elif role == "anonymous":
                assert answer.status_code == 302 and answer.headers["Location"].startswith("/login"), url
            elif people.all()[role].role.value in view.access and _owns(rule.endpoint, role):
                expected = 404 if rule.endpoint in SHOWN_ONCE else 200
                assert answer.status_code == expected, (role, url, answer.status_code)
            else:
                assert answer.status_code == 404, (role, url, answer.status_code)
                assert not any(secret in body for secret in secrets), (role, url)
            if role in ("agency_b", "ngo_a", "ngo_b", "anonymous"):
                assert finding_message not in body, (role, url)  # agency A's finding shows to A and staff only
    assert checked >= 7 * 15


def test_every_form_refuses_roles_it_is_not_for_and_changes_nothing(app, people, foreign):
    clients = _clients(app, people)
    for rule, view in _web_rules(app):
        if "POST" not in rule.methods or view.access == PUBLIC:
            continue
        url = _url(rule, foreign)
        for role in ROLES:
            client = clients[role]
            token = csrf_token(client.get("/login" if role == "anonymous" else "/account").get_data(as_text=True))
            data = {"csrf_token": token, "confirm": "y", "reason": "matrix"}
            if role == "anonymous":
                answer = client.post(url, data=data)
                assert answer.status_code == 302 and answer.headers["Location"].startswith("/login"), url
            else:
                barred = people.all()[role].role.value not in view.access
                someone_elses = not _owns(rule.endpoint, role)  # only their own
                if barred or someone_elses:
                    assert client.post(url, data=data).status_code == 404, (role, url)
    with unit_of_work(get_engine(app)) as session:
        assert session.get(User, people.agency_a.id).is_active  # no one but an admin disabled agency A's person
        live = session.scalar(select(UserSession).where(UserSession.id == foreign["session_id"]))
        assert live.revoked_at is None  # nobody ended agency A's session by its id
        assert session.scalar(select(ApiKey.revoked_at).where(ApiKey.prefix == foreign["prefix"])) is None


def test_each_dashboard_shows_only_the_organisations_own_records(app, people, world, records):  # noqa: F811
    clients = _clients(app, people)
    with unit_of_work(get_engine(app)) as session:
        newest = session.scalar(select(func.max(Finding.id)).where(Finding.agency_id == world.agency_a.agency_id))
    seen = {role: text_of(clients[role].get("/dashboard")) for role in ROLES if role != "anonymous"}
    shown = f"#{newest}"
    assert shown in seen["agency_a"] and shown in seen["inspector"] and shown in seen["admin"]
    assert shown not in seen["agency_b"] and "No open findings." in seen["agency_b"]
    assert "1 received" in seen["ngo_a"] and "Complaints" not in seen["ngo_b"]
    assert "1 contracts submitted" in seen["agency_a"] and "0 contracts submitted" in seen["agency_b"]


def test_a_signed_in_browser_does_not_open_the_api(app, people, records):  # noqa: F811
    client = signed_in(app, people.inspector)
    answer = client.get("/api/v1/findings")
    assert answer.status_code == 401 and answer.mimetype == "application/problem+json"


def test_an_unknown_page_is_the_webs_not_found_page_and_an_unknown_api_path_a_problem_document(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404 and "Page not found" in text_of(page) and page.mimetype == "text/html"
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.mimetype == "application/problem+json"


def test_a_refused_form_or_method_on_a_web_page_is_a_page_and_on_the_api_a_problem_document(app, people):
    client = signed_in(app, people.agency_a)
    bad = client.post("/account/sessions/end-others", data={})  # no CSRF token
    assert bad.status_code == 400 and bad.mimetype == "text/html"
    wrong_method = client.put("/dashboard")
    assert wrong_method.status_code == 405 and "GET" in wrong_method.headers["Allow"]
    assert "This page cannot be used that way." in text_of(wrong_method)
    api = client.put("/api/v1/findings")
    assert api.status_code == 405 and api.mimetype == "application/problem+json" and "GET" in api.headers["Allow"]

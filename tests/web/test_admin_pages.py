"""The admins' pages used as an admin would: inviting someone who then signs in, the people list and its CSV,
disabling an account, resetting a second factor, issuing and revoking an API key, switching a criteria pack, adding
organisations and agencies, and the job history. Each test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models.vocab import JobTrigger, Role, RunStatus
from recruitment_watch.services.access.actor import actor_for_user
from recruitment_watch.services.accounts import invitations
from recruitment_watch.services.scheduling.job_runs import claim_slot, finish_run
from tests.web.conftest import password_step, post_form, signed_in, text_of

NEW_PASSWORD = "prayer flags over the pass"
PACK = "ilo-fair-recruitment"
CONFIRM_FIRST = "Tick “Yes, I am sure” to confirm."


def html_of(response) -> str:
    return response.get_data(as_text=True)


def listed_people(response) -> list[str]:
    """The e-mail addresses in the people list, in order."""
    return re.findall(r'<a href="/admin/people/\d+"><bdi>([^<]+)</bdi></a>', html_of(response))


def rows_of(response) -> list[str]:
    """The visible text of each body row of the page's table."""
    body = re.search(r"<tbody>(.*?)</tbody>", html_of(response), re.S).group(1)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in re.findall(r"<tr.*?</tr>", body, re.S)]


def csv_rows(response) -> list[list[str]]:
    text = html_of(response)
    assert text.startswith("\ufeff")  # spreadsheet programs then read non-Latin scripts right
    return list(csv.reader(io.StringIO(text[1:])))


def test_an_invited_agency_person_sets_a_password_through_the_link_once_and_signs_in(app, people, world):
    admin = signed_in(app, people.admin)
    invite = {"email": "Nima@Everest.example", "full_name": "Nima Sherpa", "role": "agency",
              "organisation_id": world.agency_a.organisation_id}  # fmt: skip
    answer = post_form(admin, "/admin/people/new", invite)
    assert answer.status_code == 200
    assert "Password link for nima@everest.example" in text_of(answer)
    assert "It works once and expires in 72 hours" in text_of(answer)
    path = urlsplit(re.search(r'<code id="invitation-link">([^<]+)</code>', html_of(answer)).group(1)).path
    assert path.startswith("/invitation/")
    assert "invited" in rows_of(admin.get("/admin/people?q=nima"))[0]

    visitor = app.test_client()
    form = visitor.get(path)
    assert "Set your password" in text_of(form) and "nima@everest.example" in text_of(form)
    short = post_form(visitor, path, {"password": "too short", "confirm": "too short"})
    assert short.status_code == 400 and "Use at least 12 characters" in text_of(short)
    differ = post_form(visitor, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "!"})
    assert differ.status_code == 400 and "The two passwords differ." in text_of(differ)
    done = post_form(visitor, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and urlsplit(done.headers["Location"]).path == "/login"
    assert "Your password is set. Sign in with it now." in text_of(visitor.get("/login"))

    signed = password_step(visitor, "nima@everest.example", NEW_PASSWORD)
    assert signed.headers["Location"].endswith("/dashboard")  # an agency person: no second step
    assert "Signed in as Nima Sherpa, agency at Everest Manpower." in text_of(visitor.get("/dashboard"))

    again = app.test_client().get(path)
    assert again.status_code == 404 and "This link is not valid any more" in text_of(again)


def test_an_invitation_for_a_role_that_does_not_fit_the_organisation_is_refused_on_the_form(app, people, world):
    admin = signed_in(app, people.admin)
    answer = post_form(admin, "/admin/people/new", {"email": "x@example.org", "full_name": "X", "role": "inspector",
                                                    "organisation_id": world.ngo.organisation_id})  # fmt: skip
    assert answer.status_code == 400
    assert "a inspector user cannot belong to a ngo organisation" in text_of(answer)
    assert listed_people(admin.get("/admin/people?q=x@example")) == []


def test_the_people_list_searches_filters_and_downloads_as_csv_safe_for_spreadsheets(app, people, world):
    with unit_of_work(get_engine(app)) as session:
        acting = actor_for_user(people.admin.id, session=session)
        invitations.invite_user(acting, email="formula@example.org", full_name="=cmd|' /C calc'!A0", role=Role.ngo,
                                organisation_id=world.ngo.organisation_id, session=session)  # fmt: skip
    admin = signed_in(app, people.admin)
    assert len(listed_people(admin.get("/admin/people"))) == 7
    assert listed_people(admin.get("/admin/people?q=NGO-")) == ["ngo-a@example.org", "ngo-b@example.org"]
    assert listed_people(admin.get("/admin/people?q=pourakhi")) == ["formula@example.org", "ngo-a@example.org"]
    assert listed_people(admin.get("/admin/people?role=inspector")) == ["inspector@example.org"]
    assert listed_people(admin.get("/admin/people?role=ngo&q=formula")) == ["formula@example.org"]

    download = admin.get("/admin/people?format=csv&role=ngo")
    assert download.mimetype == "text/csv"
    assert download.headers["Content-Disposition"] == 'attachment; filename="people.csv"'
    header, *rows = csv_rows(download)
    assert header == ["id", "email", "full_name", "role", "organisation", "active", "password_set", "second_factor",
                      "locked_until", "last_login_at"]  # fmt: skip
    assert [(row[1], row[3], row[4]) for row in rows] == [
        ("formula@example.org", "ngo", "Pourakhi"), ("ngo-a@example.org", "ngo", "Pourakhi"),
        ("ngo-b@example.org", "ngo", "Migrant Forum")]  # fmt: skip
    assert rows[0][2] == "'=cmd|' /C calc'!A0"  # a spreadsheet shows it as text, never runs it
    assert (rows[0][6], rows[1][6]) == ("False", "True")


def test_disabling_a_person_signs_out_their_open_browser_but_only_once_confirmed(app, people):
    admin, theirs = signed_in(app, people.admin), signed_in(app, people.ngo_a)
    assert theirs.get("/dashboard").status_code == 200
    page = f"/admin/people/{people.ngo_a.id}"

    unconfirmed = post_form(admin, f"{page}/disable", {}, page=page, follow_redirects=True)
    assert CONFIRM_FIRST in text_of(unconfirmed) and "Disable the account" in text_of(unconfirmed)
    assert theirs.get("/dashboard").status_code == 200

    done = post_form(admin, f"{page}/disable", {"confirm": "y"}, page=page, follow_redirects=True)
    assert "Done." in text_of(done) and "Enable the account" in text_of(done)
    assert "account disabled" in text_of(done)  # the latest security events of the person
    assert theirs.get("/dashboard").headers["Location"].startswith("/login")
    refused = password_step(app.test_client(), people.ngo_a.email)
    assert refused.status_code == 401 and "The e-mail address or the password is wrong." in text_of(refused)
    [row] = rows_of(admin.get("/admin/people?q=ngo-a"))
    assert "disabled" in row


def test_an_admin_cannot_disable_their_own_account_from_the_page(app, people):
    admin = signed_in(app, people.admin)
    page = f"/admin/people/{people.admin.id}"
    answer = post_form(admin, f"{page}/disable", {"confirm": "y"}, page=page, follow_redirects=True)
    assert "you cannot disable your own account" in text_of(answer)
    assert admin.get("/admin/people").status_code == 200


def test_after_a_second_factor_reset_the_inspector_enrols_again_at_the_next_sign_in(app, people):
    admin, theirs = signed_in(app, people.admin), signed_in(app, people.inspector)
    page = f"/admin/people/{people.inspector.id}"
    done = post_form(admin, f"{page}/reset-second-factor", {"confirm": "y"}, page=page, follow_redirects=True)
    assert "Done." in text_of(done) and "second step reset" in text_of(done)
    assert theirs.get("/dashboard").headers["Location"].startswith("/login")
    again = app.test_client()
    assert password_step(again, people.inspector.email).headers["Location"].endswith("/login/enrol")
    assert "Scan this code" in text_of(again.get("/login/enrol"))


def test_an_api_key_is_shown_once_works_and_stops_working_when_revoked(app, people, world):
    admin = signed_in(app, people.admin)
    issued = post_form(admin, "/admin/keys/new", {"organisation_id": world.ministry.organisation_id,
                                                  "name": "Inspection dashboard", "scopes": ""})  # fmt: skip
    assert issued.status_code == 200
    assert "Key issued for Department of Foreign Employment" in text_of(issued)
    raw = re.search(r'<code id="api-key">([^<]+)</code>', html_of(issued)).group(1)
    prefix = raw.split("_")[1]
    api, bearer = app.test_client(), {"Authorization": f"Bearer {raw}"}
    found = api.get("/api/v1/findings", headers=bearer)
    assert found.status_code == 200 and found.get_json()["items"] == []

    keys = admin.get("/admin/keys?q=inspection")
    assert raw not in html_of(keys) and raw.split("_", 2)[2] not in html_of(keys)
    [row] = rows_of(keys)
    assert prefix in row and "Department of Foreign Employment" in row and "findings:read" in row

    unconfirmed = post_form(admin, f"/admin/keys/{prefix}/revoke", {}, page="/admin/keys", follow_redirects=True)
    assert CONFIRM_FIRST in text_of(unconfirmed)
    assert api.get("/api/v1/findings", headers=bearer).status_code == 200
    revoked = post_form(admin, f"/admin/keys/{prefix}/revoke", {"confirm": "y"}, page="/admin/keys",
                        follow_redirects=True)  # fmt: skip
    assert "The key is revoked." in text_of(revoked)
    assert "revoked" in rows_of(admin.get("/admin/keys?q=inspection"))[0]
    assert api.get("/api/v1/findings", headers=bearer).status_code == 401

    events = admin.get("/admin/security-events?q=")
    mine = [row for row in rows_of(events) if prefix in row]
    assert len(mine) == 2
    assert "API key revoked" in mine[0] and "API key issued" in mine[1]  # newest first
    assert all(people.admin.email in row for row in mine)
    assert raw not in html_of(events)


def test_a_pack_switched_off_shows_its_state_reason_and_who_and_a_reason_is_required(app, people):
    admin = signed_in(app, people.admin)

    def state_of_pack() -> list[str]:
        row = re.search(rf"<tr>\s*<th scope=\"row\"><bdi>{PACK}</bdi>.*?</tr>", html_of(admin.get("/admin/packs")),
                        re.S).group(0)  # fmt: skip
        return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()
                for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]  # fmt: skip

    assert state_of_pack()[3:5] == ["on", "—"]
    for reason in ("", "   "):
        empty = post_form(admin, f"/admin/packs/{PACK}/off", {"reason": reason}, page="/admin/packs",
                          follow_redirects=True)  # fmt: skip
        assert "Give a reason for the switch." in text_of(empty)
        assert state_of_pack()[3:5] == ["on", "—"]

    done = post_form(admin, f"/admin/packs/{PACK}/off", {"reason": "Wording under legal review"}, page="/admin/packs",
                     follow_redirects=True)  # fmt: skip
    assert f"Pack {PACK} is switched off." in text_of(done)
    state, change, button = state_of_pack()[3:]
    assert state == "off" and "Switch on" in button
    assert people.admin.email in change and "Wording under legal review" in change
    [event] = rows_of(admin.get("/admin/security-events?kind=pack_switched"))
    assert f"{PACK} off: Wording under legal review" in event and people.admin.email in event


def test_organisations_are_added_listed_and_searched_and_a_taken_name_is_refused(app, people):
    admin = signed_in(app, people.admin)
    added = post_form(admin, "/admin/organisations", {"name": "Nepal Migrant Help", "kind": "ngo", "country": "np"},
                      follow_redirects=True)  # fmt: skip
    assert "Organisation Nepal Migrant Help is added." in text_of(added)
    assert "Nepal Migrant Help NGO NP 0" in rows_of(added)

    taken = post_form(admin, "/admin/organisations", {"name": "Pourakhi", "kind": "ngo", "country": "NP"})
    assert taken.status_code == 400
    assert "an organisation named Pourakhi already exists" in text_of(taken)

    found = rows_of(admin.get("/admin/organisations?q=MIGRANT"))
    assert [row.split(" NGO ")[0] for row in found] == ["Migrant Forum", "Nepal Migrant Help"]
    assert [row.split(" ")[0] for row in rows_of(admin.get("/admin/organisations?kind=ministry"))] == ["Department"]
    assert "Department of Foreign Employment ministry NP 2" in rows_of(admin.get("/admin/organisations?q=foreign"))


def test_an_agency_is_registered_listed_and_found_by_licence_number(app, people):
    admin = signed_in(app, people.admin)
    data = {"name": "Kathmandu Overseas", "country": "np", "licence_no": "NP-LIC-0042",
            "licence_authority": "Department of Foreign Employment", "licence_valid_from": "2026-01-01",
            "licence_valid_to": "2028-12-31", "organisation_id": "0"}  # fmt: skip
    added = post_form(admin, "/admin/agencies", data, follow_redirects=True)
    assert "Agency Kathmandu Overseas is registered." in text_of(added)
    [row] = rows_of(admin.get("/admin/agencies?q=np-lic-0042"))
    assert row.startswith("Kathmandu Overseas NP NP-LIC-0042 active")
    names = [row.split(" NP ")[0] for row in rows_of(admin.get("/admin/agencies?q=manpower"))]
    assert names == ["Everest Manpower", "Himal Manpower"]
    assert len(rows_of(admin.get("/admin/agencies"))) == 3


def test_the_job_history_lists_runs_newest_first_and_filters_by_job_and_status(app, people):
    engine = get_engine(app)
    runs = [("licence-expiry", 29, "host-a:101", RunStatus.succeeded, "2 licences expired"),
            ("licence-expiry", 30, "host-a:101", RunStatus.failed, None),
            ("complaint-sla", 30, "host-b:7", RunStatus.succeeded, "1 reminder, 0 escalations")]  # fmt: skip
    for job_id, day, runner, status, detail in runs:
        run_id = claim_slot(engine, job_id, datetime(2026, 11, day, 2, tzinfo=UTC), runner=runner,
                            trigger=JobTrigger.schedule)  # fmt: skip
        finish_run(engine, run_id, status, detail=detail, error="database away" if detail is None else None)
    admin = signed_in(app, people.admin)

    def listed(query: str = "") -> list[tuple[str, str]]:
        rows = rows_of(admin.get(f"/admin/jobs{query}"))
        return [(row.split(" ")[0], next(s for s in ("succeeded", "failed", "No job") if s in row)) for row in rows]

    assert listed() == [("complaint-sla", "succeeded"), ("licence-expiry", "failed"), ("licence-expiry", "succeeded")]
    assert "1 reminder, 0 escalations" in rows_of(admin.get("/admin/jobs"))[0]
    assert listed("?job=licence-expiry") == [("licence-expiry", "failed"), ("licence-expiry", "succeeded")]
    assert listed("?status=failed") == [("licence-expiry", "failed")]
    assert listed("?job=complaint-sla&status=failed") == [("No", "No job")]
    assert len(listed("?job=no-such-job")) == 3  # an unknown job is no filter
    page = html_of(admin.get("/admin/jobs"))
    assert "<option>complaint-sla</option>" in page and "<option>licence-expiry</option>" in page


def test_the_admin_pages_are_for_admins_only(app, people):
    inspector = signed_in(app, people.inspector)
    for path in ("/admin/people", "/admin/keys", "/admin/packs", "/admin/organisations", "/admin/agencies",
                 "/admin/jobs", "/admin/security-events", "/admin/people/new", "/admin/keys/new"):  # fmt: skip
        assert inspector.get(path).status_code == 404
    assert app.test_client().get("/admin/people").headers["Location"] == "/login?next=/admin/people"

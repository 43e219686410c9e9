"""``recruitment-watch users``: the first admin, accounts with a password link, and the admins' changes."""

from __future__ import annotations

import re

from sqlalchemy import select

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import SecurityEvent, User, UserSession
from recruitment_watch.models.vocab import OrganisationKind
from recruitment_watch.services.access.users import ensure_organisation
from tests.web.conftest import post_form, text_of

LINK = re.compile(r"http://127\.0\.0\.1:5000(/invitation/[\w-]+)")


def _organisations(app) -> None:
    with unit_of_work(get_engine(app)) as session:
        ensure_organisation("Ministry of Labour", OrganisationKind.ministry, "NP", session=session)
        ensure_organisation("Migrant Rights Desk", OrganisationKind.ngo, "NP", session=session)


def _first_admin(runner) -> str:
    made = runner.invoke(args=["users", "create", "--email", "Chief@Ministry.example", "--name", "Chief Admin",
                               "--role", "admin", "--org", "Ministry of Labour"])  # fmt: skip
    assert made.exit_code == 0, made.output
    assert re.search(r"user \d+ chief@ministry\.example \(admin, Ministry of Labour\) created\.", made.output)
    return LINK.search(made.output).group(1)


def test_the_first_admin_is_made_without_by_and_sets_a_password_through_the_printed_link(app, runner, client):
    _organisations(app)
    path = _first_admin(runner)
    set_page = post_form(client, path, {"password": "chief admin passphrase", "confirm": "chief admin passphrase"})
    assert set_page.headers["Location"] == "/login"
    signed = post_form(client, "/login", {"email": "chief@ministry.example", "password": "chief admin passphrase"})
    assert signed.headers["Location"].endswith("/login/enrol")  # an admin sets up the second step first
    second = runner.invoke(args=["users", "create", "--email", "other@ministry.example", "--name", "Other",
                                 "--role", "admin", "--org", "Ministry of Labour"])  # fmt: skip
    assert second.exit_code == 2 and "name the admin who makes this change with --by EMAIL" in second.output


def test_admins_create_list_relink_and_disable_accounts(app, runner, client):
    _organisations(app)
    path = _first_admin(runner)
    post_form(client, path, {"password": "chief admin passphrase", "confirm": "chief admin passphrase"})
    by = ["--by", "chief@ministry.example"]
    made = runner.invoke(args=["users", "create", "--email", "caseworker@desk.example", "--name", "Case Worker",
                               "--role", "ngo", "--org", "Migrant Rights Desk", *by])  # fmt: skip
    assert made.exit_code == 0, made.output
    first_link = LINK.search(made.output).group(1)
    wrong = runner.invoke(args=["users", "create", "--email", "x@desk.example", "--name", "X", "--role", "inspector",
                                "--org", "Migrant Rights Desk", *by])  # fmt: skip
    assert wrong.exit_code == 2 and "a inspector user cannot belong to a ngo organisation" in wrong.output
    listed = runner.invoke(args=["users", "list", *by])
    assert re.search(r"caseworker@desk\.example\s+ngo\s+invited", listed.output) and "2 people" in listed.output

    relinked = runner.invoke(args=["users", "link", "caseworker@desk.example", *by])
    assert "This link is not valid any more" in text_of(client.get(first_link))  # the new link replaced it
    new_link = LINK.search(relinked.output).group(1)
    post_form(client, new_link, {"password": "case worker passphrase", "confirm": "case worker passphrase"})
    caseworker = client.application.test_client()
    post_form(caseworker, "/login", {"email": "caseworker@desk.example", "password": "case worker passphrase"})
    assert caseworker.get("/dashboard").status_code == 200

    refused = runner.invoke(args=["users", "disable", "caseworker@desk.example", "--by", "caseworker@desk.example",
                                  "--yes"])  # fmt: skip
    assert refused.exit_code == 2 and "is not an admin" in refused.output
    asked = runner.invoke(args=["users", "disable", "caseworker@desk.example", *by], input="n\n")
    assert asked.exit_code == 1 and caseworker.get("/dashboard").status_code == 200  # answered no: nothing changed
    disabled = runner.invoke(args=["users", "disable", "caseworker@desk.example", *by, "--yes"])
    assert "caseworker@desk.example is disabled" in disabled.output
    assert caseworker.get("/dashboard").headers["Location"].startswith("/login")
    itself = runner.invoke(args=["users", "disable", "chief@ministry.example", *by, "--yes"])
    assert itself.exit_code == 2 and "you cannot disable your own account" in itself.output
    with unit_of_work(get_engine(app)) as session:
        caseworker_id = session.scalar(select(User.id).where(User.email == "caseworker@desk.example"))
        assert session.scalar(select(UserSession.revoked_reason).where(UserSession.user_id == caseworker_id)) \
            == "account disabled"  # fmt: skip
        kinds = session.scalars(select(SecurityEvent.kind).where(SecurityEvent.user_id == caseworker_id)
                                .order_by(SecurityEvent.id)).all()  # fmt: skip
    assert kinds == ["user_created", "invitation_issued", "invitation_issued", "password_set", "login",
                     "user_disabled"]  # fmt: skip

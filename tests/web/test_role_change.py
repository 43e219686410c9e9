"""An admin changes a person's role on their page: it must fit the organisation, it ends their sessions, and the new
rights apply at once."""

from __future__ import annotations

from sqlalchemy import select

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import SecurityEvent, User
from tests.web.conftest import post_form, signed_in, text_of


def test_an_inspector_made_admin_signs_in_again_and_reaches_the_admin_pages(app, people):
    admin, inspector = signed_in(app, people.admin), signed_in(app, people.inspector)
    assert inspector.get("/admin/people").status_code == 404
    page = f"/admin/people/{people.inspector.id}"
    done = post_form(admin, f"{page}/role", {"role": "admin"}, page=page)
    assert "Done." in text_of(admin.get(done.headers["Location"]))
    assert inspector.get("/dashboard").headers["Location"].startswith("/login")  # signed out by the change
    assert signed_in(app, people.inspector).get("/admin/people").status_code == 200
    with unit_of_work(get_engine(app)) as session:
        event = session.scalar(select(SecurityEvent).where(SecurityEvent.kind == "role_changed"))
        assert (event.user_id, event.actor_user_id, event.detail) == (people.inspector.id, people.admin.id,
                                                                       "inspector → admin")  # fmt: skip


def test_a_role_that_does_not_fit_the_organisation_or_ones_own_role_is_refused(app, people):
    admin = signed_in(app, people.admin)
    page = f"/admin/people/{people.agency_a.id}"
    refused = post_form(admin, f"{page}/role", {"role": "inspector"}, page=page)
    assert "a inspector user cannot belong to a agency organisation" in text_of(admin.get(refused.headers["Location"]))
    own = f"/admin/people/{people.admin.id}"
    mine = post_form(admin, f"{own}/role", {"role": "inspector"}, page=own)
    assert "you cannot change your own role" in text_of(admin.get(mine.headers["Location"]))
    with unit_of_work(get_engine(app)) as session:
        assert session.get(User, people.agency_a.id).role == "agency"
        assert session.get(User, people.admin.id).role == "admin"

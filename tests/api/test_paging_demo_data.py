"""Paging through every list on demo-loaded data visits each row exactly once, on both engines.

The demo loader writes rows in bulk beside the ORM; it once wrote SQLite datetimes in another text form than the
ORM (``+00:00`` suffix), so a cursor's ``updated_at = …`` never matched and ``next_cursor`` returned one page
forever.
"""

from __future__ import annotations

from sqlalchemy import func, select

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.models import Complaint, Contract, FeePayment, Finding, Organisation
from recruitment_watch.services.access import api_keys
from recruitment_watch.services.sweeps.run import start_sweep
from tests.support.database import demo_loaded

LISTS = {
    "/api/v1/contracts": Contract,
    "/api/v1/fee-payments": FeePayment,
    "/api/v1/complaints": Complaint,
    "/api/v1/findings": Finding,
}


def page_through(client, path: str, headers: dict, *, limit: int) -> list[int]:
    seen, cursor = [], None
    for _ in range(200):  # far more pages than the demo has rows for
        query = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        page = client.get(path, query_string=query, headers=headers).get_json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError(f"{path}: paging did not end")


def test_every_list_pages_through_demo_data_once(app, engine):
    with demo_loaded(engine, contracts=300, seed=7):
        start_sweep(get_engine(app), app.config, full=True, trigger="test")
        with unit_of_work(get_engine(app)) as session:
            ministry = session.scalar(select(Organisation).where(Organisation.kind == "ministry"))
            _, raw = api_keys.issue_key(ministry, name="paging", scopes="", session=session)
            totals = {path: session.scalar(select(func.count()).select_from(model)) for path, model in LISTS.items()}
        headers = {"Authorization": f"Bearer {raw}"}
        client = app.test_client()
        for path, total in totals.items():
            seen = page_through(client, path, headers, limit=40)
            assert len(seen) == len(set(seen)) == total, path
        assert totals["/api/v1/contracts"] == 300 and totals["/api/v1/findings"] > 40

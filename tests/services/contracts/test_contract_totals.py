"""The contract list's total (``contract_page``'s second value) is summed from the contract tallies when the filters
are theirs and counted row by row otherwise; either way it equals the rows the list pages through, for a ministry
actor, an agency (its own contracts only) and an NGO (none), under every filter and several combinations. Both
databases."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select, update
from sqlmodel import Session

from recruitment_watch.models import Contract
from recruitment_watch.models.vocab import OrganisationKind, Role
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.contracts.contract_file import DEPLOYED, NOT_DEPLOYED, ContractFilters, contract_page
from tests.support.database import demo_loaded

MINISTRY = Actor(1, OrganisationKind.ministry, "Ministry", Role.inspector, frozenset(), user_id=1)
NGO = Actor(2, OrganisationKind.ngo, "Helpers", Role.ngo, frozenset(), user_id=2)


def _every_row(actor: Actor, filters: ContractFilters, session: Session) -> int:
    """The list's rows, fetched page by page (what a reader could page through)."""
    seen, offset = 0, 0
    while True:
        rows, _total = contract_page(actor, filters, session=session, offset=offset, limit=100)
        seen += len(rows)
        offset += 100
        if len(rows) < 100:
            return seen


def test_the_total_equals_the_rows_under_every_filter(engine):
    with demo_loaded(engine, contracts=200, seed=5), Session(engine) as session:
        for contract_id, created_at in session.execute(select(Contract.id, Contract.created_at)).all():
            # submitted over ten days (the tally triggers follow the change)
            session.execute(update(Contract).where(Contract.id == contract_id)
                            .values(created_at=created_at - timedelta(days=contract_id % 10)))  # fmt: skip
        session.commit()
        first = session.execute(select(Contract.agency_id, Contract.origin_country, Contract.destination_country,
                                       Contract.sector).order_by(Contract.id)).first()  # fmt: skip
        agency_id, origin, destination, sector = first
        days = sorted({moment.date() for moment in session.scalars(select(Contract.created_at))})
        middle = days[len(days) // 2]
        agency = Actor(9, OrganisationKind.agency, "Agency", Role.agency, frozenset(), user_id=3,
                       agency_id=agency_id)  # fmt: skip
        cases = [
            ContractFilters(),
            ContractFilters(agency_id=agency_id),
            ContractFilters(origin_country=origin.lower()),
            ContractFilters(destination_country=destination, sector=sector),
            ContractFilters(status=DEPLOYED),
            ContractFilters(agency_id=agency_id, status=NOT_DEPLOYED),
            ContractFilters(submitted_from=middle),
            ContractFilters(submitted_to=middle),
            ContractFilters(agency_id=agency_id, submitted_from=days[0] + timedelta(days=1), submitted_to=middle),
            ContractFilters(submitted_from=middle, sector=sector),  # dates and a corridor: counted row by row
            ContractFilters(submitted_from=date(2030, 1, 1)),
            ContractFilters(agency_id=agency_id + 1),
        ]
        totals = {}
        for actor in (MINISTRY, agency, NGO):
            for filters in cases:
                rows, total = contract_page(actor, filters, session=session, limit=1)
                assert total == _every_row(actor, filters, session), (actor.organisation_kind, filters)
                totals[(actor.organisation_kind, filters)] = total
        assert totals[(OrganisationKind.ministry, ContractFilters())] == 200
        assert 0 < totals[(OrganisationKind.agency, ContractFilters())] < 200
        assert totals[(OrganisationKind.agency, ContractFilters(agency_id=agency_id + 1))] == 0
        assert not any(total for (kind, _), total in totals.items() if kind is OrganisationKind.ngo)
        assert 0 < totals[(OrganisationKind.ministry, ContractFilters(submitted_from=middle))] < 200
        assert len(days) == 10

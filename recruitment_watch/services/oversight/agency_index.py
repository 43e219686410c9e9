"""The inspectors' index of agencies: every agency of the registry with its licence, its risk index and band, its
open findings and its contracts, searched, filtered, sorted and paged.

The figures are the ones the rest of the ministry's pages show, read from the same places: risk from
``rank_agencies`` (the ranking the workspace and API v1 serve, never a second copy of the scoring), open findings from
the finding tally, contracts from the contract tally (kept by database triggers). Ranking scores every agency anyway,
and the register holds thousands of agencies, not millions, so the index is assembled in memory and narrowed there:
a handful of aggregate queries per page, whatever the filter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from recruitment_watch.checks.risk import RiskWeights
from recruitment_watch.models import Agency, ContractTally, FindingTally
from recruitment_watch.models.vocab import OPEN_FINDING_STATUSES
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.errors import N_, Forbidden
from recruitment_watch.services.oversight.risk import rank_agencies

SORTS = ("risk", "name", "findings")  # the first is the default: highest risk first


@dataclass(frozen=True)
class IndexFilters:
    """What the inspector narrowed the index to; empty strings mean "any"."""

    search: str = ""  # part of the name or of the licence number, any case
    origin_country: str = ""
    licence_status: str = ""
    band: str = ""
    sort: str = "risk"


@dataclass(frozen=True)
class IndexedAgency:
    """One agency's row of the index."""

    agency_id: int
    name: str
    licence_no: str
    origin_country: str
    licence_status: str
    points: float
    band: str
    open_findings: int
    contracts: int


def agency_index(
    actor: Actor, filters: IndexFilters, *, session: Session, on: date, weights: RiskWeights | None = None,
    offset: int = 0, limit: int = 50,
) -> tuple[list[IndexedAgency], int]:  # fmt: skip
    """One page of the agencies matching ``filters``, in the chosen order, and how many match in all.
    Only the ministry (inspectors, admins) sees the whole register."""
    matching = [row for row in _every_agency(actor, session=session, on=on, weights=weights) if _matches(row, filters)]
    return _sorted(matching, filters.sort)[offset : offset + limit], len(matching)


def origin_countries(actor: Actor, *, session: Session) -> list[str]:
    """The origin countries of the register's agencies (the country filter's choices)."""
    _refuse_unless_ministry(actor)
    return list(session.scalars(select(Agency.country).distinct().order_by(Agency.country)).all())


def _refuse_unless_ministry(actor: Actor) -> None:
    if not actor.sees_everything:
        raise Forbidden(N_("The index of agencies is the ministry's: inspectors and administrators only."))


def _every_agency(actor: Actor, *, session: Session, on: date, weights: RiskWeights | None) -> list[IndexedAgency]:
    """Every agency with its figures, in the ranking's order (highest risk first)."""
    _refuse_unless_ministry(actor)
    ranked = rank_agencies(session=session, on=on, weights=weights, explained=False)
    licences = {
        agency_id: (licence_no, country, status)
        for agency_id, licence_no, country, status in session.execute(
            select(Agency.id, Agency.licence_no, Agency.country, Agency.status)
        ).all()
    }
    findings = _open_findings(session)
    contracts = _contracts(session)
    rows = []
    for risk in ranked:
        licence_no, country, status = licences[risk.agency_id]
        rows.append(IndexedAgency(risk.agency_id, risk.agency_name, licence_no, country, status, risk.score.points,
                                  risk.score.band, findings.get(risk.agency_id, 0),
                                  contracts.get(risk.agency_id, 0)))  # fmt: skip
    return rows


def _open_findings(session: Session) -> dict[int, int]:
    """Open findings (not yet remedied or closed) per agency, from the finding tally."""
    return {
        agency_id: int(count or 0)
        for agency_id, count in session.execute(
            select(FindingTally.agency_id, func.sum(FindingTally.findings))
            .where(
                FindingTally.agency_id.is_not(None),
                FindingTally.status.in_([status.value for status in OPEN_FINDING_STATUSES]),
            )
            .group_by(FindingTally.agency_id)
        ).all()
    }


def _contracts(session: Session) -> dict[int, int]:
    """Every contract per agency, from the contract tally."""
    return {
        agency_id: int(count or 0)
        for agency_id, count in session.execute(
            select(ContractTally.agency_id, func.sum(ContractTally.contracts)).group_by(ContractTally.agency_id)
        ).all()
    }


def _matches(row: IndexedAgency, filters: IndexFilters) -> bool:
    wanted = filters.search.strip().casefold()
    return (
        (not wanted or wanted in row.name.casefold() or wanted in row.licence_no.casefold())
        and (not filters.origin_country or row.origin_country == filters.origin_country)
        and (not filters.licence_status or row.licence_status == filters.licence_status)
        and (not filters.band or row.band == filters.band)
    )


def _sorted(rows: list[IndexedAgency], sort: str) -> list[IndexedAgency]:
    """``rows`` (in the ranking's order) by name, by open findings (most first, then risk), or kept by risk."""
    if sort == "name":
        return sorted(rows, key=lambda row: (row.name.casefold(), row.agency_id))
    if sort == "findings":
        return sorted(rows, key=lambda row: -row.open_findings)  # stable: ties keep the ranking's order
    return rows

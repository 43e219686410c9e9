"""The live criteria preview: what a contract would break, judged before it is submitted.

The same Python evaluator the tests replay judges the contract as the agency typed it, with the stored facts of
its worker, agency and job order. An unsigned offer is judged as the contract it would become once signed, so the
agency sees problems before the worker signs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from recruitment_watch import money
from recruitment_watch.checks.evaluator import WouldBeFinding, evaluate_subject
from recruitment_watch.models import Agency, Employer, SubAgent, Worker
from recruitment_watch.models.base import utc_now
from recruitment_watch.schemas.contracts import ContractInput
from recruitment_watch.services.contracts.ownership import agency_owned, own_job_order
from recruitment_watch.services.criteria.pack_switches import judged_packs
from recruitment_watch.services.criteria.subject_loader import (
    agency_licence,
    contract_facts,
    fee_totals_of,
    payment_facts,
    signing_day,
    terms_of,
    worker_facts,
)
from recruitment_watch.services.errors import NotFound
from recruitment_watch.services.registry.licence_history import LicencePeriod, history_of, status_on


class _Draft:
    """A contract input seen through the attribute names of a stored contract (its id is its reference)."""

    def __init__(self, checked: ContractInput) -> None:
        self._checked = checked
        self.id = checked.reference

    def __getattr__(self, name: str) -> Any:
        return getattr(self._checked, name)


def _terms(version: Any, seq: int, employer_name: str, today: date) -> dict[str, Any]:
    terms = terms_of(version)
    on = version.signed_on or today  # unsigned offers convert at today's rate, as intake stores them
    terms.update(
        seq=seq,
        employer_name=employer_name,
        basic_wage_usd_minor=money.monthly_usd_minor(
            version.basic_wage_minor, version.wage_period.value, version.wage_currency, on
        ),
    )
    return terms


def preview(
    data: ContractInput | Mapping[str, Any], *, session: Session, worker: Worker | None = None
) -> list[WouldBeFinding]:
    """Would-be findings for a contract input (one per criterion, first version that breaks it).

    ``worker`` judges a worker not stored yet (an API submission with the worker inline); its ``worker_id`` in
    ``data`` is then not looked up.
    """
    checked = data if isinstance(data, ContractInput) else ContractInput.model_validate(data)
    agency = session.get(Agency, checked.agency_id)
    worker = worker or session.get(Worker, checked.worker_id)
    for row, field in ((agency, "agency_id"), (worker, "worker_id")):
        if row is None:
            raise NotFound(f"{field.removesuffix('_id')} {getattr(checked, field)} does not exist", field=field)
    job_order = own_job_order(session, checked.agency_id, checked.job_order_id)
    today = utc_now().date()
    facts = contract_facts(_Draft(checked), job_order)
    payments = _inline_payments(session, checked)
    context = _Context(
        packs=judged_packs(session),
        today=today,
        facts=facts,
        worker=worker_facts(worker),
        history=history_of(session, agency.id),
    )
    fees = fee_totals_of(session, None, checked.origin_country, inline=[vars(payment) for payment in payments])
    found: dict[str, WouldBeFinding] = {}
    all_terms = _version_terms(session, checked, today)
    previous = None
    for terms in all_terms:
        subject = {
            "version": terms,
            "previous": previous,
            "contract": facts,
            "worker": context.worker,
            "agency": agency_licence(agency, context.history, signed_on=signing_day(terms, previous),
                                     departure_on=checked.departure_on),
            "fees": fees,
        }  # fmt: skip
        context.judge("contract_version", subject, found)
        previous = terms
    judged = ([terms for terms in all_terms if terms["kind"] == "origin_signed"] or all_terms)[-1]
    for payment in payments:
        subject = {
            "payment": payment_facts(payment),
            "contract": facts,
            "worker": context.worker,
            "version": judged,
            "agency": {"status_on_payment": status_on(context.history, payment.paid_on)},
        }
        context.judge("fee_payment", subject, found)
    return list(found.values())


@dataclass
class _Context:
    """What every subject of one submission is judged with."""

    packs: list
    today: date
    facts: dict[str, Any]
    worker: dict[str, Any]
    history: list[LicencePeriod]

    def judge(self, subject_type: str, subject: dict[str, Any], found: dict[str, WouldBeFinding]) -> None:
        """Add the findings of ``subject`` to ``found`` (the first subject that breaks a criterion keeps it)."""
        for finding in evaluate_subject(self.packs, subject_type, subject, on=self.today):
            found.setdefault(finding.criterion_id, finding)


def _version_terms(session: Session, checked: ContractInput, today: date) -> list[dict[str, Any]]:
    """The versions' terms as the criteria read them; an unsigned offer is judged as the contract it would be."""
    wanted = {version.employer_id for version in checked.versions}
    names = dict(session.execute(select(Employer.id, Employer.name).where(Employer.id.in_(wanted))).all())
    signed = any(version.kind.value != "offer" for version in checked.versions)
    all_terms = []
    for seq, version in enumerate(checked.versions, start=1):
        terms = _terms(version, seq, names.get(version.employer_id, ""), today)
        if terms["kind"] == "offer" and not signed:
            terms["kind"] = "origin_signed"
        all_terms.append(terms)
    return all_terms


def _inline_payments(session: Session, checked: ContractInput) -> list[SimpleNamespace]:
    """The submission's fee payments as the criteria read them, numbered ``#1``, ``#2``… (no ids yet), each with
    its US-dollar equivalent on its payment date, exactly as it will be stored."""
    payments = []
    for index, payment in enumerate(checked.fee_payments):
        agency_owned(session, SubAgent, payment.sub_agent_id, checked.agency_id,
                     f"fee_payments.{index}.sub_agent_id", "sub-agent")  # fmt: skip
        usd = money.to_usd_minor(payment.amount_minor, payment.currency, payment.paid_on)
        payments.append(SimpleNamespace(**payment.model_dump(), id=f"#{index + 1}", amount_usd_minor=usd))
    return payments

"""Reference data of the demo: organisations, logins, ~40 agencies, ~200 employers, sub-agents, job orders.

Built through the services (validated like any other input) and keyed by natural keys, so seeding twice adds
nothing the second time.
"""

from __future__ import annotations

import base64
import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlmodel import Session

from recruitment_watch.demo import catalogue
from recruitment_watch.models import Agency, Employer, JobOrder, SubAgent, User
from recruitment_watch.models.vocab import LicenceStatus, OrganisationKind, Role
from recruitment_watch.services.access import users as user_service
from recruitment_watch.services.registry import agencies as agency_service

DEMO_LOGINS = (
    ("admin@demo.recruitment-watch.org", "Amina Admin", Role.admin),
    ("inspector@demo.recruitment-watch.org", "Imran Inspector", Role.inspector),
    ("inspector2@demo.recruitment-watch.org", "Sita Inspector", Role.inspector),
    ("ngo@demo.recruitment-watch.org", "Nadia Caseworker", Role.ngo),
    ("agency@demo.recruitment-watch.org", "Arif Agency", Role.agency),
)
AGENCY_COUNT = 40
EMPLOYER_COUNT = 200
# Statuses of the agencies that are not simply active [INFERRED share]: some suspended, expired, cancelled.
_UNUSUAL_STATUSES = (
    LicenceStatus.suspended, LicenceStatus.expired, LicenceStatus.expired, LicenceStatus.cancelled,
    LicenceStatus.renewed, LicenceStatus.surrendered, LicenceStatus.banned,
)  # fmt: skip


@dataclass(frozen=True)
class PartyRef:
    """What the bulk generator needs of an agency or employer (picklable for the generator processes)."""

    id: int
    country: str
    name: str


@dataclass
class ReferenceData:
    """Ids the bulk generator links contracts to."""

    agencies: list[PartyRef] = field(default_factory=list)
    employers: list[PartyRef] = field(default_factory=list)
    job_orders: dict[tuple[int, int], int] = field(default_factory=dict)
    ngo_organisation_ids: list[int] = field(default_factory=list)
    inspector_user_ids: list[int] = field(default_factory=list)


def demo_totp_secret(email: str) -> str:
    """The second-step secret of a demo staff login: derived from its address, so it is the same in every demo
    database and can be printed (never use demo accounts with real data)."""
    digest = hashlib.sha256(f"recruitment_watch demo second step:{email}".encode()).digest()
    return base64.b32encode(digest[:20]).decode()


def _seed_logins(session: Session, password: str, agency_org_id: int, ministry_id: int, ngo_id: int) -> None:
    org_of = {Role.admin: ministry_id, Role.inspector: ministry_id, Role.ngo: ngo_id, Role.agency: agency_org_id}
    for email, name, role in DEMO_LOGINS:
        if session.scalar(select(User.id).where(User.email == email)) is None:
            organisation = session.get(user_service.Organisation, org_of[role])
            user = user_service.create_user(email, name, role, password, organisation=organisation, session=session)
            if role in (Role.admin, Role.inspector):  # staff sign in with a second step: enrolled already
                user.totp_secret, user.totp_confirmed_at = demo_totp_secret(email), user.created_at
                session.add(user)
    # Sita reports to Imran: her overdue critical complaints escalate to him (Imran, with no supervisor, heads).
    lead, second = (session.scalar(select(User).where(User.email == DEMO_LOGINS[i][0])) for i in (1, 2))
    if second.supervisor_user_id is None:
        second.supervisor_user_id = lead.id
        session.add(second)


def _seed_agency(session: Session, rng: random.Random, index: int, today: date) -> Agency:
    origin = list(catalogue.ORIGINS)[index % len(catalogue.ORIGINS)]
    _currency, _languages, authority, noun = catalogue.ORIGINS[origin]
    licence_no = f"{origin}-LIC-{1000 + index}"
    found = session.scalar(select(Agency).where(Agency.country == origin, Agency.licence_no == licence_no))
    if found is not None:
        return found
    valid_from = today - timedelta(days=rng.randint(400, 3000))
    if catalogue.profile_of(index) == "clean":  # licensed before its earliest demo contract was signed
        valid_from = min(valid_from, today - timedelta(days=1500))
    status = _UNUSUAL_STATUSES[index // 5] if index % 5 == 4 and index // 5 < len(_UNUSUAL_STATUSES) else None
    valid_to = valid_from + timedelta(days=365 * rng.choice((2, 3, 4, 5)))
    if status is LicenceStatus.expired:
        valid_to = today - timedelta(days=rng.randint(10, 200))
    elif valid_to <= today:
        valid_to = today + timedelta(days=rng.randint(5, 700))
    organisation = user_service.ensure_organisation(
        f"{catalogue.AGENCY_WORDS[index % 20]} {noun} {index + 1}", OrganisationKind.agency, origin, session=session
    )
    agency = agency_service.register_agency(
        {
            "name": organisation.name,
            "country": origin,
            "licence_no": licence_no,
            "licence_authority": authority,
            "licence_valid_from": valid_from,
            "licence_valid_to": valid_to,
            "uses_sub_agents": rng.random() < 0.4,
            "iris_certified": rng.random() < 0.15,
        },
        actor=None,  # demo data: who registered it stays unknown
        session=session,
        organisation_id=organisation.id,
    )
    if status is not None and status is not LicenceStatus.active:
        agency_service.record_licence_event(
            agency.id,
            {
                "status": status,
                "reason": f"demo: licence {status.value}",
                "legal_basis": f"{authority} order no. {rng.randint(100, 999)}",
                "decided_on": today - timedelta(days=rng.randint(1, 120)),
            },
            session=session,
        )
    if agency.uses_sub_agents:
        for number in range(2):
            session.add(
                SubAgent(
                    agency_id=agency.id,
                    name=f"{rng.choice(catalogue.FIRST_NAMES)} {rng.choice(catalogue.LAST_NAMES)} (sub-agent)",
                    registered_no=f"SA-{agency.id}-{number}" if number == 0 else None,
                    licensed=number == 0,
                    country=origin,
                )
            )
    return agency


def _seed_employer(session: Session, rng: random.Random, index: int) -> Employer:
    destination = list(catalogue.DESTINATIONS)[index % len(catalogue.DESTINATIONS)]
    registration_no = f"{destination}-CR-{50000 + index}"
    found = session.scalar(
        select(Employer).where(Employer.country == destination, Employer.registration_no == registration_no)
    )
    if found is not None:
        return found
    sector = catalogue.JOBS[index % len(catalogue.JOBS)][0]
    name = f"{catalogue.EMPLOYER_WORDS[index % 20]} {rng.choice(catalogue.EMPLOYER_SUFFIXES)} {index + 1}"
    employer = agency_service.register_employer(
        {"name": name, "registration_no": registration_no, "country": destination, "sector": sector},
        actor=None,
        session=session,
    )
    if index % 37 == 0:
        employer.watchlisted = True
        employer.watchlist_reason = "demo: repeated wage complaints"
    return employer


def seed_reference(session: Session, *, seed: int, password: str, today: date) -> ReferenceData:
    """Create (or find) the reference data and return the ids contracts are linked to."""
    rng = random.Random(seed)
    ministry = user_service.ensure_organisation(
        "Ministry of Labour (demo)", OrganisationKind.ministry, "PK", session=session
    )
    ngos = [
        user_service.ensure_organisation(name, OrganisationKind.ngo, country, session=session)
        for name, country in (("Migrant Rights Desk (demo)", "NP"), ("Shelter and Justice (demo)", "BD"),
                              ("Overseas Workers Aid (demo)", "PH"))
    ]  # fmt: skip
    data = ReferenceData(ngo_organisation_ids=[ngo.id for ngo in ngos])
    agencies = [_seed_agency(session, rng, index, today) for index in range(AGENCY_COUNT)]
    employers = [_seed_employer(session, rng, index) for index in range(EMPLOYER_COUNT)]
    session.flush()
    data.agencies = [PartyRef(agency.id, agency.country, agency.name) for agency in agencies]
    data.employers = [PartyRef(employer.id, employer.country, employer.name) for employer in employers]
    _seed_logins(session, password, agencies[0].organisation_id, ministry.id, ngos[0].id)
    data.inspector_user_ids = list(session.scalars(select(User.id).where(User.role == Role.inspector.value)))
    for agency in data.agencies:
        for employer in data.employers[agency.id % 7 :: 29]:
            key = (agency.id, employer.id)
            found = session.scalar(select(JobOrder.id).where(JobOrder.agency_id == key[0],
                                                             JobOrder.employer_id == key[1]))  # fmt: skip
            if found is None:
                job = catalogue.JOBS[employer.id % len(catalogue.JOBS)]
                currency = catalogue.DESTINATIONS[employer.country][0]
                order = JobOrder(
                    employer_id=employer.id, agency_id=agency.id, destination_country=employer.country,
                    job_title=job[2], isco_code=job[1], quantity=rng.randint(5, 200), wage_minor=job[3][currency],
                    wage_currency=currency, ticket_paid_by="employer", visa_paid_by="employer",
                    approval_no=f"AP-{agency.id}-{employer.id}", approval_valid_from=today - timedelta(days=600),
                    approval_valid_to=today + timedelta(days=rng.randint(-60, 400)),
                )  # fmt: skip
                session.add(order)
                session.flush()
                found = order.id
            data.job_orders[key] = found
    session.flush()
    return data

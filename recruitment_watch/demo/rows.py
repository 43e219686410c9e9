"""Build the rows of one demo contract: worker, identity, contract, versions, fee payments, complaint.

Pure Python over plain tuples (no ORM objects): the 1M-contract demo must load in minutes. Each block of contracts
draws from its own seeded random stream, so the same seed always gives the same data.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from recruitment_watch import money
from recruitment_watch.demo import catalogue
from recruitment_watch.demo.reference import ReferenceData
from recruitment_watch.models.base import pack_list
from recruitment_watch.services.contracts.version_hash import version_sha256

WORKER_COLUMNS = (
    "id", "reference", "nationality", "sex", "date_of_birth", "languages", "domestic_worker", "passport_held_by",
    "pdo_completed", "skills_certified", "insured", "created_at", "updated_at",
)  # fmt: skip
IDENTITY_COLUMNS = ("worker_id", "full_name", "passport_no", "phone")
CONTRACT_COLUMNS = (
    "id", "reference", "agency_id", "employer_id", "worker_id", "job_order_id", "origin_country",
    "destination_country", "sector", "isco_code", "departure_on", "deployed", "created_at", "updated_at",
)  # fmt: skip
VERSION_COLUMNS = (
    "id", "contract_id", "agency_id", "seq", "kind", "basic_wage_minor", "wage_currency", "basic_wage_usd_minor",
    "wage_period",
    "food_allowance_minor", "housing_allowance_minor", "transport_allowance_minor", "food_provided",
    "housing_provided", "hours_per_day", "days_per_week", "weekly_rest_days", "daily_rest_hours", "overtime_rate_pct",
    "annual_leave_days", "duration_months", "probation_months", "worksite_city", "worksite_country", "job_title",
    "isco_code", "employer_id", "employer_name", "return_ticket_by", "recruitment_costs_borne_by", "deductions",
    "languages", "signed_on", "copy_given_to_worker", "medical_cover", "termination_notice_days", "dispute_clause",
    "repatriation_clause", "joint_liability_clause", "attested", "content_sha256", "previous_sha256", "created_at",
)  # fmt: skip
FEE_COLUMNS = (
    "id", "worker_id", "contract_id", "agency_id", "payee_type", "payee_name", "payee_licensed", "category",
    "amount_minor", "currency", "amount_usd_minor", "paid_on", "method", "receipt_no", "loan_taken",
    "loan_interest_bp", "stage", "created_at", "updated_at",
)  # fmt: skip
COMPLAINT_COLUMNS = (
    "id", "reference", "receipt_hash", "filed_by", "filing_organisation_id", "consent_recorded",
    "respondent_agency_id", "respondent_employer_id", "contract_id", "worker_id", "categories", "fl_indicators",
    "severity", "language", "summary", "status", "received_at", "acknowledged_at", "investigation_started_at",
    "resolved_at", "ack_due_at", "resolve_due_at", "escalated_at", "assignee_user_id", "substantiated", "outcome",
    "amount_recovered_minor", "amount_recovered_currency", "created_at", "updated_at",
)  # fmt: skip
EVENT_COLUMNS = ("id", "complaint_id", "kind", "internal", "author_user_id", "body", "from_status", "to_status",
                 "created_at")  # fmt: skip

TABLE_COLUMNS = {
    "worker": WORKER_COLUMNS,
    "worker_identity": IDENTITY_COLUMNS,
    "contract": CONTRACT_COLUMNS,
    "contract_version": VERSION_COLUMNS,
    "fee_payment": FEE_COLUMNS,
    "complaint": COMPLAINT_COLUMNS,
    "complaint_event": EVENT_COLUMNS,
}
# Parents first: the order blocks are written in.
TABLE_ORDER = tuple(TABLE_COLUMNS)
STATUSES = ("received", "acknowledged", "under_investigation", "resolved", "referred", "closed")
_SLA_HOURS = {"critical": (24, 48), "high": (48, 720), "medium": (120, 720), "low": (120, 360)}  # [INFERRED]


def contract_reference(seed: int, index: int) -> str:
    """The natural key of demo contract ``index`` (what makes reseeding idempotent)."""
    return f"DEMO{seed}-{index:08d}"


# Most ids one contract can use per table: blocks get disjoint id ranges, so they can be generated in parallel
# processes and written in any order (gaps between blocks are harmless).
IDS_PER_CONTRACT = {"worker": 1, "contract": 1, "contract_version": 3, "fee_payment": 5, "complaint": 1,
                    "complaint_event": 3}  # fmt: skip


@dataclass
class Ids:
    """Next free id per table; the generator reserves ids itself so rows can reference each other."""

    next: dict[str, int]

    @classmethod
    def for_block(cls, base: dict[str, int], ordinal: int, block_size: int) -> Ids:
        """The id range of the ``ordinal``-th block written in this run."""
        return cls({table: base[table] + ordinal * block_size * per for table, per in IDS_PER_CONTRACT.items()})

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


@dataclass
class Block:
    """Rows of one block of contracts, per table, in ``TABLE_COLUMNS`` order."""

    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=lambda: {table: [] for table in TABLE_ORDER})


class BlockBuilder:
    """Generates demo contracts for one block, drawing every choice from one seeded stream."""

    def __init__(self, ref: ReferenceData, *, seed: int, block_no: int, today: date, now: datetime) -> None:
        self.ref = ref
        self.seed = seed
        self.rng = random.Random(seed * 1_000_003 + block_no)
        self.today = today
        self.now = now
        self.block = Block()

    def add_contract(self, index: int, ids: Ids | None) -> None:
        """Generate contract ``index``; with ``ids`` None the random stream advances but nothing is kept."""
        rng = self.rng
        position = _agency_position(rng.random(), len(self.ref.agencies))
        agency = self.ref.agencies[position]
        profile = catalogue.PROFILES[catalogue.profile_of(position)]
        employer = self.ref.employers[rng.randrange(len(self.ref.employers))]
        origin = agency.country
        origin_currency, origin_languages, _authority, _noun = catalogue.ORIGINS[origin]
        destination = employer.country
        currency, dest_language, cities = catalogue.DESTINATIONS[destination]
        sector, isco, title, wages = catalogue.JOBS[employer.id % len(catalogue.JOBS)]
        domestic = sector == "domestic_work"
        female = rng.random() < (0.9 if domestic else 0.25)
        worker_language = rng.choice(origin_languages)
        departure = self.today - timedelta(days=rng.randint(-60, 900))
        deployed = departure <= self.today and rng.random() < 0.9
        draws = {
            "dob": self.today - timedelta(days=rng.randint(19 * 365, 50 * 365)),
            "held_by": "worker" if rng.random() >= profile["held"] else rng.choice(("employer", "agency")),
            "pdo": rng.random() < 0.85,
            "skills": rng.random() < 0.6,
            "insured": rng.random() < 0.8,
            "english": rng.random() < 0.3,
            "wage": int(wages[currency] * rng.uniform(0.85, 1.25)),
            "name": f"{rng.choice(catalogue.FIRST_NAMES)} {rng.choice(catalogue.LAST_NAMES)}",
            "passport": f"{origin}{rng.randint(1_000_000, 9_999_999)}",
            "city": rng.choice(cities),
            "hours": 8 if rng.random() < 0.85 else rng.choice((9, 10, 12)),
            "duration": rng.choice((12, 24, 24, 36)),
            "signed": rng.random() < 0.92,
            "lead": rng.randint(2, 45) if rng.random() < 0.93 else rng.randint(-3, 1),
            "missing_language": rng.random() < profile["missing_language"],
            "copy": rng.random() < 0.9,
            "registered": rng.random() < 0.7,
            "substitution": rng.random() < profile["substitution"],
            "substitution_kind": rng.randrange(4),
            "cut": rng.uniform(0.6, 0.85),
            "other_employer": self.ref.employers[rng.randrange(len(self.ref.employers))],
            "fees": [rng.random() for _ in range(7)],
            "fee_scale": rng.uniform(*profile["fee_scale"]),
            "complaint": rng.random() < profile["complaint"],
            "profile": profile,
        }
        if ids is None:
            if draws["complaint"]:
                self._complaint_draws()
            return
        worker_id = ids.take("worker")
        contract_id = ids.take("contract")
        reference = contract_reference(self.seed, index)
        languages = [worker_language] + (["en"] if draws["english"] and worker_language != "en" else [])
        rows = self.block.rows
        rows["worker"].append((
            worker_id, f"W{reference[4:]}", origin, "female" if female else "male", draws["dob"], pack_list(languages),
            domestic, draws["held_by"], draws["pdo"], draws["skills"], draws["insured"], self.now, self.now,
        ))  # fmt: skip
        rows["worker_identity"].append((worker_id, draws["name"], draws["passport"], None))
        job_order_id = self.ref.job_orders.get((agency.id, employer.id))
        rows["contract"].append((
            contract_id, reference, agency.id, employer.id, worker_id, job_order_id, origin, destination, sector, isco,
            departure, deployed, self.now, self.now,
        ))  # fmt: skip
        terms = self._terms(draws, currency, dest_language, worker_language, employer, title, isco, destination)
        terms["joint_liability_clause"] = origin in ("PH", "BD") and draws["copy"]
        terms["daily_rest_hours"] = (8 if draws["pdo"] else 6) if domestic else None
        self._versions(ids, contract_id, agency.id, terms, draws, departure, deployed)
        self._fees(ids, draws, worker_id, contract_id, agency, origin_currency, departure, terms["basic_wage_minor"],
                   currency)  # fmt: skip
        if draws["complaint"]:
            self._complaint(ids, contract_id, worker_id, agency.id, employer.id, worker_language, departure)

    def _terms(self, draws, currency, dest_language, worker_language, employer, title, isco, destination) -> dict:
        contract_languages = [dest_language] if draws["missing_language"] else [dest_language, worker_language]
        return {
            "kind": "offer", "basic_wage_minor": draws["wage"], "wage_currency": currency, "wage_period": "month",
            "food_allowance_minor": None if destination in ("IT", "DE") else draws["wage"] // 5,
            "housing_allowance_minor": None, "transport_allowance_minor": None, "food_provided": False,
            "housing_provided": True, "hours_per_day": draws["hours"], "days_per_week": 6, "weekly_rest_days": 1,
            "daily_rest_hours": None,
            "overtime_rate_pct": 125, "annual_leave_days": 30 if destination in ("IT", "DE") else 21,
            "duration_months": draws["duration"], "probation_months": 3, "worksite_city": draws["city"],
            "worksite_country": destination, "job_title": title, "isco_code": isco, "employer_id": employer.id,
            "employer_name": employer.name, "return_ticket_by": "employer", "recruitment_costs_borne_by": "employer",
            "deductions": "", "languages": pack_list(contract_languages), "signed_on": None,
            "copy_given_to_worker": False, "medical_cover": True, "termination_notice_days": 30,
            "dispute_clause": True, "repatriation_clause": True, "joint_liability_clause": False, "attested": False,
        }  # fmt: skip

    def _versions(
        self, ids: Ids, contract_id: int, agency_id: int, offer: dict, draws: dict, departure: date, deployed: bool
    ) -> None:
        stages = [dict(offer, seq=1)]
        if draws["signed"]:
            stages.append(dict(offer, seq=2, kind="origin_signed", signed_on=departure - timedelta(days=draws["lead"]),
                               copy_given_to_worker=draws["copy"], attested=True))  # fmt: skip
        if deployed and draws["registered"] and len(stages) == 2:
            registered = dict(stages[-1], seq=3, kind="destination_registered",
                              signed_on=departure + timedelta(days=5))  # fmt: skip
            if draws["substitution"]:
                self._substitute(registered, draws)
            stages.append(registered)
        previous = None
        for terms in stages:
            on = terms["signed_on"] or departure
            terms["basic_wage_usd_minor"] = money.monthly_usd_minor(
                terms["basic_wage_minor"], terms["wage_period"], terms["wage_currency"], on
            )
            digest = version_sha256(terms, previous)
            row = dict(terms, id=ids.take("contract_version"), contract_id=contract_id, agency_id=agency_id,
                       content_sha256=digest, previous_sha256=previous, created_at=self.now)  # fmt: skip
            self.block.rows["contract_version"].append(tuple(row[column] for column in VERSION_COLUMNS))
            previous = digest

    @staticmethod
    def _substitute(terms: dict, draws: dict) -> None:
        kind = draws["substitution_kind"]
        if kind == 0:
            terms["basic_wage_minor"] = int(terms["basic_wage_minor"] * draws["cut"])
        elif kind == 1:
            other = draws["other_employer"]
            terms["employer_id"], terms["employer_name"] = other.id, other.name
        elif kind == 2:
            terms["hours_per_day"], terms["weekly_rest_days"] = 12, 0
        else:
            terms["deductions"] = pack_list(["recruitment_cost", "housing"])
            terms["food_allowance_minor"] = None

    def _fees(self, ids, draws, worker_id, contract_id, agency, origin_currency, departure, wage, wage_currency):
        monthly_usd = money.to_usd_minor(wage, wage_currency, departure)
        rate = money.rate_on(origin_currency, departure)
        roll = draws["fees"]

        def local(usd_minor: int) -> int:
            return int(usd_minor * rate)

        plan = []  # (payee_type, payee_name, licensed, category, usd_minor, method, receipt, stage, loan)
        if roll[0] < 0.4:
            plan.append(("medical_centre", "GAMCA medical centre", None, "medical", 9000, "cash", True,
                         "pre_departure", False))  # fmt: skip
        profile = draws["profile"]
        if roll[1] < profile["service_fee"]:
            plan.append(
                (
                    "agency",
                    agency.name,
                    True,
                    "recruitment_service_fee",
                    int(monthly_usd * draws["fee_scale"]),
                    "cash" if roll[2] < 0.5 else "bank",
                    roll[2] < 0.7,
                    "pre_departure",
                    roll[3] < 0.3,
                )
            )
        if roll[4] < profile["broker"]:
            plan.append(("sub_agent", "village broker", False, "recruitment_service_fee", 30000, "cash", False,
                         "pre_departure", False))  # fmt: skip
        if roll[5] < profile["illegitimate"]:
            plan.append(("agency", agency.name, True, "illegitimate", 50000, "cash", False, "pre_departure", False))
        if roll[6] < 0.03:
            plan.append(("employer", None, None, "recruitment_service_fee", monthly_usd // 4, "wage_deduction", False,
                         "post_arrival", False))  # fmt: skip
        for offset, (payee, name, licensed, category, usd, method, receipt, stage, loan) in enumerate(plan):
            paid_on = departure - timedelta(days=30 - offset) if stage == "pre_departure" else departure + timedelta(60)
            amount = local(usd) if stage == "pre_departure" else usd
            currency = origin_currency if stage == "pre_departure" else "USD"
            payment_id = ids.take("fee_payment")
            self.block.rows["fee_payment"].append((
                payment_id, worker_id, contract_id, agency.id, payee, name, licensed, category, amount, currency, usd,
                paid_on, method, f"R-{payment_id}" if receipt else None, loan, 3600 if loan else None, stage,
                self.now, self.now,
            ))  # fmt: skip

    def _complaint_draws(self) -> tuple:
        rng = self.rng
        return (rng.choice(catalogue.COMPLAINT_CATEGORIES), rng.choice(STATUSES), rng.random(), rng.random(),
                rng.randint(1, 400))  # fmt: skip

    def _complaint(self, ids, contract_id, worker_id, agency_id, employer_id, language, departure) -> None:
        category, status, by_ngo_roll, assign_roll, age_days = self._complaint_draws()
        complaint_id = ids.take("complaint")
        severity = (
            "critical" if category in catalogue.CRITICAL_CATEGORIES else ("high" if category != "other" else "low")
        )
        received = self.now - timedelta(days=age_days, hours=3)
        ack_hours, resolve_hours = _SLA_HOURS[severity]
        by_ngo = by_ngo_roll < 0.4
        progressed = STATUSES.index(status)
        acknowledged = received + timedelta(hours=ack_hours // 2) if progressed >= 1 else None
        investigating = received + timedelta(days=3) if progressed >= 2 else None
        resolved = received + timedelta(days=20) if progressed >= 3 else None
        inspectors = self.ref.inspector_user_ids
        assignee = inspectors[int(assign_roll * len(inspectors))] if inspectors and progressed >= 1 else None
        receipt_hash = None if by_ngo else hashlib.sha256(f"demo-receipt-{complaint_id}".encode()).hexdigest()
        ngo_ids = self.ref.ngo_organisation_ids
        self.block.rows["complaint"].append((
            complaint_id, f"C-{complaint_id:07d}", receipt_hash, "ngo" if by_ngo else "worker",
            ngo_ids[complaint_id % len(ngo_ids)] if by_ngo else None, by_ngo, agency_id, employer_id, contract_id,
            worker_id, pack_list([category]), "", severity, language,
            f"Demo complaint about {category.replace('_', ' ')}.", status, received, acknowledged, investigating,
            resolved, received + timedelta(hours=ack_hours), received + timedelta(hours=resolve_hours), None, assignee,
            (status == "resolved") if progressed >= 3 else None,
            "substantiated" if status == "resolved" else None, None, None, self.now, self.now,
        ))  # fmt: skip
        events = [("message_in", False, None, "Complaint received.", None, "received", received)]
        if acknowledged:
            events.append(("status_change", False, assignee, "We have received your complaint.", "received",
                           "acknowledged", acknowledged))  # fmt: skip
        if progressed >= 2:
            events.append(("note", True, assignee, "Called the agency; awaiting documents.", None, None, investigating))
        for kind, internal, author, body, from_status, to_status, at in events:
            self.block.rows["complaint_event"].append(
                (ids.take("complaint_event"), complaint_id, kind, internal, author, body, from_status, to_status, at)
            )


def _agency_position(roll: float, agencies: int) -> int:
    """Which agency a contract goes to: the last ``TINY_AGENCIES`` share ``TINY_SHARE`` of the contracts, the others
    follow a power law (the first is the largest)."""
    tiny = min(catalogue.TINY_AGENCIES, agencies - 1)
    if roll < catalogue.TINY_SHARE and tiny > 0:
        return agencies - tiny + int(roll / catalogue.TINY_SHARE * tiny)
    return int(((roll - catalogue.TINY_SHARE) / (1 - catalogue.TINY_SHARE)) ** 1.6 * (agencies - tiny))


def build_block(
    ref: ReferenceData,
    seed: int,
    block_no: int,
    start: int,
    stop: int,
    skip: frozenset[int],
    ids: Ids,
    today: date,
    now: datetime,
) -> Block:
    """Generate contracts ``start``..``stop - 1`` of block ``block_no`` (runs in a generator process)."""
    builder = BlockBuilder(ref, seed=seed, block_no=block_no, today=today, now=now)
    for index in range(start, stop):
        builder.add_contract(index, None if index in skip else ids)
    return builder.block


def now_utc() -> datetime:
    """The time stamped on generated rows."""
    return datetime.now(UTC)

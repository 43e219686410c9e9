"""Closed vocabularies shared by tables (CHECK constraints), input models and the criteria subjects.

Values are stored as plain strings with a CHECK constraint (not native PostgreSQL ENUMs, which need ALTER TYPE to
grow). Keep the spelling identical to the subject shapes in ``recruitment_watch/checks``.
"""

from __future__ import annotations

from enum import StrEnum


class OrganisationKind(StrEnum):
    ministry = "ministry"
    ngo = "ngo"
    agency = "agency"


class Role(StrEnum):
    admin = "admin"
    inspector = "inspector"
    ngo = "ngo"
    agency = "agency"


class LicenceStatus(StrEnum):
    active = "active"
    renewed = "renewed"
    suspended = "suspended"
    cancelled = "cancelled"
    expired = "expired"
    surrendered = "surrendered"
    delisted = "delisted"
    banned = "banned"


class LicenceDecision(StrEnum):
    """What the licensing authority decided; each decision leaves the licence in one status (``STATUS_AFTER``)."""

    issued = "issued"
    renewed = "renewed"
    suspended = "suspended"
    cancelled = "cancelled"
    reinstated = "reinstated"
    expired = "expired"
    surrendered = "surrendered"
    delisted = "delisted"
    banned = "banned"


# The licence status a decision leaves: an issue or a reinstatement makes it active again.
STATUS_AFTER: dict[LicenceDecision, LicenceStatus] = {
    decision: LicenceStatus.active
    if decision in (LicenceDecision.issued, LicenceDecision.reinstated)
    else LicenceStatus(decision.value)
    for decision in LicenceDecision
}


# A licence in one of these statuses lets the agency recruit (within its validity dates). The criteria engine keeps
# its own copy as the default of the licence checks' ``allowed_statuses``; tests/models/test_vocabularies.py keeps
# the two in step.
VALID_LICENCE_STATUSES = (LicenceStatus.active, LicenceStatus.renewed)
# Statuses that are a sanction: the public licence verification lists them.
SANCTION_STATUSES = (LicenceStatus.suspended, LicenceStatus.cancelled, LicenceStatus.banned, LicenceStatus.delisted)


class VersionKind(StrEnum):
    offer = "offer"
    origin_signed = "origin_signed"
    destination_registered = "destination_registered"
    amendment = "amendment"


class WagePeriod(StrEnum):
    month = "month"
    week = "week"
    day = "day"
    hour = "hour"


class Payer(StrEnum):
    employer = "employer"
    worker = "worker"
    agency = "agency"
    shared = "shared"


class PayeeType(StrEnum):
    agency = "agency"
    sub_agent = "sub_agent"
    employer = "employer"
    government = "government"
    medical_centre = "medical_centre"
    training_centre = "training_centre"
    lender = "lender"
    other = "other"


class FeeCategory(StrEnum):
    """ILO Definition of recruitment fees and related costs (2019) categories, plus illegitimate costs."""

    recruitment_service_fee = "recruitment_service_fee"
    medical = "medical"
    insurance = "insurance"
    skills_test = "skills_test"
    training_orientation = "training_orientation"
    equipment = "equipment"
    travel_lodging = "travel_lodging"
    administrative = "administrative"
    illegitimate = "illegitimate"
    government_fee_official = "government_fee_official"


class PaymentMethod(StrEnum):
    cash = "cash"
    bank = "bank"
    digital = "digital"
    wage_deduction = "wage_deduction"


class PaymentStage(StrEnum):
    pre_departure = "pre_departure"
    transit = "transit"
    post_arrival = "post_arrival"


class Sex(StrEnum):
    female = "female"
    male = "male"
    other = "other"
    undisclosed = "undisclosed"


class DocumentHolder(StrEnum):
    worker = "worker"
    employer = "employer"
    agency = "agency"
    other = "other"


class FiledBy(StrEnum):
    worker = "worker"
    ngo = "ngo"
    family = "family"
    inspector = "inspector"


class ComplaintCategory(StrEnum):
    unpaid_wages = "unpaid_wages"
    fees = "fees"
    contract_substitution = "contract_substitution"
    passport_retention = "passport_retention"
    deception = "deception"
    harassment_violence = "harassment_violence"
    excessive_hours = "excessive_hours"
    living_conditions = "living_conditions"
    termination_repatriation = "termination_repatriation"
    other = "other"


class ForcedLabourIndicator(StrEnum):
    """The 11 ILO indicators of forced labour (ILO SAP-FL, 2012)."""

    abuse_of_vulnerability = "abuse_of_vulnerability"
    deception = "deception"
    restriction_of_movement = "restriction_of_movement"
    isolation = "isolation"
    physical_sexual_violence = "physical_sexual_violence"
    intimidation_threats = "intimidation_threats"
    retention_of_identity_documents = "retention_of_identity_documents"
    withholding_of_wages = "withholding_of_wages"
    debt_bondage = "debt_bondage"
    abusive_conditions = "abusive_conditions"
    excessive_overtime = "excessive_overtime"


class Severity(StrEnum):
    """How serious a finding is. ``advisory`` (first, below ``low``) is a rule announced but not yet enforceable — a
    voluntary transition, a recommended wage: shown on its own, never counted in a risk score, never a complaint's."""

    advisory = "advisory"
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


# The severities of binding rules and of complaints (everything but ``advisory``).
BINDING_SEVERITIES = tuple(level for level in Severity if level is not Severity.advisory)


class PassportCategory(StrEnum):
    """India's passport categories: ECR (emigration check required) holders need emigration clearance for the ECR
    countries; ECNR holders do not."""

    ecr = "ecr"
    ecnr = "ecnr"


class ComplaintStatus(StrEnum):
    received = "received"
    acknowledged = "acknowledged"
    under_investigation = "under_investigation"
    resolved = "resolved"
    referred = "referred"
    closed = "closed"


# A complaint in one of these statuses is still being worked: its SLA clocks run and it counts as open.
OPEN_COMPLAINT_STATUSES = (ComplaintStatus.received, ComplaintStatus.acknowledged, ComplaintStatus.under_investigation)


class ComplaintOutcome(StrEnum):
    """How a case ends; ``substantiated`` makes the complaint evidence against the respondent."""

    substantiated = "substantiated"
    not_substantiated = "not_substantiated"
    referred = "referred"
    withdrawn = "withdrawn"


class ConsentMethod(StrEnum):
    """How a worker gave an NGO consent to file on their behalf."""

    written = "written"
    thumbprint = "thumbprint"
    verbal_witnessed = "verbal_witnessed"
    electronic = "electronic"


class ComplaintEventKind(StrEnum):
    message_in = "message_in"
    message_out = "message_out"
    note = "note"
    status_change = "status_change"
    assignment = "assignment"
    escalation = "escalation"
    reminder = "reminder"


class SubjectType(StrEnum):
    agency = "agency"
    contract_version = "contract_version"
    fee_payment = "fee_payment"
    complaint = "complaint"


class FindingStatus(StrEnum):
    open = "open"
    agency_responded = "agency_responded"
    verified_remediated = "verified_remediated"
    dismissed = "dismissed"
    auto_resolved = "auto_resolved"


OPEN_FINDING_STATUSES = (FindingStatus.open, FindingStatus.agency_responded)


class RunStatus(StrEnum):
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    skipped = "skipped"


class JobTrigger(StrEnum):
    """Why a job slot ran: its schedule, the one catch-up after downtime, adopted from a dead leader, or by hand."""

    schedule = "schedule"
    catch_up = "catch_up"
    takeover = "takeover"
    manual = "manual"


class NotificationKind(StrEnum):
    sla_due_soon = "sla_due_soon"
    sla_overdue = "sla_overdue"
    sla_escalated = "sla_escalated"
    licence_expiring = "licence_expiring"
    licence_expired = "licence_expired"
    risk_recommendation = "risk_recommendation"
    change_request = "change_request"


class ApiScope(StrEnum):
    """What an API key may do; which scopes an organisation may hold depends on its kind (services.api_keys)."""

    contracts_read = "contracts:read"
    contracts_write = "contracts:write"
    fees_read = "fees:read"
    fees_write = "fees:write"
    findings_read = "findings:read"
    findings_respond = "findings:respond"
    complaints_read = "complaints:read"
    complaints_write = "complaints:write"
    sweeps_run = "sweeps:run"
    registry_write = "registry:write"


class DecisionKind(StrEnum):
    warning = "warning"
    demerit_points = "demerit_points"
    watchlist = "watchlist"
    suspension_recommendation = "suspension_recommendation"


class RecommendationStatus(StrEnum):
    """A risk recommendation waits for an inspector, who accepts it (a decision is recorded) or rejects it."""

    pending = "pending"
    accepted = "accepted"
    rejected = "rejected"


def values(enum: type[StrEnum]) -> tuple[str, ...]:
    """The stored spellings of ``enum``."""
    return tuple(member.value for member in enum)

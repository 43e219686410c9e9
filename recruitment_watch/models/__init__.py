"""SQLModel tables, one module per aggregate. Importing this package registers every table on the metadata."""

from sqlmodel import SQLModel

from recruitment_watch.models.accounts import ApiKey, Invitation, RecoveryCode, SecurityEvent, User, UserSession
from recruitment_watch.models.agencies import Agency, AgencyBranch, Employer, LicenceEvent, SubAgent
from recruitment_watch.models.change_requests import ChangeRequest
from recruitment_watch.models.complaints import Complaint, ComplaintAttachment, ComplaintContact, ComplaintEvent
from recruitment_watch.models.contracts import Contract, ContractVersion, JobOrder
from recruitment_watch.models.fees import FeePayment
from recruitment_watch.models.finding_tally import FindingTally
from recruitment_watch.models.findings import CheckRun, Decision, Finding, FindingAttachment
from recruitment_watch.models.imports import CsvImport, CsvImportRow
from recruitment_watch.models.operations import AuditEvent, IdempotencyRecord, JobRun, Notification
from recruitment_watch.models.organisations import Organisation
from recruitment_watch.models.pack_reviews import PackReview
from recruitment_watch.models.pack_settings import PackSetting
from recruitment_watch.models.reports import Report
from recruitment_watch.models.risk_recommendations import RiskRecommendation
from recruitment_watch.models.volume_tally import ContractDayTally, ContractTally, FeeTally
from recruitment_watch.models.wide_integers import widen
from recruitment_watch.models.workers import Worker, WorkerIdentity

WIDE_COLUMNS = widen(SQLModel.metadata)

__all__ = [
    "Agency",
    "AgencyBranch",
    "ApiKey",
    "AuditEvent",
    "ChangeRequest",
    "CheckRun",
    "Complaint",
    "ComplaintAttachment",
    "ComplaintContact",
    "ComplaintEvent",
    "Contract",
    "ContractDayTally",
    "ContractTally",
    "ContractVersion",
    "CsvImport",
    "CsvImportRow",
    "Decision",
    "Employer",
    "FeePayment",
    "FeeTally",
    "Finding",
    "FindingAttachment",
    "FindingTally",
    "IdempotencyRecord",
    "JobOrder",
    "JobRun",
    "LicenceEvent",
    "Invitation",
    "Notification",
    "Organisation",
    "PackReview",
    "PackSetting",
    "RecoveryCode",
    "Report",
    "RiskRecommendation",
    "SecurityEvent",
    "SubAgent",
    "User",
    "UserSession",
    "Worker",
    "WorkerIdentity",
]

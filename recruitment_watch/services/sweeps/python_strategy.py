"""The naive strategy: load each subject through the ORM and judge it in Python, one at a time.

It is the reference the set-based sweep is measured against (and agrees with); it is far too slow for large
databases, which is why sweeps use ``SqlStrategy``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from recruitment_watch.checks.evaluator import Judgement, judge, prepare_subject, to_finding
from recruitment_watch.checks.subjects import judging_date
from recruitment_watch.models import Agency, Complaint, ContractVersion, FeePayment
from recruitment_watch.services.criteria import subject_loader
from recruitment_watch.services.sweeps.recording import Candidate, Failure, Tally, failure_of, record_failures
from recruitment_watch.services.sweeps.scope import scope_of


class PythonStrategy:
    """Judge subjects one by one (optionally only the first ``limit`` of each type, for benchmarks)."""

    name = "python"

    def __init__(self, limit: int | None = None) -> None:
        self.limit = limit

    def _subjects(
        self, session: Session, subject_type: str, now: datetime, changed_since: datetime | None
    ) -> Iterator[tuple[int, int | None, dict[str, Any]]]:
        scope = scope_of(subject_type, changed_since)
        model = {"contract_version": ContractVersion, "fee_payment": FeePayment, "complaint": Complaint,
                 "agency": Agency}[subject_type]  # fmt: skip
        query = select(model).order_by(model.id)
        if scope is not None:
            query = query.where(model.id.in_(scope))
        if self.limit:
            query = query.limit(self.limit)
        for row in session.scalars(query).all():
            if subject_type == "contract_version":
                subject = subject_loader.contract_version_subject(session, row)
                yield row.id, subject["contract"]["agency_id"], subject
            elif subject_type == "fee_payment":
                subject = subject_loader.fee_payment_subject(session, row)
                if subject is not None:
                    yield row.id, row.agency_id, subject
            elif subject_type == "complaint":
                yield row.id, row.respondent_agency_id, subject_loader.complaint_subject(row, now)
            else:
                yield row.id, row.id, subject_loader.agency_subject(session, row.id, now.date())

    def judge_and_record(self, session, *, run_id, subject_type, judged, now, changed_since, repacked=()) -> Tally:
        """Judge every subject in scope in Python and upsert the findings."""
        return record_failures(
            session,
            run_id=run_id,
            subject_type=subject_type,
            criteria={criterion.id: pack.digest for pack, criterion in judged},
            scope=scope_of(subject_type, changed_since),
            candidates=self.candidates(session, subject_type, judged, now=now, changed_since=changed_since),
            render=self.render,
            now=now,
        )

    @staticmethod
    def render(candidate: Candidate) -> Failure:
        """The naive path renders as it judges: the payload is the finished ``Failure``."""
        return candidate.payload

    def candidates(self, session, subject_type, judged, *, now, changed_since) -> Iterator[Candidate]:
        for subject_id, agency_id, raw in self._subjects(session, subject_type, now, changed_since):
            subject = prepare_subject(subject_type, raw, now=now)
            when = judging_date(subject_type, subject, now.date())
            for pack, criterion in judged:
                verdict = judge(criterion, subject, on=when)
                if not verdict.failed:
                    continue
                finding = to_finding(Judgement(pack, criterion, verdict), subject)
                failure = failure_of(pack, criterion.spec, subject_id=subject_id, agency_id=agency_id,
                                     message=finding.message, evidence=finding.evidence)  # fmt: skip
                yield Candidate(criterion.id, subject_id, pack.digest, failure)

"""Public figures for the home page and the database status for ``/healthz``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, text
from sqlmodel import Session

from recruitment_watch.models import Agency, Complaint, Contract, FeePayment
from recruitment_watch.models.vocab import OPEN_COMPLAINT_STATUSES, LicenceStatus


def database_status(*, session: Session) -> dict[str, Any]:
    """Ask the database a trivial question; raises SQLAlchemyError when it cannot answer."""
    session.execute(text("SELECT 1"))
    return {"ok": True, "backend": session.get_bind().dialect.name}


def public_figures(*, session: Session) -> dict[str, Any]:
    """Counts a visitor may see: agencies by licence status, contracts, complaints open and closed."""
    by_status = dict(session.execute(select(Agency.status, func.count()).group_by(Agency.status)).all())
    complaints_open = session.scalar(
        select(func.count()).select_from(Complaint).where(Complaint.status.in_(OPEN_COMPLAINT_STATUSES))
    )
    return {
        "agencies_total": sum(by_status.values()),
        "agencies_by_status": [(status.value, by_status.get(status.value, 0)) for status in LicenceStatus],
        "contracts": session.scalar(select(func.count()).select_from(Contract)) or 0,
        "fee_payments": session.scalar(select(func.count()).select_from(FeePayment)) or 0,
        "complaints_open": complaints_open or 0,
        "complaints_total": session.scalar(select(func.count()).select_from(Complaint)) or 0,
    }

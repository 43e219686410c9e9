"""Workers: a pseudonymous row with the facts checks need, and identifying data kept apart.

Checks and reports read ``worker`` only. ``worker_identity`` holds name, passport number and phone so that the
retention job can pseudonymise a worker by deleting one row.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from recruitment_watch.models.base import Timestamped, one_of
from recruitment_watch.models.vocab import DocumentHolder, PassportCategory, Sex


class Worker(Timestamped, table=True):
    """A migrant worker, known to the checks only by a pseudonymous reference."""

    __tablename__ = "worker"
    __table_args__ = (
        one_of("sex", Sex),
        one_of("passport_held_by", DocumentHolder),
        one_of("passport_category", PassportCategory, nullable=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=32, unique=True)
    nationality: str = Field(max_length=2, index=True)
    sex: str = Field(default=Sex.undisclosed.value, max_length=16)
    date_of_birth: date | None = None
    # Languages the worker understands, stored ",ne,hi," (see models.base.pack_list).
    languages: str = Field(default="", max_length=100)
    domestic_worker: bool = False
    passport_held_by: str = Field(default=DocumentHolder.worker.value, max_length=16)
    # The date of the worker's written request that the employer keep the passport (Qatar Law 21/2015, Saudi rules
    # allow it then); NULL: no request recorded.
    passport_hold_requested_on: date | None = None
    # India's ECR/ECNR passport category (NULL: not known); emigration clearance follows it.
    passport_category: str | None = Field(default=None, max_length=8)
    pdo_completed: bool = False
    skills_certified: bool = False
    insured: bool = False
    pseudonymised_at: datetime | None = None


class WorkerIdentity(SQLModel, table=True):
    """Identifying data of a worker; deleted (not blanked) when the worker is pseudonymised."""

    __tablename__ = "worker_identity"

    worker_id: int = Field(foreign_key="worker.id", primary_key=True, ondelete="CASCADE")
    full_name: str = Field(max_length=200)
    passport_no: str | None = Field(default=None, max_length=32)
    phone: str | None = Field(default=None, max_length=40)
    address: str | None = Field(default=None, max_length=500)

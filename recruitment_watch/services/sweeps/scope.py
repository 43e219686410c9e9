"""What an incremental sweep judges: the subjects changed since the last successful run, by subject type."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select

from recruitment_watch.models import ContractVersion
from recruitment_watch.services.criteria.subject_sources import changed_contract_ids, changed_payment_ids

# Subject types whose incremental runs still judge everything.
ALWAYS_WHOLE = frozenset({"complaint", "agency"})


def scope_of(subject_type: str, changed_since: datetime | None) -> Select | None:
    """The subject ids an incremental run judges (None = all)."""
    if changed_since is None or subject_type in ALWAYS_WHOLE:
        return None
    if subject_type == "contract_version":
        return select(ContractVersion.id).where(ContractVersion.contract_id.in_(changed_contract_ids(changed_since)))
    return changed_payment_ids(changed_since)

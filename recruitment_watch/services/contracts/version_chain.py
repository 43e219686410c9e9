"""Is each contract's version chain intact? Recomputes every stored version's chained SHA-256.

A version's hash covers its canonical terms and the previous version's hash (services.contracts.version_hash), so
an edited version breaks its own link, and an edited version whose hash was recomputed to hide the edit breaks the
next version's link. The contract page asks about one contract; ``audit verify`` streams every contract.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from recruitment_watch.models import ContractVersion
from recruitment_watch.services.contracts.version_hash import HASHED_FIELDS, broken_links

# Versions read per round trip while walking every contract: bounded memory at millions of versions.
BATCH_SIZE = 5_000

_COLUMNS = tuple(
    getattr(ContractVersion, name) for name in ("contract_id", *HASHED_FIELDS, "content_sha256", "previous_sha256")
)


@dataclass(frozen=True)
class VersionChainStatus:
    """One contract's chain: intact or not, how many versions, the first version that no longer matches."""

    intact: bool
    versions: int
    first_broken_seq: int | None


def _rows(session: Session, statement: Any) -> Iterator[dict[str, Any]]:
    for row in session.execute(statement).mappings():
        yield dict(row)


def chain_status(session: Session, contract_id: int) -> VersionChainStatus:
    """The state of contract ``contract_id``'s version chain (a contract without versions is intact)."""
    statement = sa.select(*_COLUMNS).where(ContractVersion.contract_id == contract_id).order_by(ContractVersion.seq)
    versions = list(_rows(session, statement))
    broken = broken_links(versions)
    return VersionChainStatus(intact=not broken, versions=len(versions), first_broken_seq=broken[0] if broken else None)


def count_versions(session: Session) -> int:
    """How many versions ``broken_chains`` will read (for a progress bar)."""
    return session.execute(sa.select(sa.func.count()).select_from(ContractVersion)).scalar_one()


def _contract_batches(session: Session) -> Iterator[list[dict[str, Any]]]:
    """All versions in (contract, seq) order, in batches that never split a contract (keyset on contract id)."""
    after = 0
    while True:
        last_id = session.execute(
            sa.select(ContractVersion.contract_id)
            .where(ContractVersion.contract_id > after)
            .order_by(ContractVersion.contract_id)
            .offset(BATCH_SIZE - 1)
            .limit(1)
        ).scalar()
        statement = sa.select(*_COLUMNS).where(ContractVersion.contract_id > after)
        if last_id is not None:
            statement = statement.where(ContractVersion.contract_id <= last_id)
        rows = list(_rows(session, statement.order_by(ContractVersion.contract_id, ContractVersion.seq)))
        if not rows:
            return
        yield rows
        if last_id is None:
            return
        after = last_id


def broken_chains(session: Session, *, progress: Any = None) -> Iterator[tuple[int, int]]:
    """``(contract_id, first_broken_seq)`` for every contract whose chain is broken, streamed in contract order.

    ``progress`` (optional) is called with the number of versions read after each batch.
    """
    for rows in _contract_batches(session):
        start = 0
        for index in range(1, len(rows) + 1):
            if index == len(rows) or rows[index]["contract_id"] != rows[start]["contract_id"]:
                broken = broken_links(rows[start:index])
                if broken:
                    yield rows[start]["contract_id"], broken[0]
                start = index
        if progress is not None:
            progress(len(rows))

"""Legal review of the criteria packs: what a reviewer should look at first, and the record of a review.

The list (``review_list``) holds the INFERRED and RECALLED items of each pack, figures retrieved longer ago than the
configured age (``PACK_REVIEW_MAX_AGE_MONTHS``), criteria with no recorded provenance, and criteria new or changed
since the pack's last review. A review is recorded as a ``pack_review`` row per pack (never updated): the pack's
version and digest and a digest of every criterion, so the next list names exactly the criteria that changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from recruitment_watch.checks.packs import Pack
from recruitment_watch.checks.provenance import ReviewItem, changed_since, criterion_digests, review_items
from recruitment_watch.models import PackReview


@dataclass(frozen=True)
class PackToReview:
    """One pack's review list and when it was last reviewed (None: never)."""

    pack_id: str
    version: str
    last_review: PackReview | None
    items: tuple[ReviewItem, ...]


def last_reviews(*, session: Session) -> dict[str, PackReview]:
    """The newest review of each pack that has one."""
    newest = select(PackReview.pack_id, func.max(PackReview.id).label("id")).group_by(PackReview.pack_id).subquery()
    rows = session.scalars(select(PackReview).join(newest, PackReview.id == newest.c.id))
    return {row.pack_id: row for row in rows}


def review_list(packs: Iterable[Pack], *, session: Session, today: date, max_age_months: int) -> list[PackToReview]:
    """What a legal reviewer should look at, pack by pack (packs in the order given)."""
    reviewed = last_reviews(session=session)
    found = []
    for pack in packs:
        last = reviewed.get(pack.id)
        items = review_items(pack, today=today, max_age_months=max_age_months)
        items += changed_since(pack, last.criteria if last else None)
        found.append(PackToReview(pack.id, pack.version, last, tuple(items)))
    return found


def record_review(
    packs: Iterable[Pack], *, reviewer: str, note: str | None = None, user_id: int | None = None, session: Session
) -> list[PackReview]:
    """Record that ``reviewer`` reviewed ``packs`` as they are now (one row per pack; flushed, not committed)."""
    if not reviewer.strip():
        raise ValueError("a review names its reviewer")
    rows = [
        PackReview(
            pack_id=pack.id,
            pack_version=pack.version,
            pack_digest=pack.digest,
            criteria=criterion_digests(pack),
            reviewer=reviewer.strip(),
            note=note,
            reviewed_by_user_id=user_id,
        )
        for pack in packs
    ]
    session.add_all(rows)
    session.flush()
    return rows

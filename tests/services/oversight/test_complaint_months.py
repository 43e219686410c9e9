"""The workspace's complaints by month and SLA state (one CASE per complaint, one index range per month) equal the
complaint queue's own judgement, ``sla_state_of``, of every complaint, grouped by the UTC month it was received in:
random clocks around now (past due, due within the day, later, stopped), every status, and complaints received on
the first and the last microsecond of a month. Both databases."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

from recruitment_watch.models import Complaint
from recruitment_watch.models.vocab import ComplaintStatus
from recruitment_watch.services.casework.case_queue import sla_state_of
from recruitment_watch.services.oversight.workspace import CLOSED, COMPLAINT_STATES, complaints_by_month

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
EDGES = [datetime(2026, 6, 1, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC) - timedelta(microseconds=1),
         datetime(2025, 7, 1, tzinfo=UTC), datetime(2025, 7, 1, tzinfo=UTC) - timedelta(microseconds=1)]  # fmt: skip


def _clock(rng: random.Random) -> datetime | None:
    """A due date: none, long past, just past, due within the day, just after the day, or weeks away."""
    offsets = [None, -timedelta(days=9), -timedelta(minutes=5), timedelta(hours=3), timedelta(hours=23, minutes=59),
               timedelta(hours=24, minutes=1), timedelta(days=12)]  # fmt: skip
    offset = rng.choice(offsets)
    return None if offset is None else NOW + offset


def _complaints(rng: random.Random) -> list[Complaint]:
    received = EDGES + [NOW - timedelta(days=rng.randrange(0, 420), seconds=rng.randrange(86_400)) for _ in range(76)]
    made = []
    for number, at in enumerate(received):
        acknowledged = rng.random() < 0.3
        resolved = rng.random() < 0.2
        made.append(Complaint(
            reference=f"C-MON-{number:03d}", filed_by="worker", categories=",fees,", severity="medium", language="ne",
            summary="Fees were taken.", received_at=at, status=rng.choice(list(ComplaintStatus)).value,
            ack_due_at=_clock(rng), acknowledged_at=at + timedelta(hours=1) if acknowledged else None,
            resolve_due_at=_clock(rng), resolved_at=at + timedelta(hours=2) if resolved else None,
        ))  # fmt: skip
    return made


def test_complaints_by_month_equal_each_complaint_judged_on_its_own(session):
    rng = random.Random(15)
    made = _complaints(rng)
    session.add_all(made)
    session.commit()
    expected: Counter[tuple[tuple[int, int], str]] = Counter()
    for complaint in made:
        at = complaint.received_at.astimezone(UTC)
        state = sla_state_of(complaint, NOW)
        expected[((at.year, at.month), state.value if state else CLOSED)] += 1

    months = complaints_by_month(session=session, now=NOW)

    assert [row.month.isoformat() for row in (months[0], months[-1])] == ["2025-07-01", "2026-06-01"]
    got = Counter({((row.month.year, row.month.month), name): count for row in months
                   for name, count in zip(COMPLAINT_STATES, row.by_state, strict=True) if count})  # fmt: skip
    in_window = Counter({key: count for key, count in expected.items() if key[0] >= (2025, 7)})
    assert got == in_window
    assert {name for (_month, name) in got} == set(COMPLAINT_STATES)  # every state occurs, due soon included
    # The first microsecond of June is June's; the last of May is May's; June 2025 is outside the twelve months.
    assert sum(months[-1].by_state) == sum(count for (month, _), count in in_window.items() if month == (2026, 6))
    assert sum(count for (month, _), count in expected.items() if month < (2025, 7)) > 0

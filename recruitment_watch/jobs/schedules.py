"""When jobs run: schedule text → APScheduler 3 trigger, and the slot a moment belongs to.

A schedule is a crontab line in UTC (``"0 2 * * *"``), ``"every N seconds|minutes|hours|days"`` or ``"off"``.
Interval schedules are anchored on a fixed epoch, so every process agrees on the slots (an interval anchored on
"now", APScheduler's default, would give two schedulers different slots and defeat the UNIQUE(job, slot) guard).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
OFF = "off"
_EVERY = re.compile(r"^every\s+(\d+)\s+(second|minute|hour|day)s?$")


class ScheduleError(ValueError):
    """A schedule text that is neither a crontab line, ``every N unit`` nor ``off``."""


def parse_schedule(text: str) -> BaseTrigger | None:
    """The trigger for ``text``; ``None`` for ``off``. Raises ``ScheduleError`` with the accepted forms."""
    cleaned = " ".join(str(text).strip().lower().split())
    if cleaned == OFF:
        return None
    every = _EVERY.match(cleaned)
    if every:
        amount = int(every.group(1))
        if amount < 1:
            raise ScheduleError(f"schedule {text!r}: the interval must be at least 1")
        return IntervalTrigger(**{every.group(2) + "s": amount}, start_date=EPOCH, timezone=UTC)
    try:
        return CronTrigger.from_crontab(cleaned, timezone=UTC)
    except ValueError as exc:
        raise ScheduleError(
            f'schedule {text!r}: {exc}; use a crontab line in UTC ("0 2 * * *"), "every 15 minutes" or "off"'
        ) from exc


def latest_slot(trigger: BaseTrigger, now: datetime) -> datetime | None:
    """The most recent fire time at or before ``now`` (the slot a run at ``now`` belongs to), if any."""
    if isinstance(trigger, IntervalTrigger):
        step = trigger.interval.total_seconds()
        start = trigger.start_date
        if now < start:
            return None
        return start + timedelta(seconds=step * ((now - start).total_seconds() // step))
    lookback = timedelta(days=1)
    while lookback <= timedelta(days=800):
        fire = trigger.get_next_fire_time(None, now - lookback)
        last = None
        while fire is not None and fire <= now:
            last = fire
            fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
        if last is not None:
            return last
        lookback *= 4
    return None


def next_slot(trigger: BaseTrigger, now: datetime) -> datetime | None:
    """The first fire time strictly after ``now``."""
    return trigger.get_next_fire_time(None, now + timedelta(microseconds=1))


def describe(text: str) -> str:
    """The schedule text as people read it (``off`` → ``off (not scheduled)``)."""
    cleaned = " ".join(str(text).strip().split())
    if cleaned.lower() == OFF:
        return "off (not scheduled)"
    return cleaned if cleaned.startswith("every") else cleaned + " UTC"

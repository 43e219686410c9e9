"""Schedule texts and slots: every process must agree on which slot a moment belongs to."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from recruitment_watch.config import from_environment
from recruitment_watch.jobs.catalogue import JOBS, check_schedules
from recruitment_watch.jobs.schedules import ScheduleError, describe, latest_slot, next_slot, parse_schedule


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_interval_slots_are_aligned_on_the_clock_not_on_process_start():
    trigger = parse_schedule("every 15 minutes")
    assert latest_slot(trigger, at("2026-11-25 10:44:59")) == at("2026-11-25 10:30:00")
    assert latest_slot(trigger, at("2026-11-25 10:45:00")) == at("2026-11-25 10:45:00")
    assert next_slot(trigger, at("2026-11-25 10:45:00")) == at("2026-11-25 11:00:00")
    # a second parse (another process) gives the same slots
    assert latest_slot(parse_schedule("every 15 minutes"), at("2026-11-25 10:44:59")) == at("2026-11-25 10:30:00")


def test_crontab_slots_look_back_far_enough_for_a_monthly_job():
    monthly = parse_schedule("0 4 1 * *")
    assert latest_slot(monthly, at("2026-11-25 12:00:00")) == at("2026-11-01 04:00:00")
    assert latest_slot(monthly, at("2026-11-01 03:59:59")) == at("2026-10-01 04:00:00")
    nightly = parse_schedule("0 2 * * *")
    assert latest_slot(nightly, at("2026-11-25 02:00:00")) == at("2026-11-25 02:00:00")
    assert next_slot(nightly, at("2026-11-25 02:00:00")) == at("2026-11-26 02:00:00")


@pytest.mark.parametrize("text", ["every 0 minutes", "every 5 fortnights", "61 * * * *", "hourly-ish", ""])
def test_unreadable_schedules_are_refused_with_the_accepted_forms(text):
    with pytest.raises(ScheduleError, match="crontab line in UTC|at least 1"):
        parse_schedule(text)


def test_off_disables_a_job_and_reads_as_such():
    assert parse_schedule(" OFF ") is None
    assert describe("off") == "off (not scheduled)"
    assert describe("0 2 * * *") == "0 2 * * * UTC"


def test_every_default_schedule_parses_and_config_names_the_faulty_job():
    check_schedules({})
    assert {spec.id for spec in JOBS} == {
        "sweep-incremental", "sweep-full", "complaint-sla", "licence-expiry", "risk-recommendations", "retention",
        "ministry-report",
    }  # fmt: skip
    with pytest.raises(ValueError, match="unknown jobs nightly-sweep"):
        check_schedules({"SCHEDULES": {"nightly-sweep": "0 2 * * *"}})
    with pytest.raises(ValueError, match=r"SCHEDULES\['sweep-full'\]: schedule 'at two'"):
        check_schedules({"SCHEDULES": {"sweep-full": "at two"}})


def test_schedules_and_lists_come_from_the_environment_typed_like_their_defaults():
    found = from_environment(
        {
            "RW_SCHEDULES": '{"sweep-full": "30 1 * * *"}',
            "RW_LICENCE_WARNING_DAYS": "90, 30,7",
            "RW_SLA_REMINDER_FRACTION": "0.5",
            "RW_SLA_ESCALATION_CRITERIA": "CMP-003,CMP-009",
        }
    )
    assert found == {
        "SCHEDULES": {"sweep-full": "30 1 * * *"},
        "LICENCE_WARNING_DAYS": [90, 30, 7],
        "SLA_REMINDER_FRACTION": 0.5,
        "SLA_ESCALATION_CRITERIA": ["CMP-003", "CMP-009"],
    }

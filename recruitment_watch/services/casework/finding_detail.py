"""One finding as its page shows it: the finding as the reader may see it, the rule it applies (title, rationale,
remediation from its pack), the agency's response files and who did what to it (history)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from recruitment_watch.models import Agency, FindingAttachment, User
from recruitment_watch.services.access import scoping
from recruitment_watch.services.access.actor import Actor
from recruitment_watch.services.casework.findings import OPEN_STATUSES, as_seen_by, attachments_of
from recruitment_watch.services.criteria.packs import active_packs


@dataclass(frozen=True)
class Rule:
    """The criterion a finding applies, as its pack words it now."""

    title: str
    rationale: str
    remediation: str
    pack_version: str


@dataclass(frozen=True)
class HistoryEntry:
    """One step of a finding's life: what happened, when, and who did it (a name only for the ministry)."""

    what: str
    at: datetime
    by: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class FindingDetail:
    finding: dict[str, Any]
    agency_name: str | None
    rule: Rule | None
    files: list[FindingAttachment]
    history: list[HistoryEntry]
    assignee_name: str | None
    is_open: bool


def rule_of(pack_id: str, criterion_id: str) -> Rule | None:
    """The criterion's words in the pack shipped now (None when the pack or criterion is gone)."""
    for pack in active_packs():
        if pack.id != pack_id:
            continue
        for criterion in pack.criteria:
            if criterion.id == criterion_id:
                spec = criterion.spec
                return Rule(str(spec.title), str(spec.rationale), str(spec.remediation), pack.version)
    return None


def _names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = {user_id for user_id in ids if user_id is not None}
    if not wanted:
        return {}
    return dict(session.execute(select(User.id, User.full_name).where(User.id.in_(wanted))).all())


def _history(seen: dict[str, Any], names: dict[int, str], staff: bool) -> list[HistoryEntry]:
    """The finding's steps, oldest first; an agency reads what happened, not which inspector did it."""

    def who(user_id: int | None) -> str | None:
        return names.get(user_id) if staff and user_id is not None else None

    steps = [HistoryEntry("first_seen", seen["first_seen_at"])]
    if seen["disclosed_at"] and staff:
        steps.append(HistoryEntry("disclosed", seen["disclosed_at"], who(seen["disclosed_by_user_id"])))
    if seen["agency_responded_at"]:
        steps.append(HistoryEntry("agency_responded", seen["agency_responded_at"]))
    if seen["verified_at"]:
        steps.append(HistoryEntry("verified_remediated", seen["verified_at"], who(seen["verified_by_user_id"])))
    if seen["status"] == "dismissed" and seen["resolved_at"]:
        steps.append(HistoryEntry("dismissed", seen["resolved_at"], who(seen["dismissed_by_user_id"]),
                                  seen["dismissed_reason"]))  # fmt: skip
    if seen["status"] == "auto_resolved" and seen["resolved_at"]:
        steps.append(HistoryEntry("auto_resolved", seen["resolved_at"]))
    steps.append(HistoryEntry("last_seen", seen["last_seen_at"]))
    return sorted(steps, key=lambda step: step.at)


def finding_detail(actor: Actor, finding_id: int, *, session: Session) -> FindingDetail:
    """The finding ``finding_id`` as the actor may read it; ``NotFound`` for one outside the actor's scope (an agency
    never reaches a complaint finding no inspector disclosed)."""
    finding = scoping.finding_of(actor, finding_id, session=session)
    seen = as_seen_by(actor, finding)
    staff = actor.sees_everything
    names = _names(session, {finding.verified_by_user_id, finding.dismissed_by_user_id, finding.disclosed_by_user_id,
                             finding.assigned_to_user_id}) if staff else {}  # fmt: skip
    agency = session.get(Agency, finding.agency_id) if finding.agency_id is not None else None
    return FindingDetail(
        finding=seen, agency_name=agency.name if agency else None,
        rule=rule_of(finding.pack_id, finding.criterion_id), files=attachments_of(session, finding),
        history=_history(seen, names, staff), assignee_name=names.get(finding.assigned_to_user_id),
        is_open=finding.status in OPEN_STATUSES,
    )  # fmt: skip

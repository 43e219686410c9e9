"""One event for a whole bulk run (a sweep, a demo load): the rows it wrote are summarised, not listed."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from recruitment_watch.services.trust.capture import AUDIT_OPTION
from recruitment_watch.services.trust.chain import Change, append_events
from recruitment_watch.services.trust.policy import plain


def record_summary(session: Session, *, action: str, object_type: str, object_id: Any, detail: dict[str, Any]) -> None:
    """Append one summarising event (``sweep``, ``demo_load``) in ``session``'s transaction."""
    if session.bind is not None and not session.bind.get_execution_options().get(AUDIT_OPTION, True):
        return
    append_events(session, [Change(action, object_type, str(object_id), None, plain(detail))])

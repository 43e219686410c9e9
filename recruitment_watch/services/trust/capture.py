"""Capturing every change in one place: SQLAlchemy session events, installed once for the ``Session`` class.

``after_flush`` sees every object the flush inserted, updated or deleted (the session still holds the pre-flush
state and each attribute's history) and appends one audit event per audited row in the same transaction, so the
event commits or rolls back with the change. ``do_orm_execute`` sees the statements services send through
``session.execute`` instead of the ORM: an INSERT that returns ids records one event per row; any other
INSERT, UPDATE or DELETE of an audited table records one summarising event (rows, columns, condition).

Bulk paths (a sweep, the demo loader) mark their session with ``summarised`` and record one event per run
themselves; statements sent on a raw connection are not seen here (docs/reliability.md lists them).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event, inspect
from sqlalchemy.orm import ORMExecuteState
from sqlmodel import Session

from recruitment_watch.services.trust.chain import Change, append_events, forget_last_hash
from recruitment_watch.services.trust.policy import is_audited, is_ignored, plain, recorded

# Engine execution option: False turns auditing off for that engine (the benchmark's comparison only).
AUDIT_OPTION = "rw_audit"
# Session.info key: this session's writes are summarised by the bulk path that made it (value: why).
SUMMARISED = "rw.audit.summarised"


def install() -> None:
    """Listen on the ``Session`` class (idempotent: every engine made by ``db.make_engine`` calls it)."""
    if event.contains(Session, "after_flush", _after_flush):
        return
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "do_orm_execute", _on_execute)
    event.listen(Session, "after_transaction_end", _after_transaction_end)


def set_enabled(engine: Engine, enabled: bool) -> None:
    """Turn auditing of ``engine``'s sessions on or off (config ``AUDIT_ENABLED``; on unless benchmarking)."""
    engine.update_execution_options(**{AUDIT_OPTION: enabled})


def summarised(session: Session, reason: str) -> None:
    """Leave ``session``'s row-by-row writes out: the bulk path that opened it records one event for all of them."""
    session.info[SUMMARISED] = reason


def _auditing(session: Session) -> bool:
    if SUMMARISED in session.info or session.bind is None:
        return False
    return session.bind.get_execution_options().get(AUDIT_OPTION, True)


def _table_of(obj: Any) -> tuple[Any, str] | None:
    state = inspect(obj)
    table = getattr(state.mapper.local_table, "name", None)
    return (state, table) if table and is_audited(table) else None


def _object_id(state: Any) -> str:
    return "/".join(str(state.dict.get(state.mapper.get_property_by_column(column).key))
                    for column in state.mapper.primary_key)  # fmt: skip


def _keys(state: Any) -> frozenset[str]:
    return frozenset(state.mapper.get_property_by_column(column).key for column in state.mapper.primary_key)


def _snapshot(state: Any, table: str) -> dict[str, Any]:
    """The loaded fields of a row as the trail records them (no load is triggered: the row may be gone)."""
    keys = _keys(state)
    return {
        attr.key: recorded(table, attr.key, state.dict[attr.key], keys)
        for attr in state.mapper.column_attrs
        if attr.key in state.dict and not is_ignored(table, attr.key)
    }


def _difference(state: Any, table: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The changed fields of a row, before and after (before is null where the old value was not loaded)."""
    keys = _keys(state)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        if is_ignored(table, attr.key):
            continue
        history = state.attrs[attr.key].history
        if not history.added:
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0]
        if history.deleted and plain(old) == plain(new):
            continue
        before[attr.key] = recorded(table, attr.key, old, keys)
        after[attr.key] = recorded(table, attr.key, new, keys)
    return before, after


def flushed_changes(session: Session) -> list[Change]:
    """What the flush that just ran did to audited rows: creations, then updates, then deletions."""
    changes = []
    for obj in session.new:
        found = _table_of(obj)
        if found:
            changes.append(Change("create", found[1], _object_id(found[0]), None, _snapshot(*found)))
    for obj in session.dirty:
        found = _table_of(obj)
        if found:
            before, after = _difference(*found)
            if after:
                changes.append(Change("update", found[1], _object_id(found[0]), before, after))
    for obj in session.deleted:
        found = _table_of(obj)
        if found:
            changes.append(Change("delete", found[1], _object_id(found[0]), _snapshot(*found), None))
    return changes


def _after_flush(session: Session, _flush_context: Any) -> None:
    if _auditing(session):
        append_events(session, flushed_changes(session))


def _after_transaction_end(session: Session, transaction: Any) -> None:
    """The cached last hash dies with the transaction or a savepoint (rolled back, it may take events with it); a
    flush's own inner transaction ending changes nothing."""
    if transaction.parent is None or transaction.nested:
        forget_last_hash(session)


def _on_execute(state: ORMExecuteState) -> Any:
    """Record what an INSERT, UPDATE or DELETE sent through ``session.execute`` did to an audited table."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if table is None or not is_audited(table) or not _auditing(state.session):
        return None
    result = state.invoke_statement()
    if state.is_insert:
        return _record_insert(state, table, result)
    rows = result.rowcount or 0
    if rows:
        action = "bulk_update" if state.is_update else "bulk_delete"
        append_events(state.session, [Change(action, table, "*", None, _statement_summary(state.statement, rows))])
    return result


def _record_insert(state: ORMExecuteState, table: str, result: Any) -> Any:
    """One event per inserted row when the statement returned the ids (in parameter order), else one summary."""
    parameters = state.parameters if isinstance(state.parameters, list) else [state.parameters or {}]
    if not getattr(state.statement, "_returning", None):  # no RETURNING: the ids are not known here
        append_events(state.session, [Change("bulk_create", table, "*", None, {"rows": len(parameters)})])
        return result
    frozen = result.freeze()
    returned = frozen().mappings().all()
    if len(returned) != len(parameters) or any("id" not in row for row in returned):
        append_events(state.session, [Change("bulk_create", table, "*", None, {"rows": len(returned)})])
        return frozen()
    changes = [
        Change("create", table, str(row["id"]), None, _inserted(table, {**values, "id": row["id"]}))
        for values, row in zip(parameters, returned, strict=True)
    ]
    append_events(state.session, changes)
    return frozen()


def _inserted(table: str, values: dict[str, Any]) -> dict[str, Any]:
    return {key: recorded(table, key, value, frozenset({"id"})) for key, value in values.items()
            if not is_ignored(table, key)}  # fmt: skip


def _statement_summary(statement: Any, rows: int) -> dict[str, Any]:
    """What a set-based UPDATE/DELETE did: how many rows, which columns it set, its condition (no values)."""
    columns = sorted(str(getattr(column, "key", column)) for column in (getattr(statement, "_values", None) or {}))
    condition = getattr(statement, "whereclause", None)
    return {"rows": rows, "columns": columns, "where": str(condition)[:500] if condition is not None else None}

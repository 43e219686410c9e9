"""Verdict codes, the evidence a compiled check exposes, and the registry of SQL check compilers.

A compiled verdict is a small integer (cheaper to compute, compare and transfer than text):
``0`` passed, ``1`` failed, ``2`` not applicable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, case, literal

from recruitment_watch.checks_sql.context import Context
from recruitment_watch.checks_sql.schema import leaf_paths, path_info

PASSED, FAILED, NOT_APPLICABLE = 0, 1, 2
OUTCOMES = {PASSED: "passed", FAILED: "failed", NOT_APPLICABLE: "not_applicable"}
CODES = {name: code for code, name in OUTCOMES.items()}


def code(outcome: str) -> ColumnElement:
    """The literal verdict code of ``outcome`` (``passed``, ``failed``, ``not_applicable``)."""
    return literal(CODES[outcome])


def outcome_of(value: int) -> str:
    """The outcome name of a verdict code read from the database."""
    return OUTCOMES[int(value)]


def decide(*whens: tuple[ColumnElement, str], otherwise: str) -> ColumnElement:
    """A CASE choosing the first outcome whose (never-null) test holds."""
    return case(*((test, code(outcome)) for test, outcome in whens), else_=code(otherwise))


@dataclass
class Evidence:
    """SQL expressions a failing row needs to rebuild the Python evidence and message.

    Keys are raw subject leaf paths (``version.signed_on``; decoded like ``unflatten``) or computed values
    prefixed ``=`` (``=days_between``); ``kinds`` says how to decode each.
    """

    exprs: dict[str, ColumnElement] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)

    def path(self, ctx: Context, path: str) -> None:
        """Add every stored leaf under ``path`` (and the presence flag of an optional object above it)."""
        if path == "now" and path_info(ctx.subject_type, path) is not None:
            self.value("now", ctx.now, "datetime")
            return
        parts = path.split(".")
        prefixes = [".".join(parts[:depth]) for depth in range(1, len(parts))]
        for leaf in prefixes + leaf_paths(ctx.subject_type, path):
            info = path_info(ctx.subject_type, leaf)
            if info is None or info.column is None:
                continue
            key = f"{leaf}.present" if info.kind == "model" else leaf
            self.exprs[key] = ctx.column(info)
            self.kinds[key] = "bool" if info.kind == "model" else info.kind

    def value(self, name: str, expr: ColumnElement, kind: str) -> None:
        """Add a computed value under ``=name``."""
        self.exprs[f"={name}"], self.kinds[f"={name}"] = expr, kind


@dataclass
class CheckSql:
    """What a check compiler returns: the verdict CASE and its evidence."""

    verdict: ColumnElement
    evidence: Evidence


Compiler = Callable[[Context, Any], CheckSql]
EvidenceBuilder = Callable[[Any, dict[str, Any], dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class SqlCheck:
    """A check type's SQL compiler and the function rebuilding its Python evidence from decoded values."""

    compile: Compiler
    evidence: EvidenceBuilder


SQL_CHECKS: dict[str, SqlCheck] = {}


def sql_check(key: str, evidence: EvidenceBuilder) -> Callable[[Compiler], Compiler]:
    """Register the decorated function as the SQL compiler of check type ``key``."""

    def register(compiler: Compiler) -> Compiler:
        SQL_CHECKS[key] = SqlCheck(compiler, evidence)
        return compiler

    return register


def sql_check_for(ctx: Context, key: str) -> SqlCheck:
    """The registered SQL check for ``key`` (loading the built-in modules once)."""
    from recruitment_watch.checks_sql import checks_basic, checks_contract, checks_fees, checks_time  # noqa: F401

    try:
        return SQL_CHECKS[key]
    except KeyError:
        raise ctx.fail(f"check type {key!r} has no SQL compiler") from None

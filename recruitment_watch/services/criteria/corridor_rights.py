"""Know your rights before you go: what the criteria packs in force say about one corridor (origin × destination),
as plain data with the numbers and citations of the criteria, so the rules shown to workers are the rules the checks
enforce. The words are the pages' business; this module only picks and reads criteria.

Pure: it takes loaded packs and a day and reads nothing else. A criterion speaks for a corridor when its
``applies_when`` can hold for a contract from the origin to the destination signed (or a payment made) that day:
the two countries and the day are known, every other field is unknown and so neither includes nor excludes it. A
condition on the worker (domestic workers, women) is kept as whom the statement is for. Criteria whose meaning has no
plain sentence here (agency licensing, complaint handling, data quality) are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from recruitment_watch.checks.conditions import AllOf, Comparison, NotOf, compare
from recruitment_watch.checks.effective import rule_in_force
from recruitment_watch.checks.packs import Criterion, Pack
from recruitment_watch.money import exponent

ORIGIN_PACK, DESTINATION_PACK = "origin-", "dest-"
# The fields a corridor page knows; every other field of a condition is unknown.
ORIGIN, DESTINATION = "contract.origin_country", "contract.destination_country"
DATED = ("payment.paid_on", "version.signed_on")
# Worker conditions turned into whom a statement is for.
FOR_WHOM = {
    ("worker.domestic_worker", True): "domestic_workers",
    ("worker.domestic_worker", False): "other_workers",
    ("worker.sex", "female"): "women",
    ("worker.sex", "male"): "men",
}
HOURS_FIELDS = (
    "version.hours_per_day",
    "version.days_per_week",
    "version.weekly_rest_days",
    "version.daily_rest_hours",
)
# Contract-term fields guarded against substitution, in the groups a worker recognises.
TERM_GROUPS = {
    "wage": ("basic_wage_minor", "basic_wage_usd_minor", "overtime_rate_pct"),
    "benefits": ("food_allowance_minor", "housing_allowance_minor", "transport_allowance_minor", "food_provided",
                 "housing_provided", "medical_cover"),
    "employer": ("employer_id",), "job": ("isco_code",), "place": ("worksite_country", "worksite_city"),
    "hours": ("hours_per_day", "days_per_week", "weekly_rest_days", "daily_rest_hours", "annual_leave_days"),
    "term": ("duration_months", "probation_months"),
    "leaving": ("termination_notice_days", "return_ticket_by", "repatriation_clause"),
    "costs": ("deductions", "recruitment_costs_borne_by"),
}  # fmt: skip
_NEGATED = {"eq": "ne", "ne": "eq", "lt": "ge", "ge": "lt", "gt": "le", "le": "gt"}
# Within a section and a scope: bans before caps, the general before the particular.
KINDS = ("fees_banned", "fee_cap", "employer_pays_costs", "employer_pays_return", "no_wage_deduction", "no_cash",
         "wage_floor", "hours", "passport", "contract_language", "contract_in", "contract_copy",
         "signed_before_departure", "no_substitution", "max_term", "max_notice")  # fmt: skip


class Topic(StrEnum):
    """The sections of a corridor page, in page order."""

    fees = "fees"
    wages = "wages"
    hours = "hours"
    passport = "passport"
    contract = "contract"


class Scope(StrEnum):
    """Whose rule: a general pack (ILO, IRIS, shared rules), the origin country's or the destination's."""

    general = "general"
    origin = "origin"
    destination = "destination"


@dataclass(frozen=True, order=True)
class Corridor:
    """An origin country and a destination country with a pack each."""

    origin: str
    destination: str

    @property
    def slug(self) -> str:
        """As in the address: ``NP-QA``."""
        return f"{self.origin}-{self.destination}"


@dataclass(frozen=True)
class Source:
    """The criterion a statement comes from, with what it cites; ``inferred`` thresholds are this system's choice."""

    criterion_id: str
    pack_id: str
    instrument: str
    article: str
    inferred: bool


@dataclass(frozen=True)
class Amount:
    """Money in integer minor units of an ISO currency."""

    amount_minor: int
    currency: str

    @property
    def major(self) -> Decimal:
        """The amount in major units (``NPR 10,000`` for 1,000,000 paisa)."""
        return Decimal(self.amount_minor).scaleb(-exponent(self.currency))


@dataclass(frozen=True)
class Statement:
    """One thing a worker may rely on. ``kind`` names the sentence; only the values it needs are set.

    Kinds: ``fees_banned`` (categories, payees), ``fee_cap`` (amount or wage_multiple, categories: empty = all),
    ``no_cash``, ``no_wage_deduction``, ``employer_pays_costs``, ``employer_pays_return``, ``wage_floor`` (amount,
    allowances), ``hours`` (limits), ``passport``, ``contract_language``, ``contract_in`` (language),
    ``contract_copy``, ``signed_before_departure`` (days), ``no_substitution`` (term_groups), ``max_term``
    (months), ``max_notice`` (days).
    """

    topic: Topic
    kind: str
    scope: Scope
    inferred: bool
    sources: tuple[Source, ...]
    for_whom: tuple[str, ...] = ()
    amount: Amount | None = None
    wage_multiple: float | None = None
    categories: tuple[str, ...] = ()
    payees: tuple[str, ...] = ()
    allowances: tuple[tuple[str, Amount, bool], ...] = ()  # (what, at least, unless the employer provides it)
    limits: tuple[tuple[str, str, int | float], ...] = ()  # (field name, "at_most" | "at_least", value)
    language: str | None = None
    days: int | None = None
    months: int | None = None
    term_groups: tuple[str, ...] = ()
    valid_from: date | None = None

    @property
    def criterion_ids(self) -> tuple[str, ...]:
        """The ids of the criteria cited."""
        return tuple(source.criterion_id for source in self.sources)


@dataclass(frozen=True)
class CorridorRights:
    """A corridor's page: its statements by topic, the packs they come from and the day they are in force."""

    corridor: Corridor
    on: date
    statements: tuple[Statement, ...]
    packs: tuple[tuple[str, str], ...]  # (pack id, version) of the packs in force the statements cite

    def on_topic(self, topic: Topic | str) -> list[Statement]:
        """The statements of one section."""
        return [statement for statement in self.statements if statement.topic == topic]


def country_of(pack_id: str) -> tuple[Scope, str | None]:
    """Whether a pack is an origin's, a destination's or general, and its country code."""
    for prefix, scope in ((ORIGIN_PACK, Scope.origin), (DESTINATION_PACK, Scope.destination)):
        if pack_id.startswith(prefix):
            return scope, pack_id.removeprefix(prefix)
    return Scope.general, None


def corridors(packs: Iterable[Pack]) -> list[Corridor]:
    """Every origin pack × destination pack among ``packs``, by origin then destination."""
    found: dict[Scope, set[str]] = {Scope.origin: set(), Scope.destination: set()}
    for pack in packs:
        scope, country = country_of(pack.id)
        if country:
            found[scope].add(country)
    return sorted(Corridor(o, d) for o in found[Scope.origin] for d in found[Scope.destination])


def find_corridor(slug: str, packs: Iterable[Pack]) -> Corridor | None:
    """The corridor named ``slug`` (``NP-QA``) when both its packs exist, else None."""
    return next((corridor for corridor in corridors(packs) if corridor.slug == slug), None)


def corridor_rights(corridor: Corridor, packs: Sequence[Pack], *, on: date) -> CorridorRights:
    """What ``packs`` (those in force) say a worker of ``corridor`` may rely on, with the rules in force ``on``.

    Only the corridor's own country packs and the general packs are read (another country's pack never speaks here).
    Statements saying the same thing are merged, citing every criterion; a ban on fees already covered by a wider
    ban of the same scope and for the same people adds its citation to the wider one.
    """
    facts: dict[str, Any] = {ORIGIN: corridor.origin, DESTINATION: corridor.destination}
    facts.update(dict.fromkeys(DATED, on))
    read, statements = [], []
    for pack in packs:
        scope, country = country_of(pack.id)
        if country not in (None, corridor.origin if scope is Scope.origin else corridor.destination):
            continue
        read.append((pack.id, pack.version))
        for criterion in pack.criteria:
            if criterion.spec.severity == "advisory":  # announced, not yet binding: no right a worker can claim
                continue
            condition = criterion.spec.applies_when
            if condition is not None and _may_hold(condition, facts) is False:
                continue
            statement = statement_of(criterion, pack.id, scope, on)
            if statement is not None:
                statements.append(replace(statement, for_whom=_for_whom(condition)))
    ordered = sorted(_merged(statements), key=_page_order)
    cited = {source.pack_id for statement in ordered for source in statement.sources}
    return CorridorRights(corridor, on, tuple(ordered), tuple(pack for pack in read if pack[0] in cited))


def _page_order(statement: Statement) -> tuple[int, int, int, int]:
    topic, scope = list(Topic).index(statement.topic), list(Scope).index(statement.scope)
    return topic, scope, KINDS.index(statement.kind), len(statement.for_whom)


def _may_hold(condition: Any, facts: dict[str, Any]) -> bool | None:
    """Three-valued: True or False when the known ``facts`` decide ``condition``, None when they do not."""
    if isinstance(condition, Comparison):
        if condition.field not in facts or condition.other_field:
            return None
        return compare(condition.op, facts[condition.field], condition.value)
    if isinstance(condition, NotOf):
        inner = _may_hold(condition.not_, facts)
        return None if inner is None else not inner
    results = [
        _may_hold(member, facts) for member in (condition.all if isinstance(condition, AllOf) else condition.any)
    ]
    decisive, other = (False, True) if isinstance(condition, AllOf) else (True, False)
    if decisive in results:
        return decisive
    return other if all(result is other for result in results) else None


def _for_whom(condition: Any) -> tuple[str, ...]:
    """The worker groups a top-level condition (or one member of a top-level ``all``) restricts a criterion to."""
    members = condition.all if isinstance(condition, AllOf) else [condition]
    found = [
        FOR_WHOM.get((member.field, member.value))
        for member in members
        if isinstance(member, Comparison) and member.op == "eq" and not member.other_field
    ]
    return tuple(sorted(group for group in found if group))


def _source(criterion: Criterion, pack_id: str, inferred: bool) -> Source:
    citation = criterion.spec.citation
    return Source(criterion.id, pack_id, citation.instrument, citation.article, inferred)


def statement_of(criterion: Criterion, pack_id: str, scope: Scope, on: date) -> Statement | None:
    """The statement a criterion makes to a worker as of ``on``, or None (no plain sentence, no rule in force)."""
    inferred = criterion.spec.evidence_tag == "INFERRED"
    params, key = criterion.params, criterion.check.key
    found: dict[str, Any] | None = None
    if key == "fee-category-banned":
        payees = tuple(params.payee_types or ())
        found = {"topic": Topic.fees, "kind": "fees_banned", "categories": tuple(params.categories), "payees": payees}
    elif key in ("fee-total-cap", "wage-floor"):
        rule = rule_in_force(params.rules, on)
        if rule is None:
            return None
        inferred = inferred or rule.evidence_tag == "INFERRED"
        found = _cap(params, rule) if key == "fee-total-cap" else _floor(rule)
    elif key == "field-condition":
        found = _condition_statement(params.require or params.forbid, negate=params.forbid is not None)
    elif key == "date-order" and (params.earlier, params.later) == ("version.signed_on", "contract.departure_on"):
        found = {"topic": Topic.contract, "kind": "signed_before_departure", "days": params.min_days}
    elif key == "version-unfavourable-change":
        fields = {change.field for change in params.fields}
        groups = tuple(group for group, members in TERM_GROUPS.items() if fields & set(members))
        found = {"topic": Topic.contract, "kind": "no_substitution", "term_groups": groups}
    if found is None:
        return None
    return Statement(scope=scope, inferred=inferred, sources=(_source(criterion, pack_id, inferred),), **found)


def _cap(params: Any, rule: Any) -> dict[str, Any]:
    amount = Amount(rule.cap.amount_minor, rule.cap.currency) if rule.cap else None
    return {"topic": Topic.fees, "kind": "fee_cap", "amount": amount, "wage_multiple": rule.wage_multiple,
            "categories": tuple(params.categories or ()), "valid_from": rule.valid_from}  # fmt: skip


def _floor(rule: Any) -> dict[str, Any]:
    currency = rule.floor.currency
    allowances = tuple(
        (allowance.field.removeprefix("version.").removesuffix("_allowance_minor"),
         Amount(allowance.min_minor, currency), allowance.unless_true is not None)
        for allowance in rule.allowances
    )  # fmt: skip
    return {"topic": Topic.wages, "kind": "wage_floor", "amount": Amount(rule.floor.amount_minor, currency),
            "allowances": allowances, "valid_from": rule.valid_from}  # fmt: skip


def _leaves(condition: Any) -> list[Comparison] | None:
    """The comparisons of a condition that is one comparison or an ``all`` of them; None for any other shape."""
    if isinstance(condition, Comparison):
        return [condition]
    if isinstance(condition, AllOf) and all(isinstance(member, Comparison) for member in condition.all):
        return list(condition.all)
    return None


def _condition_statement(condition: Any, *, negate: bool) -> dict[str, Any] | None:
    """A ``field-condition`` as a statement when every comparison in it reads as one (``forbid`` is negated)."""
    leaves = _leaves(condition)
    if leaves is None or (negate and len(leaves) > 1):  # not (a and b) is no list of requirements
        return None
    required = []
    for leaf in leaves:
        op = _NEGATED.get(leaf.op) if negate else leaf.op
        if op is None:
            return None
        required.append((leaf.field, op, leaf.other_field or leaf.value))
    if all(field in HOURS_FIELDS and op in ("le", "ge", "lt", "gt") for field, op, _value in required):
        limits = tuple(_limit(field, op, value) for field, op, value in required)
        return {"topic": Topic.hours, "kind": "hours", "limits": limits}
    if len(required) != 1:
        return None
    return _single_requirement(*required[0])


def _limit(field: str, op: str, value: int | float) -> tuple[str, str, int | float]:
    """An hours comparison as (name, at_most | at_least, value); strict bounds of whole numbers made inclusive."""
    name = field.removeprefix("version.")
    if op in ("lt", "gt") and isinstance(value, int):
        op, value = ("le", value - 1) if op == "lt" else ("ge", value + 1)
    return name, "at_most" if op in ("le", "lt") else "at_least", value


def _single_requirement(field: str, op: str, value: Any) -> dict[str, Any] | None:
    """One required comparison in words a worker knows, or None."""
    known = {
        ("worker.passport_held_by", "eq", "worker"): (Topic.passport, "passport"),
        ("worker.languages", "intersects", "version.languages"): (Topic.contract, "contract_language"),
        ("version.copy_given_to_worker", "eq", True): (Topic.contract, "contract_copy"),
        ("version.recruitment_costs_borne_by", "eq", "employer"): (Topic.fees, "employer_pays_costs"),
        ("version.return_ticket_by", "eq", "employer"): (Topic.fees, "employer_pays_return"),
        ("payment.method", "ne", "cash"): (Topic.fees, "no_cash"),
        ("payment.method", "ne", "wage_deduction"): (Topic.fees, "no_wage_deduction"),
        ("fees.wage_deduction_count", "le", 0): (Topic.fees, "no_wage_deduction"),
    }
    if (field, op, value) in known:
        topic, kind = known[(field, op, value)]
        return {"topic": topic, "kind": kind}
    if field == "version.languages" and op == "contains":
        return {"topic": Topic.contract, "kind": "contract_in", "language": value}
    if field == "version.duration_months" and op == "le":
        return {"topic": Topic.contract, "kind": "max_term", "months": value}
    if field == "version.termination_notice_days" and op == "le":
        return {"topic": Topic.contract, "kind": "max_notice", "days": value}
    return None


def _merged(statements: list[Statement]) -> list[Statement]:
    """Statements saying the same (or, for fee bans, less than another of the same scope) cite together."""
    kept: list[Statement] = []
    for statement in sorted(statements, key=lambda s: -len(s.categories)):  # wider bans first
        for index, other in enumerate(kept):
            if _same(statement, other) or _covered(statement, other):
                kept[index] = _cite_also(other, statement)
                break
        else:
            kept.append(statement)
    return kept


def _same(one: Statement, other: Statement) -> bool:
    """The same sentence with the same numbers for the same people, whoever's rule it is (the first scope stays)."""
    bare = {"sources": (), "term_groups": (), "scope": Scope.general}
    return replace(one, **bare) == replace(other, **bare) and (
        one.kind == "no_substitution" or one.term_groups == other.term_groups
    )


def _covered(narrow: Statement, wide: Statement) -> bool:
    """A fee ban within another ban of the same scope, evidence and people, on every payee it names."""
    if narrow.kind != "fees_banned" or wide.kind != "fees_banned":
        return False
    same_footing = (narrow.scope, narrow.inferred, narrow.for_whom) == (wide.scope, wide.inferred, wide.for_whom)
    payees_within = not wide.payees or (bool(narrow.payees) and set(narrow.payees) <= set(wide.payees))
    return same_footing and payees_within and set(narrow.categories) <= set(wide.categories)


def _cite_also(kept: Statement, extra: Statement) -> Statement:
    groups = kept.term_groups + tuple(group for group in extra.term_groups if group not in kept.term_groups)
    ordered_groups = tuple(group for group in TERM_GROUPS if group in groups)
    return replace(kept, sources=kept.sources + extra.sources, term_groups=ordered_groups)

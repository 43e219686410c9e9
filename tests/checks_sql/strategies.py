"""Hypothesis strategies for random but valid subjects of every type, biased towards the packs' boundaries.

Field strategies are derived from the subject models; values the packs compare against (countries, currencies,
codes, caps, floors, rule dates) are drawn often, and per-type tweaks put dates, ages, totals and SLA clocks right
at the thresholds the criteria use.
"""

from __future__ import annotations

import copy
import types
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from hypothesis import strategies as st
from pydantic import AwareDatetime, BaseModel

from recruitment_watch.checks.conditions import AllOf, AnyOf, Comparison, NotOf
from recruitment_watch.checks.loader import build_base, set_path, shared_bases
from recruitment_watch.checks.subjects import FEE_CATEGORIES, SUBJECT_MODELS, normalise_subject
from tests.checks_sql.conftest import AUDITS, PACKS

COUNTRIES = ["NP", "PK", "BD", "IN", "PH", "QA", "SA", "AE", "KW", "OM", "BH", "MY", "IT", "DE", "GB", "US", "NO"]
CURRENCIES = ["QAR", "USD", "NPR", "BDT", "INR", "PKR", "PHP", "SAR", "AED", "KWD"]
LANGS = ["ar", "en", "ne", "hi", "ur", "bn", "tl"]
DEDUCTIONS = ["food", "visa_cost", "housing", 'a"b', "c\\d", "", "x y"]
ZONES = [UTC, timezone(timedelta(hours=5, minutes=45)), timezone(timedelta(hours=-3))]


def _walk_conditions(cond: Any, found: dict[str, list[Any]]) -> None:
    if isinstance(cond, AllOf | AnyOf):
        for member in cond.all if isinstance(cond, AllOf) else cond.any:
            _walk_conditions(member, found)
    elif isinstance(cond, NotOf):
        _walk_conditions(cond.not_, found)
    elif isinstance(cond, Comparison) and cond.value is not None:
        values = cond.value if isinstance(cond.value, list) else [cond.value]
        found.setdefault(cond.field.split(".")[-1], []).extend(values)


def pack_constants() -> tuple[dict[str, list[Any]], list[int], list[date]]:
    """Per field name the constants criteria compare with; money amounts and rule dates used by params."""
    by_field: dict[str, list[Any]] = {}
    amounts: set[int] = set()
    days: set[date] = set()
    for pack in PACKS:
        for crit in pack.criteria:
            for cond in (
                crit.spec.applies_when,
                getattr(crit.params, "require", None),
                getattr(crit.params, "forbid", None),
            ):
                if cond is not None:
                    _walk_conditions(cond, by_field)
            for rule in getattr(crit.params, "rules", []):
                for money in (getattr(rule, "cap", None), getattr(rule, "floor", None)):
                    if money is not None:
                        amounts.update({money.amount_minor - 1, money.amount_minor, money.amount_minor + 1})
                for allowance in getattr(rule, "allowances", []):
                    amounts.update({allowance.min_minor - 1, allowance.min_minor})
                for day in (rule.valid_from, rule.valid_to):
                    if day is not None:
                        days.update({day - timedelta(days=1), day, day + timedelta(days=1)})
    return by_field, sorted(a for a in amounts if a >= 0), sorted(days)


FIELD_VALUES, AMOUNTS, RULE_DAYS = pack_constants()
INTS = st.one_of(st.sampled_from([0, 1, 2, 3, 7, 8, 20, 24, 60, 61]), st.integers(-2, 400), st.sampled_from(AMOUNTS),
                 st.integers(0, 30_000_000))  # fmt: skip
FLOATS = st.one_of(
    st.sampled_from([0.0, 7.5, 8.0, 8.5, 12.0, 24.0, 24.5, 100.0, 125.0]), st.floats(0, 200).map(lambda x: round(x, 2))
)
DATES = st.one_of(st.sampled_from(RULE_DAYS), st.dates(date(1960, 1, 1), date(2030, 12, 31)))
MOMENTS = st.datetimes(datetime(2023, 1, 1), datetime(2026, 1, 1), timezones=st.sampled_from(ZONES))


def _pattern(annotation: Any) -> str | None:
    for meta in get_args(annotation)[1:]:
        for item in getattr(meta, "metadata", []):
            if getattr(item, "pattern", None):
                return item.pattern
    return None


def field_strategy(name: str, annotation: Any) -> st.SearchStrategy:
    """A strategy for one model field."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        if set(members) == {str, int}:
            inner = st.sampled_from(["EMP-9", "EMP-404", "C-100", "7"])
        else:
            inner = field_strategy(name, members[0]) if len(members) == 1 else st.none()
        if type(None) in get_args(annotation):
            return st.one_of(st.none(), inner, inner, inner)
        return inner
    if origin is Annotated:
        pattern = _pattern(annotation)
        pools = {r"^[A-Z]{2}$": COUNTRIES, r"^[A-Z]{3}$": CURRENCIES, r"^[a-z]{2,3}$": LANGS}
        if pattern in pools:
            return st.sampled_from(pools[pattern])
        return field_strategy(name, get_args(annotation)[0])
    if origin is Literal:
        return st.sampled_from(get_args(annotation))
    if origin is list:
        (item,) = get_args(annotation)
        items = st.sampled_from(DEDUCTIONS) if item is str else field_strategy(name, item)
        return st.lists(items, max_size=4)
    if origin is dict:
        return st.dictionaries(st.sampled_from(FEE_CATEGORIES), INTS, max_size=4)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return model_strategy(annotation)
    if annotation is AwareDatetime:
        return MOMENTS
    if annotation is bool:
        return st.booleans()
    if annotation is int:
        return INTS
    if annotation is float:
        return FLOATS
    if annotation is date:
        return DATES
    if annotation is str:
        known = [v for v in FIELD_VALUES.get(name, []) if isinstance(v, str)]
        return st.sampled_from(sorted(set(known + ["x", "Doha", "Riyadh", "7112", "9112", "substantiated", ""])))
    raise TypeError(f"no strategy for {name}: {annotation!r}")


def model_strategy(model: type[BaseModel]) -> st.SearchStrategy[dict[str, Any]]:
    """Random dicts valid for ``model``."""
    return st.fixed_dictionaries(field_strategies(model))


def field_strategies(model: type[BaseModel]) -> dict[str, st.SearchStrategy]:
    """Field name → strategy for each field of ``model``."""
    fields = {}
    for name, info in model.model_fields.items():
        pattern = next((m.pattern for m in info.metadata if getattr(m, "pattern", None)), None)
        fields[name] = field_strategy(
            name, Annotated[info.annotation, _Pattern(pattern)] if pattern else info.annotation
        )
    return fields


class _Pattern:
    """Carries a top-level field pattern (pydantic moves it out of the annotation) back into it."""

    def __init__(self, pattern: str) -> None:
        self.metadata = [self]
        self.pattern = pattern


ORIGIN_CURRENCY = {"NP": "NPR", "PK": "PKR", "BD": "BDT", "IN": "INR", "PH": "PHP"}
BASES = {
    "agency": ["agency_ok"],
    "contract_version": ["contract_ok", "contract_dest_ok"],
    "fee_payment": ["payment_ok"],
    "complaint": ["complaint_ok"],
}

EXAMPLES = {t: [ex.subject for pack in PACKS for ex in pack.examples if ex.subject_type == t] for t in BASES}


def _leaves(subject: dict[str, Any], prefix: str = "") -> list[str]:
    """Dotted paths of the values of a subject (dicts of fees and null objects count as values)."""
    paths = []
    for key, value in subject.items():
        path = f"{prefix}{key}"
        nested = isinstance(value, dict) and not key.startswith("worker_paid_by_category")
        paths += _leaves(value, f"{path}.") if nested else [path]
    return paths


def _get(subject: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        subject = subject.get(part) if isinstance(subject, dict) else None
    return subject


@st.composite
def mutated_base(draw: st.DrawFn, subject_type: str) -> dict[str, Any]:
    """A compliant shared base with a few fields replaced by random values, in a corridor the packs know."""
    examples = EXAMPLES[subject_type]
    from_example = draw(st.integers(0, 9)) < 7
    if from_example:
        subject = copy.deepcopy(draw(st.sampled_from(examples)))
    else:
        _, subject = build_base(draw(st.sampled_from(BASES[subject_type])), shared_bases(AUDITS))
        subject = normalise_subject(subject_type, subject) if subject_type != "complaint" else subject
    noise = draw(model_strategy(SUBJECT_MODELS[subject_type]))
    paths = _leaves(subject)
    for path in draw(st.lists(st.sampled_from(paths), max_size=5, unique=True)):
        if _get(noise, path.rpartition(".")[0]) is not None or "." not in path:
            set_path(subject, path, copy.deepcopy(_get(noise, path)))
    if "contract" in subject and not from_example and draw(st.integers(0, 4)):
        origin = draw(st.sampled_from(sorted(ORIGIN_CURRENCY)))
        subject["contract"]["origin_country"] = origin
        subject["contract"]["destination_country"] = draw(st.sampled_from(COUNTRIES))
        subject["worker"]["domestic_worker"] = draw(st.booleans())
        subject["worker"]["sex"] = draw(st.sampled_from(["male", "female", None]))
        if "fees" in subject and draw(st.booleans()):
            subject["fees"]["origin_currency"] = ORIGIN_CURRENCY[origin]
    return subject


def path_strategies(model: type[BaseModel], prefix: str = "") -> dict[str, st.SearchStrategy]:
    """Dotted path → strategy for every field of ``model`` (objects both as a whole and field by field)."""
    found: dict[str, st.SearchStrategy] = {}
    strategies = field_strategies(model)
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        found[path] = strategies[name]
        nested = [
            a for a in (info.annotation, *get_args(info.annotation)) if isinstance(a, type) and issubclass(a, BaseModel)
        ]
        if nested:
            found.update(path_strategies(nested[0], f"{path}."))
    return found


PATHS = {t: path_strategies(SUBJECT_MODELS[t]) for t in BASES}


@st.composite
def mutated_examples(draw: st.DrawFn, subject_type: str) -> list[dict[str, Any]]:
    """Every example subject of ``subject_type``, each with up to three fields replaced by random values."""
    strategies = PATHS[subject_type]
    paths = sorted(strategies)
    batch = []
    for example in EXAMPLES[subject_type]:
        subject = copy.deepcopy(example)
        for path in draw(st.lists(st.sampled_from(paths), max_size=3, unique=True)):
            if "." not in path or isinstance(_get(subject, path.rpartition(".")[0]), dict):
                set_path(subject, path, draw(strategies[path]))
        batch.append(subject)
    return batch


def _shift_years(day: date, years: int) -> date | None:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return None


@st.composite
def contract_versions(draw: st.DrawFn) -> dict[str, Any]:
    """A contract version; previous is often a near copy of version, and dates/fees sit at thresholds."""
    subject = draw(st.one_of(mutated_base("contract_version"), model_strategy(SUBJECT_MODELS["contract_version"])))
    version = subject["version"]
    if subject["previous"] is not None and draw(st.booleans()):
        previous = copy.deepcopy(version)
        for name, value in draw(st.dictionaries(st.sampled_from(sorted(version)), st.just(None), max_size=3)).items():
            previous[name] = subject["previous"][name] if value is None else value
        subject["previous"] = previous
    signed = version["signed_on"]
    if signed is not None and draw(st.booleans()):
        contract = subject["contract"]
        contract["departure_on"] = signed + timedelta(days=draw(st.sampled_from([-1, 0, 1, 6, 7, 8])))
        contract["job_order_approval_on"] = signed - timedelta(days=draw(st.sampled_from([119, 120, 121])))
        birth = _shift_years(signed, draw(st.sampled_from([18, 23])))
        if birth is not None:
            subject["worker"]["date_of_birth"] = birth + timedelta(days=draw(st.sampled_from([-1, 0, 1])))
    if draw(st.booleans()):
        fees, wage = subject["fees"], version["basic_wage_usd_minor"]
        category = draw(st.sampled_from(FEE_CATEGORIES))
        amount = draw(st.sampled_from(AMOUNTS))
        fees["worker_paid_by_category_origin_minor"][category] = amount
        fees["worker_paid_by_category_usd_minor"][category] = (wage or 0) + draw(st.sampled_from([-1, 0, 1]))
        fees["worker_paid_total_origin_minor"] = amount + draw(st.sampled_from([0, 1]))
    return subject


@st.composite
def fee_payments(draw: st.DrawFn) -> dict[str, Any]:
    """A fee payment; the version is sometimes signed right around the payment date."""
    subject = draw(st.one_of(mutated_base("fee_payment"), model_strategy(SUBJECT_MODELS["fee_payment"])))
    if draw(st.booleans()):
        paid = subject["payment"]["paid_on"]
        subject["version"]["signed_on"] = paid + timedelta(days=draw(st.sampled_from([-1, 0, 1])))
    return subject


def complaints(now: datetime) -> st.SearchStrategy[dict[str, Any]]:
    """Complaints whose clocks start or stop right at the SLA hours, judged at ``now``."""

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        subject = draw(st.one_of(mutated_base("complaint"), model_strategy(SUBJECT_MODELS["complaint"])))
        complaint = subject["complaint"]
        hours = timedelta(hours=draw(st.sampled_from([24, 48, 120, 360, 720])))
        nudge = timedelta(microseconds=draw(st.sampled_from([-1_000_000, -1, 0, 1, 1_000_000])))
        zone = draw(st.sampled_from(ZONES))
        if draw(st.booleans()):
            complaint["received_at"] = (now - hours - nudge).astimezone(zone)
        if draw(st.booleans()):
            complaint["acknowledged_at"] = (complaint["received_at"] + hours + nudge).astimezone(zone)
        subject["now"] = now
        return subject

    return build()


@st.composite
def agencies(draw: st.DrawFn, on: date) -> dict[str, Any]:
    """An agency; its licence often ends right around 60 days after ``on``."""
    subject = draw(st.one_of(mutated_base("agency"), model_strategy(SUBJECT_MODELS["agency"])))
    if draw(st.booleans()):
        subject["licence_valid_to"] = on + timedelta(days=draw(st.sampled_from([59, 60, 61])))
    if draw(st.booleans()):
        subject["deployments_12m"] = draw(st.sampled_from([19, 20, 50, 100]))
    return subject


def subjects(subject_type: str, on: date, now: datetime) -> st.SearchStrategy[dict[str, Any]]:
    """Random subjects of ``subject_type`` for evaluation date ``on`` and moment ``now``."""
    if subject_type == "contract_version":
        return contract_versions()
    if subject_type == "fee_payment":
        return fee_payments()
    if subject_type == "complaint":
        return complaints(now)
    return agencies(on)

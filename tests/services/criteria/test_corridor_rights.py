"""Know your rights before you go: each corridor's statements come from the criteria packs in force, with the very
numbers of their params (the rule in force on the day), the criterion ids and citations, and nothing from another
country's pack. A pack an admin switches off drops out (that part runs on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

from recruitment_watch.checks.effective import rule_in_force
from recruitment_watch.models import User
from recruitment_watch.models.vocab import OrganisationKind, Role
from recruitment_watch.services.access.actor import actor_for_user
from recruitment_watch.services.access.users import ensure_organisation
from recruitment_watch.services.criteria.corridor_rights import (
    Amount,
    Corridor,
    Scope,
    Statement,
    Topic,
    corridor_rights,
    corridors,
    find_corridor,
)
from recruitment_watch.services.criteria.pack_switches import judged_packs, switch
from recruitment_watch.services.criteria.packs import active_packs

DAY = date(2026, 12, 1)
NP_QA = Corridor("NP", "QA")


def criterion(criterion_id: str):
    return next(c for pack in active_packs() for c in pack.criteria if c.id == criterion_id)


def citing(statements: list[Statement] | tuple[Statement, ...], criterion_id: str) -> Statement:
    [found] = [s for s in statements if criterion_id in s.criterion_ids]
    return found


def test_every_origin_pack_meets_every_destination_pack():
    found = corridors(active_packs())
    origins = sorted(p.id.removeprefix("origin-") for p in active_packs() if p.id.startswith("origin-"))
    destinations = sorted(p.id.removeprefix("dest-") for p in active_packs() if p.id.startswith("dest-"))
    assert origins == ["BD", "IN", "NP", "PH", "PK"] and destinations == ["AE", "QA", "SA"]
    assert [c.slug for c in found] == [f"{o}-{d}" for o in origins for d in destinations]
    assert find_corridor("NP-QA", active_packs()) == NP_QA
    assert find_corridor("NP-DE", active_packs()) is None and find_corridor("XX", active_packs()) is None
    assert corridors(active_packs(only={"origin-NP", "dest-QA", "iris"})) == [NP_QA]


def test_the_numbers_are_the_params_of_the_rule_in_force():
    rights = corridor_rights(NP_QA, active_packs(), on=DAY)
    cap = citing(rights.statements, "FEE-NP-001")
    rule = rule_in_force(criterion("FEE-NP-001").params.rules, DAY)
    assert (cap.kind, cap.topic, cap.scope) == ("fee_cap", Topic.fees, Scope.origin)
    assert cap.amount == Amount(rule.cap.amount_minor, rule.cap.currency) == Amount(1_000_000, "NPR")
    assert str(cap.amount.major) == "10000.00" and cap.valid_from == rule.valid_from
    assert cap.categories == tuple(criterion("FEE-NP-001").params.categories) and not cap.inferred
    floor = citing(rights.statements, "WAGE-QA-001")
    rule = rule_in_force(criterion("WAGE-QA-001").params.rules, DAY)
    assert floor.amount == Amount(rule.floor.amount_minor, "QAR") == Amount(100_000, "QAR")
    assert floor.allowances == tuple(
        (a.field.removeprefix("version.").removesuffix("_allowance_minor"), Amount(a.min_minor, "QAR"), True)
        for a in rule.allowances
    )
    assert [(what, amount.major) for what, amount, _ in floor.allowances] == [("food", 300), ("housing", 500)]
    hours = citing(rights.statements, "CON-006")
    assert hours.limits == (("hours_per_day", "at_most", 8), ("days_per_week", "at_most", 6),
                            ("weekly_rest_days", "at_least", 1))  # fmt: skip
    assert citing(rights.statements, "CON-012").months == 60 and citing(rights.statements, "DOC-003").days == 60


def test_every_cap_and_floor_on_every_corridor_equals_its_criterion():
    for corridor in corridors(active_packs()):
        for statement in corridor_rights(corridor, active_packs(), on=DAY).statements:
            if statement.kind not in ("fee_cap", "wage_floor"):
                continue
            [source] = statement.sources
            rule = rule_in_force(criterion(source.criterion_id).params.rules, DAY)
            money = rule.cap if statement.kind == "fee_cap" else rule.floor
            expected = Amount(money.amount_minor, money.currency) if money else None
            assert (statement.amount, statement.wage_multiple) == (expected, getattr(rule, "wage_multiple", None))
            assert statement.inferred == ("INFERRED" in (rule.evidence_tag, criterion(source.criterion_id)
                                                         .spec.evidence_tag))  # fmt: skip


def test_the_zero_fee_rule_and_the_destination_rules_cite_their_instruments():
    statements = corridor_rights(NP_QA, active_packs(), on=DAY).statements
    zero = citing(statements, "FEE-001")
    assert zero.kind == "fees_banned" and {"FEE-018", "IRIS-FEE-001"} <= set(zero.criterion_ids)
    assert "recruitment_service_fee" in zero.categories and zero.scope == Scope.general
    source = next(s for s in zero.sources if s.criterion_id == "FEE-001")
    spec = criterion("FEE-001").spec
    assert (source.instrument, source.article) == (spec.citation.instrument, spec.citation.article)
    assert citing(statements, "FEE-QA-001").scope == Scope.destination
    passport = citing(statements, "DOC-QA-001")
    assert passport.kind == "passport" and "DOC-001" in passport.criterion_ids
    assert citing(statements, "CON-QA-001").language == "ar"
    assert citing(statements, "SUB-003").term_groups[:3] == ("wage", "benefits", "employer")


def test_inferred_thresholds_are_marked_as_this_systems_checks():
    statements = corridor_rights(NP_QA, active_packs(), on=DAY).statements
    assert citing(statements, "FEE-NP-003").inferred and citing(statements, "FEE-NP-003").kind == "no_cash"
    assert citing(statements, "CON-003").inferred and citing(statements, "CON-003").days == 7
    assert not citing(statements, "CON-001").inferred and citing(statements, "CON-001").days == 0
    assert all(source.inferred == statement.inferred for statement in statements for source in statement.sources)


def test_another_countrys_pack_never_speaks_and_worker_groups_are_named():
    cited = {c for s in corridor_rights(NP_QA, active_packs(), on=DAY).statements for c in s.criterion_ids}
    assert not {c for c in cited if c.startswith(("FEE-BD", "FEE-PH", "WAGE-PH", "FEE-SA", "DOC-AE", "FEE-IN"))}
    bd_sa = corridor_rights(Corridor("BD", "SA"), active_packs(), on=DAY).statements
    men, women = citing(bd_sa, "FEE-BD-001"), citing(bd_sa, "FEE-BD-002")
    assert (men.for_whom, men.amount) == (("men",), Amount(16_500_000, "BDT"))
    assert (women.for_whom, women.amount) == (("women",), Amount(0, "BDT"))
    assert citing(bd_sa, "CON-SA-001").for_whom == ("domestic_workers",)
    assert not [s for s in bd_sa if s.topic == Topic.wages]  # no minimum wage in the packs for Saudi Arabia
    assert "FEE-BD-003" not in {c for s in bd_sa for c in s.criterion_ids}  # the Qatar ceiling


def test_the_rule_in_force_on_the_day_is_the_one_shown():
    ph_qa = Corridor("PH", "QA")
    before = citing(corridor_rights(ph_qa, active_packs(), on=date(2025, 1, 1)).statements, "WAGE-PH-001")
    after = citing(corridor_rights(ph_qa, active_packs(), on=DAY).statements, "WAGE-PH-001")
    assert (before.amount, before.inferred) == (Amount(40_000, "USD"), False)
    # US$500 is an advisory (WAGE-PH-002, issue 19): no right a worker can claim; the binding US$400 is shown
    assert (after.amount, after.inferred, after.for_whom) == (Amount(40_000, "USD"), False, ("domestic_workers",))
    shown = {c for s in corridor_rights(ph_qa, active_packs(), on=DAY).statements for c in s.criterion_ids}
    assert "WAGE-PH-002" not in shown
    pk_qa = Corridor("PK", "QA")
    early = {c for s in corridor_rights(pk_qa, active_packs(), on=date(2024, 6, 1)).statements for c in s.criterion_ids}
    assert "FEE-PK-001" not in early and "FEE-PK-002" not in early  # neither in force before 2025
    assert citing(corridor_rights(pk_qa, active_packs(), on=DAY).statements, "FEE-PK-001").amount == Amount(
        1_500_000, "PKR"
    )


def test_a_pack_switched_off_disappears_from_the_page(session):
    ministry = ensure_organisation("Department of Foreign Employment", OrganisationKind.ministry, "NP", session=session)
    admin = User(email="admin@dofe.example", full_name="Admin", role=Role.admin.value, password_hash="x",
                 organisation_id=ministry.id)  # fmt: skip
    session.add(admin)
    session.flush()
    before = corridor_rights(NP_QA, judged_packs(session), on=DAY)
    assert ("origin-NP", "1.1.0") in before.packs and citing(before.statements, "FEE-NP-001")
    switch(actor_for_user(admin.id, session=session), "origin-NP", False, "legal review", session=session)
    after = corridor_rights(NP_QA, judged_packs(session), on=DAY)
    cited = {c for s in after.statements for c in s.criterion_ids}
    assert "origin-NP" not in dict(after.packs) and not {c for c in cited if c.startswith("FEE-NP")}
    assert "WAGE-QA-001" in cited and "FEE-001" in cited  # the other packs still speak

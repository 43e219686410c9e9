"""The criteria engine's vocabularies (``Literal`` types in checks/subjects.py) and the model enums
(models/vocab.py) are two spellings of one set of values: a value added to one and not the other would let the
database hold what the engine cannot judge, or the reverse. These tests keep them in step."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, get_args

import pytest

from recruitment_watch.checks import subjects
from recruitment_watch.checks.types_time import LicenceValidOnParams
from recruitment_watch.models import vocab


def literal_values(annotation: Any) -> set[str]:
    """The values of a ``Literal`` (also inside ``Optional``/``list``)."""
    values: set[str] = set()
    for arg in get_args(annotation):
        if isinstance(arg, str):
            values.add(arg)
        elif arg is not type(None):
            values |= literal_values(arg)
    return values


def field_literal(model: type, name: str) -> set[str]:
    return literal_values(model.model_fields[name].annotation)


def enum_values(enum: type[StrEnum]) -> set[str]:
    return {member.value for member in enum}


SAME_VALUES = [
    ("SubjectType", literal_values(subjects.SubjectType), vocab.SubjectType),
    ("AgencyStatus", literal_values(subjects.AgencyStatus), vocab.LicenceStatus),
    ("FeeCategory", literal_values(subjects.FeeCategory), vocab.FeeCategory),
    ("ComplaintCategory", literal_values(subjects.ComplaintCategory), vocab.ComplaintCategory),
    ("FlIndicator", literal_values(subjects.FlIndicator), vocab.ForcedLabourIndicator),
    ("Severity", literal_values(subjects.Severity), vocab.Severity),
    ("PayeeType", literal_values(subjects.PayeeType), vocab.PayeeType),
    ("ContractTerms.kind", field_literal(subjects.ContractTerms, "kind"), vocab.VersionKind),
    ("ContractTerms.wage_period", field_literal(subjects.ContractTerms, "wage_period"), vocab.WagePeriod),
    ("WorkerFacts.passport_held_by", field_literal(subjects.WorkerFacts, "passport_held_by"), vocab.DocumentHolder),
    ("WorkerFacts.passport_category", field_literal(subjects.WorkerFacts, "passport_category"), vocab.PassportCategory),
    ("Payment.method", field_literal(subjects.Payment, "method"), vocab.PaymentMethod),
    ("Payment.stage", field_literal(subjects.Payment, "stage"), vocab.PaymentStage),
    ("Complaint.filed_by", field_literal(subjects.Complaint, "filed_by"), vocab.FiledBy),
    ("Complaint.status", field_literal(subjects.Complaint, "status"), vocab.ComplaintStatus),
]


@pytest.mark.parametrize(("name", "engine_values", "enum"), SAME_VALUES, ids=[row[0] for row in SAME_VALUES])
def test_engine_literal_and_model_enum_hold_the_same_values(name, engine_values, enum):
    assert engine_values == enum_values(enum), f"{name}: engine and models disagree"


def test_complaints_take_every_severity_but_advisory():
    in_models = {level.value for level in vocab.BINDING_SEVERITIES}
    assert literal_values(subjects.BindingSeverity) == in_models == enum_values(vocab.Severity) - {"advisory"}


def test_sex_is_the_same_but_undisclosed_reaches_the_engine_as_unknown():
    # both subject builders (SQL source and Python loader) turn "undisclosed" into None
    assert field_literal(subjects.WorkerFacts, "sex") == enum_values(vocab.Sex) - {vocab.Sex.undisclosed.value}


@pytest.mark.parametrize("field", ["return_ticket_by", "recruitment_costs_borne_by"])
def test_who_pays_in_a_contract_is_a_payer(field):
    assert field_literal(subjects.ContractTerms, field) <= enum_values(vocab.Payer)


def test_fee_payments_judged_are_paid_by_workers():
    assert field_literal(subjects.Payment, "payer") == {vocab.Payer.worker.value}


def test_valid_licence_statuses_are_one_set_for_engine_and_services():
    in_models = {status.value for status in vocab.VALID_LICENCE_STATUSES}
    assert set(subjects.VALID_LICENCE_STATUSES) == in_models == {"active", "renewed"}
    assert set(LicenceValidOnParams.model_fields["allowed_statuses"].default) == in_models


def test_open_complaint_statuses_are_the_ones_still_worked():
    open_values = {status.value for status in vocab.OPEN_COMPLAINT_STATUSES}
    assert open_values == {"received", "acknowledged", "under_investigation"}
    assert open_values < enum_values(vocab.ComplaintStatus)

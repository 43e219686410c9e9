"""A complaint takes a binding severity: ``advisory`` (a criterion's rule not yet enforceable) is refused."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from recruitment_watch.services.casework.complaints import NgoComplaintInput

FILING = {"consent_recorded": True, "categories": ["fees"], "language": "ne", "summary": "Paid NPR 150,000 in cash."}


def test_an_ngo_filing_cannot_be_advisory():
    assert NgoComplaintInput.model_validate({**FILING, "severity": "critical"}).severity == "critical"
    with pytest.raises(ValidationError, match="low, medium, high or critical"):
        NgoComplaintInput.model_validate({**FILING, "severity": "advisory"})

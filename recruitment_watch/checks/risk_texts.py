"""The risk score's words: the message template of each explanation line (``%(name)s`` placeholders) and of each
band's recommendation, marked for the catalogues, and how the English sentence writes each figure.

The engine (``checks.risk``) imports no translation library: a line keeps its English template and its parameters;
the API and the console show ``RiskLine.explanation`` (the English sentence), the pages translate the template and
write the figures in the reader's locale (``web.vocabulary``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal


def N_(message: str) -> str:
    """Mark an explanation's message template for the catalogues (``pybabel extract -k N_``, babel.cfg). The engine
    imports no translation library: it keeps the English template and its parameters, and the pages translate."""
    return message


# How the English explanation writes each number parameter; the pages write the same digits in the reader's locale.
# A parameter not named here is a count, a code or a name, written as it is.
NUMBER_FORMATS: dict[str, str] = {"rate": ".2f", "corridor_rate": ".2f", "raw": ".1f", "typical": ".1f", "index": ".1f",
                                  "severity_points": "g", "factor": "g", "ratio": "g", "weight": "g",
                                  "complaint_points": "g", "points": "g", "prior": "g"}  # fmt: skip


@dataclass(frozen=True)
class RiskLine:
    """One explained contribution to the score: an English message template (``%(name)s`` placeholders, marked for
    the catalogues) and its parameters, so a page can write it in its reader's language; ``explanation`` is the
    English sentence the API and the console show."""

    kind: Literal["findings", "repeat", "complaints", "shrinkage", "licence"]
    points: float
    text: str
    params: Mapping[str, object] = field(default_factory=dict, hash=False)

    @property
    def explanation(self) -> str:
        """The English sentence: every number written as ``NUMBER_FORMATS`` says, a date as ISO 8601."""
        return self.text % {name: english_param(name, value) for name, value in self.params.items()}


def english_param(name: str, value: object) -> str:
    """One parameter as the English explanation writes it."""
    if isinstance(value, date):
        return value.isoformat()
    if name in NUMBER_FORMATS and isinstance(value, int | float):
        return format(value, NUMBER_FORMATS[name])
    return str(value)


RECOMMENDATIONS: dict[str, str] = {  # by band
    "ok": N_("No action beyond routine monitoring."),
    "watchlist": N_("Recommend placing the agency on the watchlist for closer inspection."),
    "suspension_review": N_("Recommend a licence suspension review by the competent authority."),
}

# The explanations' message templates (the API's English text is ``template % params``).
FINDINGS_TEXT = N_(
    "%(findings)s %(severity)s %(principle)s finding(s) on %(contracts)s contracts = %(rate)s per 100 "
    "× %(severity_points)s (severity) × %(factor)s (principle) (%(criteria)s)"
)
FINDINGS_NO_RATE_TEXT = N_(
    "%(findings)s %(severity)s %(principle)s finding(s) on %(contracts)s contracts = no rate "
    "× %(severity_points)s (severity) × %(factor)s (principle) (%(criteria)s)"
)
REPEAT_TEXT = N_(
    "repeat offence: %(criterion)s on %(findings)s subjects = %(rate)s per 100, ≥ %(ratio)s × the "
    "corridor's %(corridor_rate)s: weighs %(weight)s ×"
)
COMPLAINTS_TEXT = N_("%(count)s substantiated complaint(s) over %(contracts)s contracts = %(rate)s per 100 × "
                     "%(complaint_points)s")  # fmt: skip
COMPLAINTS_NO_CONTRACTS_TEXT = N_("%(count)s substantiated complaint(s) over %(contracts)s contracts = no contracts × "
                                  "%(complaint_points)s")  # fmt: skip
SHRINKAGE_TEXT = N_(
    "%(contracts)s contracts in the window: raw %(raw)s shrunk towards the corridor %(corridor)s's "
    "typical agency (100 = %(typical)s weighted points per 100 contracts) with the weight of "
    "%(prior)s contracts = %(index)s"
)
# A licence decision's line, by whether its date and its reason are known.
LICENCE_TEXTS: dict[tuple[bool, bool], str] = {
    (True, True): N_("licence %(status)s on %(decided_on)s (%(reason)s) = %(points)s points"),
    (True, False): N_("licence %(status)s on %(decided_on)s = %(points)s points"),
    (False, True): N_("licence %(status)s (%(reason)s) = %(points)s points"),
    (False, False): N_("licence %(status)s = %(points)s points"),
}

"""Strict models of the pack files (``pack.yaml``, ``examples.yaml``) and of a loaded pack.

Stage 1 of loading validates the YAML against ``PackFile``/``ExamplesFile``; criterion params stay
raw here and are validated per check type in stage 2 (see ``loader``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from recruitment_watch.checks.conditions import Condition
from recruitment_watch.checks.effective import EvidenceTag
from recruitment_watch.checks.registry import CheckType, Outcome, Params
from recruitment_watch.checks.subjects import Severity, SubjectType

PACK_ID = r"^[a-z][a-z0-9]*(-[a-zA-Z0-9]+)*$"
CRITERION_ID = r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$"
SEMVER = r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$"
KEBAB = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
Text = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Source(_Strict):
    """An instrument the pack relies on, with where the text was seen and how sure we are."""

    id: Annotated[str, Field(pattern=KEBAB)]
    instrument: Text
    citation: Text
    evidence_tag: EvidenceTag
    url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None
    retrieved_on: date | None = None  # when the text at ``url`` was read (see ``Figure``)


class Figure(_Strict):
    """Provenance of one figure or list a criterion relies on: a cap, a floor, a day count, a country list, a start
    date. ``source`` names one of the pack's sources (its title and URL); a figure tagged SEEN must name one, and a
    retrieval date must be known (the figure's own ``retrieved_on``, else its source's)."""

    what: Text
    value: str | int | float | date | list[str] | None = None
    source: Annotated[str, Field(pattern=KEBAB)] | None = None
    retrieved_on: date | None = None
    effective_from: date | None = None
    effective_to: date | None = None
    evidence_tag: EvidenceTag
    note: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Figure:
        """effective_from must not be after effective_to."""
        if self.effective_from and self.effective_to and self.effective_from > self.effective_to:
            raise ValueError("effective_from is after effective_to")
        return self


class Citation(_Strict):
    """What a finding cites: the instrument and the article, principle or section."""

    instrument: Text
    article: Text


class CriterionSpec(_Strict):
    """One criterion as written in ``pack.yaml`` (params not yet validated)."""

    id: Annotated[str, Field(pattern=CRITERION_ID)]
    title: Text
    check: Annotated[str, Field(pattern=KEBAB)]
    params: dict[str, Any]
    severity: Severity
    subject: SubjectType
    applies_when: Condition | None = None
    message: Text
    citation: Citation
    sources: Annotated[list[str], Field(min_length=1)]
    evidence_tag: EvidenceTag
    rationale: Text
    remediation: Text
    # Where each figure and list of the criterion comes from (optional for older criteria; ``packs review`` lists
    # criteria that have none yet).
    figures: list[Figure] = []


class PackFile(_Strict):
    """The whole of ``pack.yaml``."""

    schema_version: Literal[1]
    id: Annotated[str, Field(pattern=PACK_ID)]
    version: Annotated[str, Field(pattern=SEMVER)]
    title: Text
    description: str | None = None
    sources: Annotated[list[Source], Field(min_length=1)]
    criteria: Annotated[list[CriterionSpec], Field(min_length=1)]
    retired_ids: list[Annotated[str, Field(pattern=CRITERION_ID)]] = []


class BaseSpec(_Strict):
    """A named subject to build examples from: a full ``subject`` or another ``base`` plus ``set``."""

    subject_type: SubjectType
    subject: dict[str, Any] | None = None
    base: str | None = None
    set: dict[str, Any] = {}

    @model_validator(mode="after")
    def _one_origin(self) -> BaseSpec:
        """Exactly one of subject or base."""
        if (self.subject is None) == (self.base is None):
            raise ValueError("give exactly one of subject or base")
        return self


class ExampleSpec(_Strict):
    """One example: a subject (base + dotted ``set`` overrides, or a full ``subject``) and the expected outcome."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
    criterion: Annotated[str, Field(pattern=CRITERION_ID)]
    expect: Outcome
    base: str | None = None
    subject: dict[str, Any] | None = None
    set: dict[str, Any] = {}
    evaluated_on: date | None = None  # the evaluation date (YAML 1.1 reads a bare `on:` key as true)
    now: AwareDatetime | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _one_origin(self) -> ExampleSpec:
        """Exactly one of subject or base."""
        if (self.subject is None) == (self.base is None):
            raise ValueError("give exactly one of subject or base")
        return self


class ExamplesFile(_Strict):
    """The whole of ``examples.yaml`` (or the shared ``_shared/bases.yaml``, which has no examples)."""

    schema_version: Literal[1]
    pack: str | None = None
    bases: dict[str, BaseSpec] = {}
    examples: list[ExampleSpec] = []


@dataclass(frozen=True)
class Criterion:
    """A loaded criterion: its spec, validated params and check type."""

    spec: CriterionSpec
    params: Params
    check: CheckType

    @property
    def id(self) -> str:
        """The stable criterion id."""
        return self.spec.id


@dataclass(frozen=True)
class Example:
    """A resolved example: the full, normalised subject and the expected outcome."""

    id: str
    criterion: str
    expect: Outcome
    subject_type: str
    subject: dict[str, Any]
    on: date | None
    now: Any


@dataclass(frozen=True)
class Pack:
    """A fully validated pack, ready to evaluate; ``digest`` covers pack content and resolved examples."""

    id: str
    version: str
    title: str
    digest: str
    path: str
    file: PackFile
    criteria: tuple[Criterion, ...]
    examples: tuple[Example, ...] = field(default=())

    def criterion(self, criterion_id: str) -> Criterion:
        """The criterion with ``criterion_id`` (KeyError when absent)."""
        for crit in self.criteria:
            if crit.id == criterion_id:
                return crit
        raise KeyError(criterion_id)

"""Provenance of the figures in a pack: what loading refuses, and what a legal reviewer should look at first.

Every figure a criterion relies on (a cap, a floor, a day count, a country list, a start date) can carry a
``Figure``: its source (title and URL), the date that source was read, its effective dates and its evidence tag.
Loading refuses a SEEN figure without a source or a retrieval date (``figure_issues``). ``review_items`` lists, for
one pack, the INFERRED and RECALLED items, figures read longer ago than a given age, and criteria with no recorded
figures; ``criterion_digests`` fingerprints each criterion so a later review can name the ones that changed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from recruitment_watch.checks.packs import CriterionSpec, Figure, Pack, Source

DOUBTFUL_TAGS = ("INFERRED", "RECALLED")


@dataclass(frozen=True)
class ReviewItem:
    """One thing a reviewer should look at: the criterion (None for a pack source), why, and what it is."""

    pack_id: str
    criterion_id: str | None
    reason: str  # inferred | recalled | stale | no-provenance | changed | new
    detail: str


def retrieved_on(figure: Figure, sources: dict[str, Source]) -> date | None:
    """When the figure's text was read: its own date, else its source's."""
    source = sources.get(figure.source) if figure.source else None
    return figure.retrieved_on or (source.retrieved_on if source else None)


def figure_issues(spec: CriterionSpec, sources: dict[str, Source]) -> list[tuple[str, str]]:
    """(field, message) for each figure of ``spec`` that names an unknown source, or is SEEN without a source or a
    retrieval date."""
    found = []
    for index, figure in enumerate(spec.figures):
        field = f"figures.{index}"
        if figure.source is not None and figure.source not in sources:
            found.append((f"{field}.source", f"unknown source id {figure.source!r}"))
        elif figure.evidence_tag == "SEEN" and figure.source is None:
            found.append((f"{field}.source", f"SEEN figure {figure.what!r} names no source"))
        elif figure.evidence_tag == "SEEN" and retrieved_on(figure, sources) is None:
            found.append((f"{field}.retrieved_on", f"SEEN figure {figure.what!r} has no retrieval date"))
    return found


def months_between(earlier: date, later: date) -> int:
    """Whole calendar months from ``earlier`` to ``later``."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (later.day < earlier.day)


def _figure_items(pack: Pack, spec: CriterionSpec, today: date, max_age_months: int) -> list[ReviewItem]:
    sources = {source.id: source for source in pack.file.sources}
    items = []
    for figure in spec.figures:
        read = retrieved_on(figure, sources)
        if figure.evidence_tag in DOUBTFUL_TAGS:
            why = f"figure {figure.what}" + (f" — {figure.note}" if figure.note else "")
            items.append(ReviewItem(pack.id, spec.id, figure.evidence_tag.lower(), why))
        if read is not None and months_between(read, today) > max_age_months:
            detail = f"figure {figure.what}: retrieved {read.isoformat()} ({months_between(read, today)} months ago)"
            items.append(ReviewItem(pack.id, spec.id, "stale", detail))
    return items


def _rule_items(pack: Pack, spec: CriterionSpec) -> list[ReviewItem]:
    """Effective-dated rules (caps, floors) tagged INFERRED or RECALLED in the params."""
    items = []
    for rule in spec.params.get("rules") or []:
        tag = rule.get("evidence_tag") if isinstance(rule, dict) else None
        if tag in DOUBTFUL_TAGS:
            span = f"{rule.get('valid_from') or '…'} to {rule.get('valid_to') or '…'}"
            note = f" — {rule['note']}" if rule.get("note") else ""
            items.append(ReviewItem(pack.id, spec.id, tag.lower(), f"rule in force {span}{note}"))
    return items


def review_items(pack: Pack, *, today: date, max_age_months: int) -> list[ReviewItem]:
    """What a legal reviewer should look at in ``pack`` (changes since a review are added by the caller)."""
    items = [
        ReviewItem(pack.id, None, source.evidence_tag.lower(), f"source {source.id}: {source.instrument}")
        for source in pack.file.sources
        if source.evidence_tag in DOUBTFUL_TAGS
    ]
    for crit in pack.criteria:
        spec = crit.spec
        if spec.evidence_tag in DOUBTFUL_TAGS:
            detail = f"criterion tagged {spec.evidence_tag}: {spec.title}"
            items.append(ReviewItem(pack.id, spec.id, spec.evidence_tag.lower(), detail))
        items += _rule_items(pack, spec) + _figure_items(pack, spec, today, max_age_months)
        if not spec.figures:
            items.append(ReviewItem(pack.id, spec.id, "no-provenance", "no figure records its source yet"))
    return items


def criterion_digest(spec: CriterionSpec) -> str:
    """SHA-256 of the criterion's canonical JSON (formatting and comments in the YAML do not change it)."""
    content: Any = spec.model_dump(mode="json", by_alias=True, exclude_none=True)
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def criterion_digests(pack: Pack) -> dict[str, str]:
    """{criterion id: digest} of every criterion of ``pack``."""
    return {crit.id: criterion_digest(crit.spec) for crit in pack.criteria}


def changed_since(pack: Pack, reviewed: dict[str, str] | None) -> list[ReviewItem]:
    """Criteria new or changed since the review that recorded ``reviewed`` (every criterion when never reviewed)."""
    items = []
    for criterion_id, digest in criterion_digests(pack).items():
        before = (reviewed or {}).get(criterion_id)
        if before is None:
            items.append(ReviewItem(pack.id, criterion_id, "new", "not reviewed yet"))
        elif before != digest:
            items.append(ReviewItem(pack.id, criterion_id, "changed", "changed since the last review"))
    return items

"""``packs review``: what a legal reviewer should look at first in the criteria packs, and recording a review."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from recruitment_watch.db import get_engine, unit_of_work
from recruitment_watch.services.criteria import packs as pack_service
from recruitment_watch.services.criteria.review import PackToReview, record_review, review_list

# Most pressing first: what nobody has looked at, then what changed, then the evidence that is weakest.
REASON_ORDER = ("new", "changed", "recalled", "inferred", "stale", "no-provenance")


def _echo_pack(entry: PackToReview) -> None:
    last = entry.last_review
    since = (
        f"last reviewed {last.reviewed_at:%Y-%m-%d} by {last.reviewer} (version {last.pack_version})"
        if last
        else "never reviewed"
    )
    click.echo(f"{entry.pack_id} {entry.version} — {since}: {len(entry.items)} item(s)")
    for item in sorted(entry.items, key=lambda i: (REASON_ORDER.index(i.reason), i.criterion_id or "")):
        click.echo(f"  {item.criterion_id or '(source)':<14} {item.reason:<14} {item.detail}")


@click.command("review")
@click.option("--pack", "pack_ids", multiple=True, help="Only this pack (repeatable).")
@click.option("--root", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Folder of packs to review (default: the shipped audits/).")  # fmt: skip
@click.option("--max-age-months", type=click.IntRange(1, 600), default=None,
              help="Flag figures retrieved longer ago than this (default: PACK_REVIEW_MAX_AGE_MONTHS).")  # fmt: skip
@click.option("--record", "reviewer", default=None, metavar="REVIEWER",
              help="After listing, record that REVIEWER reviewed these packs as they are now.")  # fmt: skip
@click.option("--note", default=None, help="A note kept with the recorded review.")
@with_appcontext
def packs_review(
    pack_ids: tuple[str, ...], root: Path | None, max_age_months: int | None, reviewer: str | None, note: str | None
) -> None:
    """INFERRED and RECALLED items, stale figures, unsourced criteria and criteria changed since the last review."""
    packs = pack_service.active_packs(set(pack_ids) or None, root=root)
    age = max_age_months or current_app.config["PACK_REVIEW_MAX_AGE_MONTHS"]
    with unit_of_work(get_engine(), writing=reviewer is not None) as session:
        entries = review_list(packs, session=session, today=datetime.now(UTC).date(), max_age_months=age)
        for entry in entries:
            _echo_pack(entry)
        total = sum(len(entry.items) for entry in entries)
        click.echo(f"{total} item(s) to review in {len(entries)} pack(s); figures older than {age} months are stale.")
        if reviewer is not None:
            record_review(packs, reviewer=reviewer, note=note, session=session)
            click.echo(f"Recorded a review of {len(packs)} pack(s) by {reviewer}.")

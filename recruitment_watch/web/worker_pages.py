"""Pages for workers and their families, open to anyone and usable without JavaScript: the licence check
(``/verify``, answered by the same service as API v1's) and "know your rights before you go" per corridor
(``/rights``), written from the criteria packs in force today, so what the page says is what the checks enforce."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from recruitment_watch.db import get_session
from recruitment_watch.models.base import utc_now
from recruitment_watch.rate_limits import limiter
from recruitment_watch.services.criteria import corridor_rights
from recruitment_watch.services.criteria.pack_switches import judged_packs
from recruitment_watch.services.criteria.packs import active_packs
from recruitment_watch.services.errors import NotFound
from recruitment_watch.services.oversight.risk import weights_from
from recruitment_watch.services.registry import verification
from recruitment_watch.web.access import public

bp = Blueprint("worker_pages", __name__)
AMBIGUOUS = _l("This licence number is held in several countries. Give the country that issued the licence.")


class VerifyForm(FlaskForm):
    """The licence check: a search that changes nothing, so it is sent with GET and carries no CSRF token (a token
    in the address would only end up in histories and logs)."""

    class Meta:
        csrf = False

    licence_no = StringField(_l("Licence number"), validators=[DataRequired(), Length(max=64)])
    country = StringField(
        _l("Country that issued the licence (optional)"),
        validators=[Optional(), Regexp(r"^[A-Za-z]{2}$", message=_l("Give the two-letter country code, e.g. NP."))],
    )
    submit = SubmitField(_l("Check the licence"))


def country_name(code: str | None) -> str:
    """A country's name in the reader's language (CLDR), or the code when CLDR has none."""
    return get_locale().territories.get(code or "", code or "")


def language_name(code: str | None) -> str:
    """A language's name in the reader's language (CLDR), or the code when CLDR has none."""
    return get_locale().languages.get(code or "", code or "")


def _verify_limit() -> str:
    return current_app.config["API_VERIFY_RATE_LIMIT"]


def _no_lookup() -> bool:
    """Opening the empty form costs nothing; each lookup counts against the limit (as on the API)."""
    return not request.args.get("licence_no")


@bp.get("/verify")
@public
@limiter.limit(_verify_limit, exempt_when=_no_lookup)
def verify():
    """Check an agency's licence before paying it anything: status, validity, history, sanctions and grade."""
    form = VerifyForm(request.args)
    facts, answer = None, None
    if not request.args:
        return _verify_page(form, facts, answer)
    if not form.validate():
        return _verify_page(form, facts, answer), 400
    country = (form.country.data or "").upper() or None
    try:
        facts = verification.verify_licence(
            form.licence_no.data,
            country,
            on=utc_now().date(),
            weights=weights_from(current_app.config["RISK_WEIGHTS"]),
            session=get_session(),
        )
    except NotFound:
        return _verify_page(form, facts, "not_found"), 404
    except verification.AmbiguousLicence:
        form.country.errors = [*form.country.errors, AMBIGUOUS]
        return _verify_page(form, facts, "ambiguous"), 400
    return _verify_page(form, facts, "found")


def _verify_page(form: VerifyForm, facts: verification.LicenceFacts | None, answer: str | None) -> str:
    return render_template(
        "public/verify.html", form=form, facts=facts, answer=answer, country_name=country_name, today=utc_now().date()
    )


@bp.get("/rights")
@public
def rights_index():
    """The corridors a worker can read their rights for: each origin country × destination country with a pack."""
    return render_template(
        "public/rights_index.html", corridors=corridor_rights.corridors(active_packs()), country_name=country_name
    )


@bp.get("/rights/<origin>-<destination>")
@public
def rights(origin: str, destination: str):
    """One corridor's rights, from the packs in force today (a pack an admin switched off says nothing here)."""
    corridor = corridor_rights.find_corridor(f"{origin}-{destination}", active_packs())
    if corridor is None:
        abort(404)
    page = corridor_rights.corridor_rights(corridor, judged_packs(get_session()), on=utc_now().date())
    return render_template("public/rights.html", rights=page, country_name=country_name, language_name=language_name)

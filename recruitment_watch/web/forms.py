"""The web forms (Flask-WTF: every one carries a CSRF token). Labels are translated when the page renders."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, Regexp

from recruitment_watch.models.vocab import Role
from recruitment_watch.services.accounts.passwords import MAX_LENGTH


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs (WTForms 3.3 wants SelectChoice, not tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[InputRequired(), Length(max=254)],
                       render_kw={"autocomplete": "username"})  # fmt: skip
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=MAX_LENGTH)],
                             render_kw={"autocomplete": "current-password"})  # fmt: skip
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class CodeForm(FlaskForm):
    code = StringField(_l("Six-digit code from your authenticator app"),
                       validators=[InputRequired(), Regexp(r"^\s*\d{3}\s*\d{3}\s*$", message=_l("Type the 6 digits."))],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})  # fmt: skip
    submit = SubmitField(_l("Verify"))


class RecoveryForm(FlaskForm):
    recovery_code = StringField(_l("Recovery code"), validators=[InputRequired(), Length(max=20)],
                                render_kw={"autocomplete": "off"})  # fmt: skip
    submit = SubmitField(_l("Use recovery code"))


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[InputRequired(), Length(max=MAX_LENGTH)],
                             render_kw={"autocomplete": "new-password"})  # fmt: skip
    confirm = PasswordField(_l("New password again"), validators=[InputRequired(), Length(max=MAX_LENGTH)],
                            render_kw={"autocomplete": "new-password"})  # fmt: skip
    submit = SubmitField(_l("Set password"))


class LanguageForm(FlaskForm):
    language = SelectField(_l("Language"))
    next = HiddenField()
    submit = SubmitField(_l("Change language"))


class ConfirmForm(FlaskForm):
    """A button that changes something (end a session, disable an account): the CSRF token and a confirmation."""

    confirm = BooleanField(_l("Yes, I am sure"), validators=[InputRequired()])
    submit = SubmitField(_l("Confirm"))


class ButtonForm(FlaskForm):
    """A button that needs no confirmation (sign out)."""

    submit = SubmitField(_l("Submit"))


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[InputRequired(), Email(), Length(max=254)])
    full_name = StringField(_l("Full name"), validators=[InputRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=choices((role.value, role.value) for role in Role))
    organisation_id = SelectField(_l("Organisation"), coerce=int)
    submit = SubmitField(_l("Create account and invitation link"))


class KeyForm(FlaskForm):
    organisation_id = SelectField(_l("Organisation"), coerce=int)
    name = StringField(_l("Name of the key (what uses it)"), validators=[InputRequired(), Length(max=100)])
    scopes = StringField(_l("Scopes (comma-separated; empty = all the organisation may hold)"),
                         validators=[Length(max=500)])  # fmt: skip
    submit = SubmitField(_l("Issue key"))


class PackSwitchForm(FlaskForm):
    reason = StringField(_l("Reason"), filters=[lambda text: text.strip() if text else text],
                         validators=[DataRequired(), Length(max=300)])  # fmt: skip
    submit = SubmitField(_l("Switch"))


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    kind = SelectField(
        _l("Kind"), choices=choices([("ministry", _l("ministry")), ("ngo", _l("NGO")), ("agency", _l("agency"))])
    )
    country = StringField(_l("Country (ISO code, two letters)"), validators=[InputRequired(), Length(min=2, max=2)])
    submit = SubmitField(_l("Add organisation"))


class AgencyForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    country = StringField(_l("Country (ISO code, two letters)"), validators=[InputRequired(), Length(min=2, max=2)])
    licence_no = StringField(_l("Licence number"), validators=[InputRequired(), Length(max=64)])
    licence_authority = StringField(_l("Licensing authority"), validators=[InputRequired(), Length(max=200)])
    licence_valid_from = DateField(_l("Licence valid from"), validators=[Optional()])
    licence_valid_to = DateField(_l("Licence valid to"), validators=[Optional()])
    organisation_id = SelectField(_l("Organisation whose people act for it"), coerce=int)
    submit = SubmitField(_l("Register agency"))


class RoleForm(FlaskForm):
    role = SelectField(_l("New role"), choices=choices((role.value, role.value) for role in Role))
    submit = SubmitField(_l("Change role"))

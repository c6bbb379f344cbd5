"""Account forms."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import URL, EqualTo, InputRequired, Optional

from ..forms import CountryField, PortalForm, options, sector_field
from ..taxonomy import ORGANISATION_KINDS

LANGUAGE_CHOICES = options([("en", "English"), ("ko", "한국어")])


class LoginForm(PortalForm):
    email = EmailField(_l("Email"), validators=[InputRequired()])
    password = PasswordField(_l("Password"), validators=[InputRequired()])


class PersonFields:
    """The fields every new account has."""

    name = StringField(_l("Your name"), validators=[InputRequired()])
    password = PasswordField(
        _l("Password"), validators=[InputRequired()],
        description=_l("At least 10 characters."),
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[InputRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    locale = SelectField(_l("Preferred language"), choices=LANGUAGE_CHOICES)


class RegisterForm(PersonFields, PortalForm):
    email = EmailField(_l("Email"), validators=[InputRequired()])
    organisation_kind = SelectField(
        _l("Your organisation is a"), choices=options(ORGANISATION_KINDS.items()),
    )
    organisation_name = StringField(_l("Organisation name"), validators=[InputRequired()])
    organisation_country = CountryField(_l("Country"), validators=[InputRequired()])
    organisation_website = StringField(
        _l("Website"), validators=[Optional(), URL(message=_l("Enter a web address starting with https://."))],
    )
    organisation_description = TextAreaField(_l("About the organisation"))
    organisation_sectors = sector_field()
    organisation_alliance_member = BooleanField(_l("We are a member of the Korea–Nordic smart city alliance"))


class AcceptInvitationForm(PersonFields, PortalForm):
    pass


class PreferencesForm(PortalForm):
    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    timezone = SelectField(_l("Time zone"))


class ChangePasswordForm(PortalForm):
    current_password = PasswordField(_l("Current password"), validators=[InputRequired()])
    new_password = PasswordField(
        _l("New password"), validators=[InputRequired()], description=_l("At least 10 characters."),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[InputRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
    )


class ForgotPasswordForm(PortalForm):
    email = EmailField(_l("Email"), validators=[InputRequired()])


class ResetPasswordForm(PortalForm):
    password = PasswordField(
        _l("New password"), validators=[InputRequired()], description=_l("At least 10 characters."),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[InputRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class UserSearchForm(PortalForm):
    class Meta:
        csrf = False

    q = StringField(_l("Name or email"))

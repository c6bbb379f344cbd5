"""Organisation forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import URL, InputRequired, Optional

from ..forms import CountryField, sector_field


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired()])
    country = CountryField(_l("Country"))
    timezone = SelectField(_l("Time zone"), description=_l("Challenge dates are days in this time zone."))
    website = StringField(
        _l("Website"), validators=[Optional(), URL(message=_l("Enter a web address starting with https://."))],
    )
    description = TextAreaField(_l("About the organisation"))
    sectors = sector_field()
    alliance_member = BooleanField(_l("We are a member of the Korea–Nordic smart city alliance"))


class InviteForm(FlaskForm):
    email = EmailField(_l("Colleague's email"), validators=[InputRequired()])


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("Reason (the organisation sees it)"), validators=[InputRequired()])

"""Organisation forms."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import URL, InputRequired, Optional

from ..forms import CountryField, PortalForm, sector_field


class OrganisationForm(PortalForm):
    name = StringField(_l("Name"), validators=[InputRequired()])
    name_ko = StringField(_l("Name in Korean"), description=_l("Optional. Korean readers see it first."))
    country = CountryField(_l("Country"))
    timezone = SelectField(_l("Time zone"), description=_l("Challenge dates are days in this time zone."))
    website = StringField(
        _l("Website"), validators=[Optional(), URL(message=_l("Enter a web address starting with https://."))],
    )
    description = TextAreaField(_l("About the organisation"))
    sectors = sector_field()
    alliance_member = BooleanField(_l("We are a member of the Korea–Nordic smart city alliance"))


class InviteForm(PortalForm):
    email = EmailField(_l("Colleague's email"), validators=[InputRequired()])


class RejectForm(PortalForm):
    reason = TextAreaField(_l("Reason (the organisation sees it)"), validators=[InputRequired()])

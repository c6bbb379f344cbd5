"""Challenge forms."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional

from ..forms import CountryField, LongSelect, PortalForm, WholeNumberField, options, sector_field
from ..taxonomy import CONTENT_LANGUAGES

CURRENCIES = ["EUR", "KRW", "DKK", "SEK", "NOK", "ISK", "USD"]


class ChallengeForm(PortalForm):
    title = StringField(_l("Title (English)"), validators=[InputRequired()])
    summary = TextAreaField(_l("Summary (English)"), validators=[InputRequired()],
                            description=_l("Two or three sentences that a company reads first."))
    language = SelectField(_l("Language of the problem and outcomes"), choices=options(CONTENT_LANGUAGES.items()))
    problem = TextAreaField(_l("The problem"), validators=[InputRequired()])
    outcomes = TextAreaField(_l("Outcomes you want"), validators=[InputRequired()])
    title_ko = StringField(_l("Title (Korean)"))
    summary_ko = TextAreaField(_l("Summary (Korean)"))
    sectors = sector_field()
    budget_min = WholeNumberField(_l("Budget from"), validators=[
        InputRequired(), NumberRange(min=0, message=_l("Must be a whole, non-negative amount."))])
    budget_max = WholeNumberField(_l("Budget up to"), validators=[
        InputRequired(), NumberRange(min=0, message=_l("Must be a whole, non-negative amount."))])
    currency = SelectField(_l("Currency"), choices=options((code, code) for code in CURRENCIES))
    opens = DateField(_l("Opens on"), validators=[InputRequired()])
    closes = DateField(_l("Closes on"), validators=[InputRequired()],
                       description=_l("Open until the end of this day in your city's time zone."))

    def to_data(self):
        return {name: getattr(self, name).data for name in (
            "title", "summary", "language", "problem", "outcomes", "title_ko", "summary_ko",
            "sectors", "budget_min", "budget_max", "currency", "opens", "closes")}


class ChallengeFilterForm(PortalForm):
    class Meta:
        csrf = False

    sector = SelectField(_l("Sector"), validators=[Optional()])
    country = CountryField(_l("Country"), validators=[Optional()])
    organisation = SelectField(_l("City"), validators=[Optional()], widget=LongSelect())

"""Solution forms."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional

from ..forms import (
    CommaListField,
    CountriesField,
    CountryField,
    LongSelect,
    PortalForm,
    WholeNumberField,
    options,
    sector_field,
)
from ..taxonomy import CONTENT_LANGUAGES

TRL_CHOICES = [(str(level), str(level)) for level in range(1, 10)]


class SolutionForm(PortalForm):
    title = StringField(_l("Title (English)"), validators=[InputRequired()])
    summary = TextAreaField(_l("Summary (English)"), validators=[InputRequired()],
                            description=_l("Two or three sentences that a city reads first."))
    language = SelectField(_l("Language of the description"), choices=options(CONTENT_LANGUAGES.items()))
    description = TextAreaField(_l("Description"))
    title_ko = StringField(_l("Title (Korean)"))
    summary_ko = TextAreaField(_l("Summary (Korean)"))
    sectors = sector_field()
    trl = WholeNumberField(
        _l("Technology readiness level (1–9)"),
        validators=[InputRequired(), NumberRange(1, 9, message=_l("Must be a whole number from 1 to 9."))],
    )
    countries = CountriesField(
        _l("Countries where it is deployed or offered"),
        description=_l("Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    tags = CommaListField(_l("Tags"), description=_l("Separate with commas, e.g. lidar, crossing."))

    def to_data(self):
        return {name: getattr(self, name).data for name in (
            "title", "summary", "language", "description", "title_ko", "summary_ko",
            "sectors", "trl", "countries", "tags")}


class CatalogueFilterForm(PortalForm):
    class Meta:
        csrf = False

    sector = SelectField(_l("Sector"), validators=[Optional()])
    country = CountryField(_l("Country"), validators=[Optional()])
    trl_min = SelectField(_l("TRL from"), choices=options([("", "–")] + TRL_CHOICES), validators=[Optional()])
    trl_max = SelectField(_l("TRL to"), choices=options([("", "–")] + TRL_CHOICES), validators=[Optional()])
    organisation = SelectField(_l("Company"), validators=[Optional()], widget=LongSelect())

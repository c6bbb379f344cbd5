"""Form helpers shared by the domains."""
from functools import lru_cache

from flask import g
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import escape
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget, Select

from .i18n import country_choices
from .taxonomy import COUNTRY_TIMEZONES, SECTORS


class PortalForm(FlaskForm):
    """A form that also flags each field whose text held a NUL character (removed on arrival, see security)."""

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for name in g.get("fields_with_nul", ()):
            if (field := self._fields.get(name)) is not None and name != "csrf_token":
                field.errors = [*field.errors, str(_l("This field held a NUL character, which is not allowed. "
                                                     "We removed it: check the text and send it again."))]
                valid = False
        return valid


class CheckboxListField(SelectMultipleField):
    """A multiple choice shown as checkboxes, usable without JavaScript."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class WholeNumberField(IntegerField):
    """An IntegerField that reads a number beyond any the portal stores (64 bits) as none, so that the field's
    own validators say what is wanted: WTForms' NumberRange turns its number into a float, and one of
    hundreds of digits ended there in an OverflowError."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and abs(self.data) >= 2**63:
            self.data = None


class LongSelect(Select):
    """A select that writes plain options directly: WTForms' general attribute handling, done for each option
    of a long list (some 250 countries, every company), cost a listing page more than its records."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw or isinstance(choice.value, bool):
            return super().render_option(choice, **kwargs)
        selected = " selected" if choice.selected else ""
        return f'<option value="{escape(choice.value)}"{selected}>{escape(choice.label or choice.value)}</option>'


class CountryField(SelectField):
    """One country; choices from country_options()."""

    widget = LongSelect()


class CountriesField(SelectMultipleField):
    """Several countries; choices from country_options()."""

    widget = LongSelect(multiple=True)


def options(pairs):
    """WTForms choices from (value, label) pairs; labels may be lazy strings."""
    return [SelectChoice(value, label) for value, label in pairs]


def country_options(blank=None):
    """Countries for a select: Korea and the Nordic countries first, then all others.

    `blank` labels an empty first option (a filter's "Any", a form's "Choose...").
    """
    return list(_country_options(str(get_locale()), None if blank is None else str(blank)))


# Built once per language: translating the group label of some 250 options cost a listing page more
# than everything else on it together.
@lru_cache(maxsize=16)
def _country_options(locale, blank):
    focus = set(COUNTRY_TIMEZONES)
    nearby, everywhere = _("Korea and the Nordic countries"), _("All countries")
    choices = [SelectChoice("", blank)] if blank is not None else []
    for code, name in country_choices():
        choices.append(SelectChoice(code, name, optgroup=nearby if code in focus else everywhere))
    return tuple(sorted(choices, key=lambda choice: choice.optgroup is not None and choice.value not in focus))


def sector_field():
    """Checkboxes for the sector taxonomy."""
    return CheckboxListField(_l("Sectors"), choices=options(SECTORS.items()))


class CommaListField(StringField):
    """A list typed as comma-separated words."""

    def _value(self):
        return ", ".join(self.data or []) if isinstance(self.data, list) else (self.data or "")

    def process_formdata(self, valuelist):
        text = valuelist[0] if valuelist else ""
        self.data = [part.strip() for part in text.split(",") if part.strip()]


def validate_with(form, rules):
    """Run the form's checks and the service's `rules()` together, so every problem shows at once.

    The service checks again when it writes; this only spares people a second
    round of errors that the form alone could not see (budget order, dates...).
    """
    if not form.is_submitted():
        return False
    form.validate()
    apply_errors(form, {name: message for name, message in rules().items()
                        if not getattr(getattr(form, name, None), "errors", None)})
    return not form.errors


def apply_errors(form, errors, prefix=""):
    """Show a service's field errors on the form (unknown fields go on top)."""
    for field_name, message in errors.items():
        name = field_name[len(prefix):] if prefix and field_name.startswith(prefix) else field_name
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + [str(message)]
        else:
            form.form_errors.append(str(message))

"""Form helpers shared by the domains."""
from flask import g
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

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


def options(pairs):
    """WTForms choices from (value, label) pairs; labels may be lazy strings."""
    return [SelectChoice(value, label) for value, label in pairs]


def country_options(blank=None):
    """Countries for a select: Korea and the Nordic countries first, then all others.

    `blank` labels an empty first option (a filter's "Any", a form's "Choose...").
    """
    focus = set(COUNTRY_TIMEZONES)
    choices = [SelectChoice("", blank)] if blank is not None else []
    for code, name in country_choices():
        group = _l("Korea and the Nordic countries") if code in focus else _l("All countries")
        choices.append(SelectChoice(code, name, optgroup=group))
    return sorted(choices, key=lambda choice: choice.optgroup is not None and choice.value not in focus)


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

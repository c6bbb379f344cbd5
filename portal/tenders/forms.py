"""Tender forms: the tender itself (with its procedure's terms, lots and award criteria), publishing, amending,
cancelling, and questions and answers.

The services check everything again; these only read the request. Lots and award criteria are rows of
fields named `lot-<n>-<field>` and `criterion-<n>-<field>`, read by `read_rows`, so a page without
JavaScript can offer more rows with a plain submit button.
"""
from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from ..challenges.forms import CURRENCIES
from ..forms import PortalForm, WholeNumberField, options
from ..taxonomy import CONTENT_LANGUAGES
from . import procedures
from .services import INSTANTS

LOT_FIELDS = ("title", "description", "estimated_value")
CRITERION_FIELDS = ("kind", "name", "description", "weight")
NUMBER_FIELDS = ("estimated_value", "weight")
# What a browser sends for a local date and time (minutes, perhaps seconds), and what the form shows it.
CLOCK = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
ROWS_MAX = 30  # more rows than any tender may keep: the service says how many it may


class TenderForm(PortalForm):
    title = StringField(_l("Title"), validators=[InputRequired()])
    language = SelectField(_l("Language of the tender"), choices=options(CONTENT_LANGUAGES.items()))
    description = TextAreaField(_l("What the city buys"), description=_l(
        "The tender notice's summary: the need, the scope, the outcomes wanted. Markdown."))
    procedure = SelectField(_l("Procedure"), choices=options(
        (code, procedure.label) for code, procedure in procedures.PROCEDURES.items()))
    estimated_value = WholeNumberField(_l("Estimated value"), validators=[Optional()],
                                       description=_l("Without tax, for the whole contract and its term."))
    currency = SelectField(_l("Currency"), choices=options((code, code) for code in CURRENCIES))
    technical_specification = TextAreaField(_l("Technical specification"), description=_l(
        "What the solution must do and fit. Markdown."))
    eligibility_criteria = TextAreaField(_l("Eligibility"), description=_l(
        "Who may tender: grounds for exclusion, registration, the rules for consortia."))
    selection_criteria = TextAreaField(_l("Selection criteria"), description=_l(
        "The economic, financial, technical and professional standing a tenderer must show."))
    contract_terms = TextAreaField(_l("Draft contract terms"), description=_l(
        "Duration, payment, intellectual property, service levels, penalties."))
    publication_at = DateTimeLocalField(_l("Planned publication"), validators=[Optional()], format=CLOCK)
    clarification_deadline = DateTimeLocalField(_l("Clarification deadline"), validators=[Optional()], format=CLOCK)
    submission_deadline = DateTimeLocalField(_l("Submission deadline"), validators=[Optional()], format=CLOCK)
    opening_at = DateTimeLocalField(_l("Opening of the tenders"), validators=[Optional()], format=CLOCK)
    change_note = TextAreaField(_l("What the amendment changes"), description=_l(
        "Bidders read it with the new version; their bids are to be confirmed again."))
    revision = HiddenField()

    FIELDS = ("title", "language", "description", "procedure", "estimated_value", "currency",
              "technical_specification", "eligibility_criteria", "selection_criteria", "contract_terms") + INSTANTS

    def term_fields(self):
        """The procedure term fields, with the codes of the procedures that ask each: [(field, codes)]."""
        return [(getattr(self, f"term_{term.name}"), procedures.procedures_using(term.name))
                for term in procedures.all_terms()]

    def to_data(self, rows):
        """The service's data: the fields, the terms by name, and the lot and criterion rows read from the form."""
        data = {name: getattr(self, name).data for name in self.FIELDS}
        data["terms"] = {term.name: getattr(self, f"term_{term.name}").data for term in procedures.all_terms()}
        data["lots"], data["criteria"] = rows["lots"], rows["criteria"]
        return data

    def fill(self, data):
        """Show the service's data in the fields (rows are shown from the data itself)."""
        for name in self.FIELDS:
            getattr(self, name).data = data.get(name)
        for term in procedures.all_terms():
            getattr(self, f"term_{term.name}").data = (data.get("terms") or {}).get(term.name)


def _term_field(term):
    if term.kind in (procedures.WHOLE, procedures.MONEY):
        return WholeNumberField(term.label, validators=[Optional()], description=term.description)
    if term.kind == procedures.CHOICE:
        return SelectField(term.label, choices=options([("", "—"), *term.choices]), validate_choice=False,
                           description=term.description)
    return TextAreaField(term.label, description=term.description)


for _term in procedures.all_terms():
    setattr(TenderForm, f"term_{_term.name}", _term_field(_term))


def _number(text):
    """A whole number typed in a row; the text itself when it is not one (the service says what is wanted)."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        number = int(text)
    except ValueError:
        return text
    return number if abs(number) < 2**63 else text


def read_rows(formdata):
    """{"lots": [...], "criteria": [...]}: the rows the form sent, blank ones included, in their order."""
    rows = {}
    for key, prefix, fields in (("lots", "lot", LOT_FIELDS), ("criteria", "criterion", CRITERION_FIELDS)):
        found = []
        for number in range(1, ROWS_MAX + 1):
            if not any(f"{prefix}-{number}-{name}" in formdata for name in fields):
                break
            found.append({name: _number(formdata.get(f"{prefix}-{number}-{name}")) if name in NUMBER_FIELDS
                          else formdata.get(f"{prefix}-{number}-{name}", "") for name in fields})
        rows[key] = found
    return rows


def blank_row(key):
    return dict.fromkeys(LOT_FIELDS if key == "lots" else CRITERION_FIELDS, "")


class PublishForm(PortalForm):
    revision = HiddenField()


class CancelForm(PortalForm):
    reason = TextAreaField(_l("Why the tender is cancelled"), validators=[InputRequired()],
                           description=_l("Everyone reads it on the tender’s page."))


class QuestionForm(PortalForm):
    text = TextAreaField(_l("Your question"), validators=[InputRequired()], description=_l(
        "The city answers in public. Nobody but your organisation learns who asked."))


class AnswerForm(PortalForm):
    answer = TextAreaField(_l("Public answer"), validators=[InputRequired()], description=_l(
        "Everyone reads it; the asker stays anonymous. It goes into the next version’s clarifications annex."))


class DeleteForm(PortalForm):
    """The confirmation that deletes a draft: nothing but the CSRF token."""

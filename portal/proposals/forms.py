"""Proposal forms: the proposal itself, a consortium invitation, the city's decision and notes."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional

from ..challenges.forms import CURRENCIES
from ..forms import CheckboxListField, LongSelect, PortalForm, WholeNumberField, options
from ..taxonomy import CONTENT_LANGUAGES
from .models import ConsortiumPartner


class ProposalForm(PortalForm):
    title = StringField(_l("Title"), validators=[InputRequired()])
    language = SelectField(_l("Language of the proposal"), choices=options(CONTENT_LANGUAGES.items()))
    approach = TextAreaField(_l("Your approach"), validators=[InputRequired()],
                             description=_l("How you would solve the problem, and how it fits the city's own "
                                            "systems. The city ranks proposals by how well this answers its "
                                            "challenge."))
    solutions = CheckboxListField(_l("Solutions it builds on"), coerce=int, validate_choice=False,
                                  description=_l("Your own and your confirmed partners' published solutions."))
    cost_estimate = WholeNumberField(_l("Cost estimate"), validators=[
        Optional(), NumberRange(min=0, message=_l("Must be a whole, non-negative amount."))],
        description=_l("Needed before you submit."))
    currency = SelectField(_l("Currency"), choices=options((code, code) for code in CURRENCIES))
    timeline = TextAreaField(_l("Timeline"), description=_l("Needed before you submit."))
    team = TextAreaField(_l("Team"), description=_l("Needed before you submit."))
    revision = HiddenField()

    def to_data(self):
        data = {name: getattr(self, name).data for name in (
            "title", "language", "approach", "cost_estimate", "currency", "timeline", "team")}
        data["solutions"] = list(self.solutions.data or [])
        return data


class PartnerForm(PortalForm):
    organisation_id = SelectField(_l("Organisation"), coerce=int, validate_choice=False, widget=LongSelect())
    role = SelectField(_l("Role"), choices=[])
    share = WholeNumberField(_l("Share of the work (%)"), validators=[
        InputRequired(), NumberRange(min=0, max=100, message=_l("A whole number of per cent from 0 to 100."))])

    def set_role_choices(self, labels):
        self.role.choices = options((role, labels[role]) for role in ConsortiumPartner.ROLES)


class DecisionForm(PortalForm):
    reason = TextAreaField(_l("Reason, which the company reads"),
                           description=_l("Required when you decline; optional for the shortlist."))


class NoteForm(PortalForm):
    body = TextAreaField(_l("Private note"), validators=[InputRequired()],
                         description=_l("Only your city's members read notes."))


class AttachmentForm(PortalForm):
    # Whether a file came, and what it is, the files service decides (it reads the content).
    file = FileField(_l("File"))


class DeleteForm(PortalForm):
    """The confirmation that deletes a draft: nothing but the CSRF token."""

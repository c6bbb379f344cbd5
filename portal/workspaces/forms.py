"""Workspace forms: opening one, members, gates, fit items, the investment decision and the facilitator's tools.

The services check everything again; these only read the request and say which field is wrong.
"""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional

from ..challenges.forms import CURRENCIES
from ..forms import CheckboxListField, PortalForm, WholeNumberField, options
from .labels import FIT_CATEGORY_LABELS, PROCUREMENT_MODEL_LABELS


class OpenWorkspaceForm(PortalForm):
    title = StringField(_l("Name of the workspace"), validators=[InputRequired()])
    company_ids = CheckboxListField(_l("Companies from the shortlist"),
                                    description=_l("Each company's people are notified and see the workspace."))
    facilitator_id = SelectField(_l("Facilitating consultancy"), validators=[Optional()],
                                 description=_l("It runs the meetings and keeps milestones, decisions and notes."))

    def to_data(self):
        return {"title": self.title.data, "company_ids": self.company_ids.data or [],
                "facilitator_id": self.facilitator_id.data or None}


class InviteForm(PortalForm):
    organisation_id = SelectField(_l("Invite"), validators=[InputRequired()])


class GateForm(PortalForm):
    direction = RadioField(_l("Move"), choices=options([("forward", _l("Forward")), ("back", _l("Back"))]),
                           validators=[InputRequired()])
    reason = TextAreaField(_l("Why"), validators=[InputRequired()],
                           description=_l("Recorded in the gate history with your name and the time."))
    from_stage = HiddenField()

    def to_data(self):
        return {"direction": self.direction.data, "reason": self.reason.data, "from_stage": self.from_stage.data}


class FitItemForm(PortalForm):
    category = SelectField(_l("Category"), choices=options(FIT_CATEGORY_LABELS.items()))
    title = StringField(_l("What the solution must fit"), validators=[InputRequired()],
                        description=_l("For example: the city's IoT platform, KS X 6101 data, PIPA, WCAG 2.1 AA."))
    description = TextAreaField(_l("Details"))

    def to_data(self):
        return {"category": self.category.data, "title": self.title.data, "description": self.description.data}


class InvestmentForm(PortalForm):
    budget_line = StringField(_l("Budget line"), validators=[InputRequired()])
    amount = WholeNumberField(_l("Amount"), validators=[
        InputRequired(), NumberRange(min=1, message=_l("An investment decision needs an amount above zero."))])
    currency = SelectField(_l("Currency"), choices=options((code, code) for code in CURRENCIES))
    funding_source = StringField(_l("Funding source"), validators=[InputRequired()],
                                 description=_l("The city's own budget, a national programme, EU funds, a PPP …"))
    procurement_model = SelectField(_l("Intended procurement model"),
                                    choices=options(PROCUREMENT_MODEL_LABELS.items()))
    approved_by_name = StringField(_l("Approved by (name)"), validators=[InputRequired()])
    approved_by_role = StringField(_l("Approved by (role)"), validators=[InputRequired()])
    approved_on = DateField(_l("Approved on"), validators=[InputRequired()])

    FIELDS = ("budget_line", "amount", "currency", "funding_source", "procurement_model", "approved_by_name",
              "approved_by_role", "approved_on")

    def to_data(self):
        return {name: getattr(self, name).data for name in self.FIELDS}


class MilestoneForm(PortalForm):
    title = StringField(_l("Milestone"), validators=[InputRequired()])
    due_on = DateField(_l("Due on"), validators=[InputRequired()],
                       description=_l("Due at the end of this day in the city's time zone."))
    owner_organisation_id = SelectField(_l("Owner"), validators=[InputRequired()])
    owner_user_id = SelectField(_l("Person (optional)"), validators=[Optional()])

    def to_data(self):
        return {"title": self.title.data, "due_on": self.due_on.data,
                "owner_organisation_id": self.owner_organisation_id.data,
                "owner_user_id": self.owner_user_id.data or None}


class DecisionForm(PortalForm):
    title = StringField(_l("Title"), validators=[InputRequired()])
    decision = TextAreaField(_l("Decision"), validators=[InputRequired()])
    decided_by = StringField(_l("Decided by"), validators=[InputRequired()])
    decided_on = DateField(_l("Decided on"), validators=[InputRequired()])

    def to_data(self):
        return {name: getattr(self, name).data for name in ("title", "decision", "decided_by", "decided_on")}


class MeetingForm(PortalForm):
    held_on = DateField(_l("Date of the meeting"), validators=[InputRequired()])
    attendees = TextAreaField(_l("Attendees"), validators=[InputRequired()])
    notes = TextAreaField(_l("Notes"), validators=[InputRequired()])

    def to_data(self):
        return {name: getattr(self, name).data for name in ("held_on", "attendees", "notes")}


class ActionForm(PortalForm):
    description = StringField(_l("Action"), validators=[InputRequired()])
    owner_id = SelectField(_l("Owner"), validators=[InputRequired()])
    due_on = DateField(_l("Due on"), validators=[InputRequired()])

    def to_data(self):
        return {"description": self.description.data, "owner_id": self.owner_id.data, "due_on": self.due_on.data}

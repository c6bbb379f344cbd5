"""Bid forms: the bid itself (a response field per award criterion), the city's evaluators, declaration,
scores and award. The per-criterion fields are added to a subclass for each tender, as WTForms intends."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, HiddenField, SelectField, TextAreaField
from wtforms.validators import InputRequired, NumberRange

from ..forms import CheckboxListField, PortalForm, WholeNumberField


class BidForm(PortalForm):
    lot_id = SelectField(_l("Lot"), coerce=int, validate_choice=False)
    price = WholeNumberField(_l("Price"), validators=[
        InputRequired(_l("Give the price of your bid.")),
        NumberRange(min=0, message=_l("Must be a whole, non-negative amount."))])
    partners = TextAreaField(_l("Consortium partners"),
                             description=_l("One organisation a line; leave it empty when your company bids alone."))
    files = MultipleFileField(_l("Documents"))
    keep_files = CheckboxListField(_l("Documents to keep"), coerce=int, validate_choice=False)
    revision = HiddenField()

    def response_fields(self, tender):
        return [(criterion, self[f"response_{criterion.id}"]) for criterion in tender.criteria]

    def to_data(self, tender):
        partners = [line.strip() for line in (self.partners.data or "").splitlines() if line.strip()]
        return {"price": self.price.data, "partners": partners,
                "responses": {criterion.id: self[f"response_{criterion.id}"].data or ""
                              for criterion in tender.criteria}}


def bid_form(tender, **kwargs):
    """A BidForm with a response field for each of the tender's award criteria."""
    class TenderBidForm(BidForm):
        pass

    for criterion in tender.criteria:
        setattr(TenderBidForm, f"response_{criterion.id}", TextAreaField(
            _l("%(criterion)s (weight %(weight)d)", criterion=criterion.name, weight=criterion.weight),
            description=criterion.description or None))
    return TenderBidForm(**kwargs)


class ScoreForm(PortalForm):
    def rows(self, tender):
        return [(criterion, self[f"score_{criterion.id}"], self[f"comment_{criterion.id}"])
                for criterion in tender.criteria]

    def to_entries(self, tender):
        return {criterion.id: (self[f"score_{criterion.id}"].data, self[f"comment_{criterion.id}"].data or "")
                for criterion in tender.criteria}


def score_form(tender, **kwargs):
    """A ScoreForm with a score (0–100) and a comment for each award criterion."""
    class TenderScoreForm(ScoreForm):
        pass

    for criterion in tender.criteria:
        setattr(TenderScoreForm, f"score_{criterion.id}", WholeNumberField(
            _l("Score from 0 to 100"), validators=[
                InputRequired(_l("A whole number from 0 to 100.")),
                NumberRange(min=0, max=100, message=_l("A whole number from 0 to 100."))]))
        setattr(TenderScoreForm, f"comment_{criterion.id}", TextAreaField(_l("Why")))
    return TenderScoreForm(**kwargs)


class EvaluatorForm(PortalForm):
    user_id = SelectField(_l("Person"), coerce=int, validate_choice=False)


class DeclarationForm(PortalForm):
    confirm = BooleanField(_l("I make this declaration"))


class AwardForm(PortalForm):
    lot_id = HiddenField()
    bid_id = SelectField(_l("Winning bid"), coerce=int, validate_choice=False)
    value = WholeNumberField(_l("Contract value"), validators=[
        InputRequired(_l("Must be a whole, non-negative amount.")),
        NumberRange(min=0, message=_l("Must be a whole, non-negative amount."))])
    justification = TextAreaField(_l("Justification"),
                                  description=_l("Published with the award, beside the supplier and the value."))


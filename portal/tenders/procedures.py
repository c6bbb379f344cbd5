"""The procedures a tender may follow: what each is called, the terms it asks beyond the common fields, how
they are checked, and how the Open Contracting Data Standard (OCDS 1.1) names it.

The EU procedures carry their eForms codes (BT-105): `open`, `restricted`, `neg-w-call`, `comp-dial`,
`innovation`; pre-commercial procurement (`pcp`) buys research and development in competing phases; the Korean
public–private partnership models `bto`, `btl` and `bot` are concessions with a term in years. A tender keeps
its procedure's terms in `Tender.procedure_terms` ({term name: value}); `clean_terms` keeps only the terms the
chosen procedure uses, so a value typed for another procedure never reaches the tender.
"""
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from ..i18n import format_money
from .models import (
    BOT,
    BTL,
    BTO,
    COMPETITIVE_DIALOGUE,
    COST,
    INNOVATION,
    NEGOTIATED,
    OPEN,
    PRE_COMMERCIAL,
    PRICE,
    QUALITY,
    RESTRICTED,
)

WHOLE, MONEY, CHOICE, TEXT = "whole", "money", "choice", "text"
TEXT_MAX = 2000
MONEY_MAX = 10**15


@dataclass(frozen=True)
class Term:
    """Something a procedure asks: a whole number (within `minimum`..`maximum`), an amount of money in the
    tender's currency, one of `choices` ((value, label) pairs), or a text."""

    name: str
    label: object
    kind: str
    description: object = None
    required: bool = True
    minimum: int = 0
    maximum: int = MONEY_MAX
    choices: tuple = ()

    def check(self, value):
        """An error message for `value` (not None), or None."""
        if self.kind in (WHOLE, MONEY):
            if isinstance(value, bool) or not isinstance(value, int) or not self.minimum <= value <= self.maximum:
                if self.kind == MONEY:
                    return _l("An amount of at least %(minimum)d.", minimum=self.minimum)
                return _l("A whole number from %(minimum)d to %(maximum)d.", minimum=self.minimum,
                          maximum=self.maximum)
        elif self.kind == CHOICE:
            if value not in dict(self.choices):
                return _l("Not a valid choice.")
        elif not isinstance(value, str) or len(value) > TEXT_MAX:
            return _l("At most %(n)d characters.", n=TEXT_MAX)
        return None

    def display(self, value, currency):
        """The value as the tender page and the PDF show it."""
        if self.kind == MONEY:
            return format_money(value, currency)
        if self.kind == CHOICE:
            return str(dict(self.choices).get(value, value))
        return str(value)


@dataclass(frozen=True)
class Procedure:
    code: str
    label: object
    description: object
    method: str  # OCDS procurementMethod: open, selective, limited or direct
    details: str  # OCDS procurementMethodDetails, in English as the open data is
    terms: tuple = ()
    # Rules between the procedure's terms: check(terms) -> {form field name: message}, on the cleaned terms.
    check: object = field(default=None, compare=False)


def _candidates(minimum):
    return Term("candidates", _l("Candidates invited to tender"), WHOLE, _l(
        "How many of the qualified candidates the city invites: at least five in a restricted procedure, three "
        "in the others (Directive 2014/24/EU, Article 65)."), minimum=minimum, maximum=50)


YES_NO = (("yes", _l("Yes")), ("no", _l("No")))
PHASES = ((1, _l("solution design")), (2, _l("prototype")), (3, _l("original development and testing")))


def _phase_terms():
    for number, name in PHASES:
        yield Term(f"phase{number}_contractors", _l("Phase %(number)d (%(name)s): contractors", number=number,
                                                    name=name), WHOLE, minimum=1, maximum=20)
        yield Term(f"phase{number}_months", _l("Phase %(number)d (%(name)s): months", number=number, name=name),
                   WHOLE, minimum=1, maximum=36)


def _check_phases(terms):
    """A phase keeps at most the contractors of the phase before, and the last keeps two, so it stays a contest."""
    errors = {}
    counts = [terms.get(f"phase{number}_contractors") for number, _name in PHASES]
    for number in (2, 3):
        before, now = counts[number - 2], counts[number - 1]
        if before is not None and now is not None and now > before:
            errors[f"term_phase{number}_contractors"] = _l(
                "Phase %(number)d cannot have more contractors than phase %(before)d: each phase keeps the best "
                "of the one before.", number=number, before=number - 1)
    if counts[-1] is not None and counts[-1] < 2:
        errors.setdefault("term_phase3_contractors", _l(
            "Keep at least two contractors in the last phase, so that the competition lasts to the end."))
    return errors


CONCESSION_YEARS = Term("concession_years", _l("Concession term (years)"), WHOLE, _l(
    "How long the private partner operates the facility (BTO, BOT) or is paid for it (BTL)."), minimum=1,
    maximum=50)
USER_FEES = Term("user_fees", _l("User fees"), TEXT, _l(
    "Who pays what for using the facility, and how the fees are set and revised over the term."))
LEASE_PAYMENT = Term("lease_payment", _l("Government lease payment per year"), MONEY, _l(
    "What the city pays the private partner each year of the term, in the tender's currency."), minimum=1)
ORIGIN = Term("proposal_origin", _l("Origin of the project"), CHOICE, choices=(
    ("solicited", _l("Solicited: the city proposed the project")),
    ("unsolicited", _l("Unsolicited: a private partner proposed the project"))))
PREFERENCE = Term(
    "proposer_preference", _l("Preference for the original proposer (per cent of the total score)"), WHOLE,
    _l("Unsolicited projects only: the extra points the private partner who proposed the project receives, at most "
       "10 per cent of the total score."), required=False, minimum=0, maximum=10)


def _check_origin(terms):
    """An unsolicited project says what preference its original proposer gets; a solicited one has none."""
    if terms.get("proposal_origin") == "unsolicited" and terms.get("proposer_preference") is None:
        return {"term_proposer_preference": _l("Say what preference the original proposer gets (0 for none).")}
    if terms.get("proposal_origin") != "unsolicited":
        terms.pop("proposer_preference", None)
    return {}


PROCEDURES = {procedure.code: procedure for procedure in (
    Procedure(OPEN, _l("Open procedure"), _l("Any interested company may tender."),
              "open", "Open procedure (eForms BT-105: open)"),
    Procedure(RESTRICTED, _l("Restricted procedure"), _l(
        "Companies apply; the city invites the qualified candidates it selects to tender."),
        "selective", "Restricted procedure (eForms BT-105: restricted)", (_candidates(5),)),
    Procedure(NEGOTIATED, _l("Competitive procedure with negotiation"), _l(
        "The candidates the city selects tender, and the city negotiates with them to improve their offers."),
        "selective", "Competitive procedure with negotiation (eForms BT-105: neg-w-call)", (
            _candidates(3), Term("award_without_negotiation", _l(
                "The city may award on the initial tenders without negotiating"), CHOICE, _l(
                "Only if the notice says so may the city skip the negotiation (Directive 2014/24/EU, "
                "Article 29(4))."), choices=YES_NO))),
    Procedure(COMPETITIVE_DIALOGUE, _l("Competitive dialogue"), _l(
        "The city holds a dialogue with the selected candidates to find the solution, then asks for final "
        "tenders."), "selective", "Competitive dialogue (eForms BT-105: comp-dial)", (
            _candidates(3), Term("participant_payments", _l("Prizes or payments for participants"), TEXT, _l(
                "Optional: what the city pays those who take part in the dialogue (Directive 2014/24/EU, "
                "Article 30(8))."), required=False))),
    Procedure(INNOVATION, _l("Innovation partnership"), _l(
        "The city and one or more partners develop an innovative solution in phases, which the city then buys."),
        "selective", "Innovation partnership (eForms BT-105: innovation)", (
            _candidates(3), Term("partners", _l("Partners in the partnership"), WHOLE, _l(
                "With how many of the tenderers the city forms the partnership."), minimum=1, maximum=10))),
    Procedure(PRE_COMMERCIAL, _l("Pre-commercial procurement"), _l(
        "The city buys research and development in competing phases, keeping fewer contractors from phase to "
        "phase; it buys no finished product."), "open",
        "Pre-commercial procurement in three competing phases (research and development services, outside "
        "Directive 2014/24/EU under its Article 14)", tuple(_phase_terms()), _check_phases),
    Procedure(BTO, _l("BTO (build–transfer–operate)"), _l(
        "A private partner builds the facility, hands its ownership to the city on completion and operates it "
        "for the term, earning back its investment from user fees."), "open",
        "Korean public-private partnership: build-transfer-operate (BTO)",
        (CONCESSION_YEARS, USER_FEES, ORIGIN, PREFERENCE), _check_origin),
    Procedure(BTL, _l("BTL (build–transfer–lease)"), _l(
        "A private partner builds the facility and hands it to the city, which leases it back and pays a lease "
        "for the term."), "open", "Korean public-private partnership: build-transfer-lease (BTL)",
        (CONCESSION_YEARS, LEASE_PAYMENT, ORIGIN, PREFERENCE), _check_origin),
    Procedure(BOT, _l("BOT (build–operate–transfer)"), _l(
        "A private partner builds and owns the facility, operates it for the term collecting user fees, then "
        "hands it to the city."), "open", "Korean public-private partnership: build-operate-transfer (BOT)",
        (CONCESSION_YEARS, USER_FEES, ORIGIN, PREFERENCE), _check_origin),
)}

# A workspace's intended procurement model (InvestmentDecision.procurement_model) preselects the procedure.
FROM_PROCUREMENT_MODEL = {"open-procedure": OPEN, "innovation-partnership": INNOVATION,
                          "pre-commercial": PRE_COMMERCIAL, "bto": BTO, "btl": BTL, "bot": BOT}


def get(code):
    """The procedure with this code; KeyError for an unknown one."""
    return PROCEDURES[code]


def label(code):
    return PROCEDURES[code].label if code in PROCEDURES else code


def all_terms():
    """Every term any procedure asks, once per name, in the order the procedures list them (for the form)."""
    terms = {}
    for procedure in PROCEDURES.values():
        for term in procedure.terms:
            terms.setdefault(term.name, term)
    return list(terms.values())


def procedures_using(name):
    """The codes of the procedures that ask the term `name`."""
    return [code for code, procedure in PROCEDURES.items() if any(term.name == name for term in procedure.terms)]


def clean_terms(code, given, complete=True):
    """(terms, errors) for the procedure `code`: its own terms from `given` ({name: value}, None or "" for none;
    the names of other procedures' terms are ignored), checked one by one and against each other. Errors are
    keyed by form field (`term_<name>`). Without `complete` a required term may be missing, as in a draft."""
    procedure = PROCEDURES[code]
    terms, errors = {}, {}
    for term in procedure.terms:
        value = given.get(term.name)
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            if term.required and complete:
                errors[f"term_{term.name}"] = _l("%(procedure)s needs this.", procedure=procedure.label)
            continue
        if message := term.check(value):
            errors[f"term_{term.name}"] = message
        else:
            terms[term.name] = value
    if procedure.check and not errors:
        errors.update(procedure.check(terms))
    return terms, errors


def term_rows(code, terms, currency):
    """[(label, value as shown)] of the procedure's terms that have a value, in its order."""
    procedure = PROCEDURES.get(code)
    if procedure is None:
        return []
    return [(term.label, term.display(terms[term.name], currency)) for term in procedure.terms
            if terms.get(term.name) is not None]


# ---------------------------------------------------------------- Open Contracting

def ocds_method(code):
    """OCDS `procurementMethod`: open, selective, limited or direct."""
    return PROCEDURES[code].method


def ocds_method_details(code):
    """OCDS `procurementMethodDetails`: the procedure's name, with its code where it has one."""
    return PROCEDURES[code].details


def ocds_award_criteria(kinds):
    """OCDS `awardCriteria` from the kinds of a tender's award criteria: priceOnly, costOnly or qualityOnly when
    all are of one kind, ratedCriteria when they mix; None without criteria."""
    kinds = set(kinds)
    if not kinds:
        return None
    if len(kinds) > 1:
        return "ratedCriteria"
    return {PRICE: "priceOnly", COST: "costOnly", QUALITY: "qualityOnly"}[kinds.pop()]

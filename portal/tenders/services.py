"""The rules of tenders: who builds, edits, publishes, amends and cancels one, what it must hold, and its
questions and answers.

A member of a verified city builds a tender from a workspace that is ready to tender (its agreed requirement
document, fit table and investment decision) or from scratch, and edits the draft; every save is counted
(`revision`), so a save made on an older page is refused instead of overwriting a newer one. Publishing and
each amendment freeze a `TenderVersion` (the rendered PDF, stored with its SHA-256, and a snapshot of the
tender). Companies ask until the clarification deadline; the city answers in public until that deadline, and
at the latest six days before the submission deadline; who asked is shown to nobody but the asking
organisation. Status moves are conditional UPDATEs, so a second click or a stale page changes nothing.

Services take `now` (the server's clock by default) so that the demo and tests can place a tender in time;
the pages never pass one.
"""
import math
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy import update as sql_update
from sqlalchemy.exc import IntegrityError

from ..access import is_authenticated, is_member, require
from ..audit.services import record
from ..documents.models import DocumentRevision
from ..documents.services import agreed_document
from ..errors import Invalid, NotFound
from ..extensions import db
from ..files import services as files
from ..i18n import format_instant, zone_label
from ..keys import get_visible_by_id
from ..model_types import utcnow
from ..proposals.services import is_verified_company_member
from ..signals import (
    announce,
    question_answered,
    question_asked,
    tender_amended,
    tender_cancelled,
    tender_published,
)
from ..validation import check_choice, check_currency, check_language, check_text
from ..workspaces import services as workspaces
from ..workspaces.models import FIT_CATEGORIES, FIT_VERDICTS, READY
from . import pdf, procedures
from .models import (
    CRITERION_KINDS,
    NOTE_MAX,
    OPEN,
    PRICE,
    PROCEDURES,
    QUALITY,
    QUESTION_MAX,
    TEXT_MAX,
    TITLE_MAX,
    AwardCriterion,
    Lot,
    Question,
    Tender,
    TenderVersion,
)

# Questions and answers close at least this long before the submission deadline, and an amendment leaves
# bidders at least this long to take it in.
CLARIFICATION_LEAD = timedelta(days=6)
LOTS_MAX = 20
CRITERIA_MAX = 10
VALUE_MAX = 10**15  # beyond any city budget; keeps the number inside 64 bits with room to spare
QUESTIONS_PER_ORGANISATION = 30  # per tender: more is a sign the questions belong in one message
INSTANTS = ("publication_at", "clarification_deadline", "submission_deadline", "opening_at")
EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(2099, 12, 31, tzinfo=UTC)


class Stale(Invalid):
    """The tender moved on since the page was shown (another click, another member, the clock)."""


# ---------------------------------------------------------------- who is who

def is_city_member(user, tender):
    """Members of the city that owns the tender."""
    return is_member(user, tender.organisation)


def can_build(user):
    """Members of a verified city build tenders."""
    organisation = getattr(user, "organisation", None) if is_authenticated(user) else None
    return organisation is not None and organisation.kind == "city" and organisation.is_verified


def can_edit(user, tender):
    return is_city_member(user, tender) and tender.status == Tender.DRAFT


def can_amend(user, tender, now=None):
    """The city amends a published tender until its submission deadline."""
    return (is_city_member(user, tender) and tender.status == Tender.PUBLISHED
            and (now or utcnow()) < tender.submission_deadline)


def can_cancel(user, tender):
    return is_city_member(user, tender) and tender.status in (Tender.PUBLISHED, Tender.OPENED)


def answers_close_at(tender):
    """When the city can no longer answer: the clarification deadline, at the latest six days before the
    submission deadline."""
    return min(tender.clarification_deadline, tender.submission_deadline - CLARIFICATION_LEAD)


def answers_open(tender, now=None):
    return tender.status == Tender.PUBLISHED and (now or utcnow()) < answers_close_at(tender)


def can_ask(user, tender, now=None):
    """Members of a verified company ask while the tender takes questions."""
    return is_verified_company_member(user) and tender.questions_open(now or utcnow())


def can_answer(user, tender, now=None):
    return is_city_member(user, tender) and answers_open(tender, now)


# ---------------------------------------------------------------- reading

def get_for_view(user, tender_id):
    """The tender if `user` may see it (Tender.visible_to says who); NotFound otherwise."""
    return get_visible_by_id(Tender, user, tender_id)


def version_of(tender, number):
    """The tender's version `number`; NotFound for a draft or a number it does not have."""
    version = db.session.scalar(select(TenderVersion).where(TenderVersion.tender_id == tender.id,
                                                            TenderVersion.number == number))
    if version is None or tender.status not in Tender.PUBLIC:
        raise NotFound()
    return version


PHASES = ("open", "closed")


def listing(phase="open", page=1, now=None):
    """A page of the tenders anyone may see: open for bids (nearest submission deadline first), or the others
    (the latest deadline first)."""
    if phase not in PHASES:
        raise Invalid({"phase": _l("Not a valid choice.")})
    now = now or utcnow()
    is_open = (Tender.status == Tender.PUBLISHED) & (Tender.submission_deadline > now)
    statement = select(Tender).where(Tender.visible_to(None))
    if phase == "open":
        statement = statement.where(is_open).order_by(Tender.submission_deadline, Tender.id)
    else:
        statement = statement.where(~is_open).order_by(Tender.submission_deadline.desc(), Tender.id.desc())
    return db.paginate(statement, page=page, per_page=current_app.config["PAGE_SIZE"], error_out=False)


def drafts_of(user):
    """The drafts of the user's city, the latest change first; nobody else sees any."""
    if not is_authenticated(user) or user.organisation_id is None:
        return []
    return db.session.scalars(select(Tender).where(
        Tender.organisation_id == user.organisation_id, Tender.status == Tender.DRAFT, Tender.visible_to(user))
        .order_by(Tender.updated_at.desc())).all()


def of_organisation(user):
    """For a city's dashboard: its tenders in every state, the latest change first."""
    if not is_authenticated(user) or user.organisation_id is None:
        return []
    return db.session.scalars(select(Tender).where(
        Tender.organisation_id == user.organisation_id, Tender.visible_to(user))
        .order_by(Tender.updated_at.desc())).all()


def live_tender_of(workspace):
    """The workspace's tender that is not cancelled, whoever may see it, or None."""
    return db.session.scalar(select(Tender).where(Tender.workspace_id == workspace.id,
                                                  Tender.status != Tender.CANCELLED))


def workspace_panel(user, workspace):
    """What a ready workspace's hub offers `user`: {"tender": the live tender they may see, "can_build"}; None
    before ready to tender."""
    if workspace.stage != READY:
        return None
    live = live_tender_of(workspace)
    seen = live if live is not None and live.is_visible_to(user) else None
    return {"tender": seen, "can_build": live is None and can_build_from(user, workspace)}


def questions_for(user, tender):
    """The tender's questions `user` may see (Question.visible_to), in the order they were asked."""
    return db.session.scalars(select(Question).where(Question.tender_id == tender.id, Question.visible_to(user))
                              .order_by(Question.asked_at, Question.id)).all()


# ---------------------------------------------------------------- time

def to_utc(value, zone):
    """(instant in UTC, error): `value` as typed in the zone `zone` (a naive datetime), or an aware datetime."""
    if value is None:
        return None, None
    if not EARLIEST.year <= value.year <= LATEST.year:  # before any arithmetic: year 1 or 9999 overflows
        return None, _l("Enter a time between the years 2000 and 2099.")
    if value.tzinfo is None:
        local = value.replace(tzinfo=ZoneInfo(zone))
        instant = local.astimezone(UTC)
        if instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None) != value:
            return None, _l("This time does not exist in %(zone)s: the clocks skip it. Choose another.",
                            zone=zone_label(zone))
    else:
        instant = value.astimezone(UTC)
    if not EARLIEST <= instant <= LATEST:
        return None, _l("Enter a time between the years 2000 and 2099.")
    return instant, None


def local(instant, zone):
    """An instant as the city's clock shows it, naive, for a form."""
    return instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None) if instant else None


def _when(instant, zone):
    return f"{format_instant(instant, zone, 'medium')} ({zone_label(zone)})"


def _next_hour(instant):
    """The first whole hour at or after `instant`."""
    return instant.replace(minute=0, second=0, microsecond=0) + timedelta(hours=math.ceil(
        (instant.minute * 60 + instant.second + instant.microsecond / 1e6) / 3600))


# ---------------------------------------------------------------- what a new tender starts with

def _in(language, text):
    """`text` (a lazy string) in the tender's language, whatever the reader's is."""
    with force_locale(language):
        return str(text)


def default_criteria(language, workspace=None):
    """Award criteria to start from: price and quality, and fit with the city's systems for a workspace's."""
    if workspace is None:
        rows = ((PRICE, _l("Price"), 40), (QUALITY, _l("Quality of the solution"), 60))
    else:
        rows = ((PRICE, _l("Price"), 30), (QUALITY, _l("Quality of the solution"), 50),
                (QUALITY, _l("Fit with the city's systems"), 20))
    return [{"kind": kind, "name": _in(language, name), "description": "", "weight": weight}
            for kind, name, weight in rows]


def default_timeline(zone, now=None):
    """A timeline to start from, in the city's clock: publication tomorrow morning, questions for four weeks,
    tenders a week after that, opened the same afternoon."""
    today = (now or utcnow()).astimezone(ZoneInfo(zone)).date()

    def at(days, hour):
        return datetime.combine(today + timedelta(days=days), datetime.min.time()).replace(hour=hour)
    return {"publication_at": at(1, 9), "clarification_deadline": at(29, 17), "submission_deadline": at(36, 12),
            "opening_at": at(36, 14)}


def initial_data(actor, workspace=None, now=None):
    """The form's starting values for a new tender of the actor's city, built from `workspace` if given."""
    organisation = actor.organisation
    language = "ko" if organisation.country == "KR" else "en"
    data = {"title": "", "description": "", "language": language, "procedure": OPEN, "terms": {},
            "estimated_value": None, "currency": "KRW" if organisation.country == "KR" else "EUR",
            "technical_specification": "", "eligibility_criteria": "", "selection_criteria": "",
            "contract_terms": "", "lots": []}
    data.update(default_timeline(organisation.timezone, now))
    if workspace is not None:
        challenge = workspace.challenge
        language = data["language"] = challenge.language
        korean = language == "ko"
        data["title"] = challenge.title_ko if korean and challenge.title_ko else challenge.title
        summary = challenge.summary_ko if korean and challenge.summary_ko else challenge.summary
        data["description"] = "\n\n".join(part for part in (summary, challenge.outcomes) if part)
        data["currency"] = challenge.currency
        data["technical_specification"] = agreed_text(workspace)
        investment = workspaces.investment_of(workspace)
        if investment is not None:
            data["procedure"] = procedures.FROM_PROCUREMENT_MODEL.get(investment.procurement_model, OPEN)
            data["estimated_value"], data["currency"] = investment.amount, investment.currency
    data["criteria"] = default_criteria(language, workspace)
    return data


def agreed_text(workspace):
    """The text of the workspace's agreed requirement document as agreed, or ""."""
    document = agreed_document(workspace)
    if document is None:
        return ""
    return db.session.scalar(select(DocumentRevision.body).where(
        DocumentRevision.document_id == document.id, DocumentRevision.number == document.agreed_number)) or ""


def fit_snapshot(workspace):
    """The workspace's fit table for the tender: each item, and how many member companies gave each verdict.
    Which company answered what stays in the workspace."""
    table = workspaces.fit_table(workspace)
    rows = []
    for item in table.items:
        verdicts = [answer.verdict for company in table.companies if (answer := table.answer(item, company))]
        rows.append({"category": item.category, "title": item.title, "text": item.description,
                     "answers": {verdict: verdicts.count(verdict) for verdict in FIT_VERDICTS}})
    return rows


def is_whole(tender):
    """Whether the tender's one lot is the implicit whole (no lots were given): the form shows no lot rows."""
    return (len(tender.lots) == 1 and tender.lots[0].title == tender.title and not tender.lots[0].description
            and tender.lots[0].estimated_value == tender.estimated_value)


def data_of(tender):
    """The tender as the form's data, its instants on the city's clock."""
    zone = tender.organisation.timezone
    data = {name: getattr(tender, name) for name in (
        "title", "description", "language", "procedure", "estimated_value", "currency", "technical_specification",
        "eligibility_criteria", "selection_criteria", "contract_terms")}
    data["terms"] = dict(tender.procedure_terms or {})
    data["lots"] = [] if is_whole(tender) else [
        {"title": lot.title, "description": lot.description, "estimated_value": lot.estimated_value}
        for lot in tender.lots]
    data["criteria"] = [{"kind": criterion.kind, "name": criterion.name, "description": criterion.description,
                         "weight": criterion.weight} for criterion in tender.criteria]
    data.update({name: local(getattr(tender, name), zone) for name in INSTANTS})
    return data


# ---------------------------------------------------------------- checking

def _blank(row, fields):
    return all(row.get(name) in (None, "") or (isinstance(row.get(name), str) and not row[name].strip())
               for name in fields)


def _whole(value, minimum, maximum):
    return not isinstance(value, bool) and isinstance(value, int) and minimum <= value <= maximum


def _check_lots(rows, estimated_value, errors):
    lots = []
    for number, row in enumerate(rows or [], start=1):
        if _blank(row, ("title", "description", "estimated_value")):
            continue
        if message := check_text(row.get("title"), TITLE_MAX):
            errors[f"lot-{number}-title"] = _l("Lot %(number)d: %(message)s", number=number, message=message)
        if message := check_text(row.get("description"), TEXT_MAX, required=False, multiline=True):
            errors[f"lot-{number}-description"] = _l("Lot %(number)d: %(message)s", number=number, message=message)
        value = row.get("estimated_value")
        if value not in (None, "") and not _whole(value, 0, VALUE_MAX):
            errors[f"lot-{number}-estimated_value"] = _l("Lot %(number)d: the estimated value must be a whole, "
                                                         "non-negative amount.", number=number)
        lots.append({"title": (row.get("title") or "").strip(), "description": (row.get("description") or "").strip(),
                     "estimated_value": value if value != "" else None})
    if len(lots) > LOTS_MAX:
        errors["lots"] = _l("A tender has at most %(count)d lots.", count=LOTS_MAX)
    values = [lot["estimated_value"] for lot in lots if isinstance(lot["estimated_value"], int)]
    if isinstance(estimated_value, int) and values and sum(values) > estimated_value:
        errors["lots"] = _l("The lots' estimated values add up to more than the tender's estimated value.")
    return lots


def _check_criteria(rows, errors):
    criteria = []
    for number, row in enumerate(rows or [], start=1):
        if _blank(row, ("name", "description", "weight")):
            continue
        if check_choice(row.get("kind"), CRITERION_KINDS):
            errors[f"criterion-{number}-kind"] = _l("Award criterion %(number)d: choose price, cost or quality.",
                                                    number=number)
        if message := check_text(row.get("name"), TITLE_MAX):
            errors[f"criterion-{number}-name"] = _l("Award criterion %(number)d: %(message)s", number=number,
                                                    message=message)
        if message := check_text(row.get("description"), TEXT_MAX, required=False, multiline=True):
            errors[f"criterion-{number}-description"] = _l("Award criterion %(number)d: %(message)s", number=number,
                                                           message=message)
        if not _whole(row.get("weight"), 1, 100):
            errors[f"criterion-{number}-weight"] = _l("Award criterion %(number)d: the weight is a whole number from "
                                                      "1 to 100.", number=number)
        criteria.append({"kind": row.get("kind"), "name": (row.get("name") or "").strip(),
                         "description": (row.get("description") or "").strip(), "weight": row.get("weight")})
    if not criteria:
        errors["criteria"] = _l("Give at least one award criterion.")
    elif len(criteria) > CRITERIA_MAX:
        errors["criteria"] = _l("A tender has at most %(count)d award criteria.", count=CRITERIA_MAX)
    elif all(_whole(criterion["weight"], 1, 100) for criterion in criteria):
        total = sum(criterion["weight"] for criterion in criteria)
        if total != 100:
            errors["criteria"] = _l("The weights of the award criteria add up to %(total)d; they must add up to 100.",
                                    total=total)
    return criteria


def _check_timeline(data, zone, complete, errors):
    instants = {}
    for name in INSTANTS:
        instants[name], message = to_utc(data.get(name), zone)
        if message:
            errors[name] = message
        elif instants[name] is None and complete and name != "publication_at":
            errors[name] = _l("Needed before the tender is published.")
    publication, clarification, submission, opening = (instants[name] for name in INSTANTS)
    if publication and clarification and clarification <= publication:
        errors.setdefault("clarification_deadline", _l("The clarification deadline must come after the publication."))
    if clarification and submission and clarification > submission - CLARIFICATION_LEAD:
        errors.setdefault("clarification_deadline", _l(
            "Questions and answers must close at least six days before the submission deadline: by %(latest)s at "
            "the latest.", latest=_when(submission - CLARIFICATION_LEAD, zone)))
    if submission and opening and opening < submission:
        errors.setdefault("opening_at", _l("The opening cannot come before the submission deadline."))
    return instants


def validate(data, zone, complete=False):
    """(clean data, errors by field) for tender data as the form gives it (instants on the city's clock, in
    `zone`). A draft may leave out what only publishing needs; `complete` asks for everything."""
    errors = {}
    checks = {
        "title": check_text(data.get("title"), TITLE_MAX),
        "description": check_text(data.get("description"), TEXT_MAX, required=complete, multiline=True),
        "language": check_language(data.get("language")),
        "procedure": check_choice(data.get("procedure"), PROCEDURES),
        "currency": check_currency(data.get("currency")),
        "technical_specification": check_text(data.get("technical_specification"), TEXT_MAX, required=complete,
                                              multiline=True),
    }
    for name in ("eligibility_criteria", "selection_criteria", "contract_terms"):
        checks[name] = check_text(data.get(name), TEXT_MAX, required=False, multiline=True)
    errors.update({name: message for name, message in checks.items() if message})
    value = data.get("estimated_value")
    if value is None and complete:
        errors["estimated_value"] = _l("Needed before the tender is published.")
    elif value is not None and not _whole(value, 0, VALUE_MAX):
        errors["estimated_value"] = _l("Must be a whole, non-negative amount.")
    terms = {}
    if "procedure" not in errors:
        terms, term_errors = procedures.clean_terms(data["procedure"], data.get("terms") or {}, complete)
        errors.update(term_errors)
    clean = {name: (data.get(name) or "").strip()  # a field left out of the form is an empty text
             for name in ("title", "description", "language", "procedure", "currency", "technical_specification",
                          "eligibility_criteria", "selection_criteria", "contract_terms")}
    clean.update(estimated_value=value, terms=terms,
                 lots=_check_lots(data.get("lots"), value if "estimated_value" not in errors else None, errors),
                 criteria=_check_criteria(data.get("criteria"), errors))
    clean.update(_check_timeline(data, zone, complete, errors))
    return clean, errors


def missing_for_publication(tender, now=None):
    """What the draft still needs before it is published, by field; {} when it may be published."""
    _clean, errors = validate(data_of(tender), tender.organisation.timezone, complete=True)
    now = now or utcnow()
    if tender.clarification_deadline and tender.clarification_deadline <= now:
        errors.setdefault("clarification_deadline", _l("The clarification deadline has passed: move it later."))
    return errors


# ---------------------------------------------------------------- writing: the draft

def _apply(tender, clean):
    """Copy valid data onto the tender; lots and criteria keep their rows by number, so what refers to them
    (bids, scores) keeps referring to the same lot or criterion."""
    for name in ("title", "description", "language", "procedure", "currency", "technical_specification",
                 "eligibility_criteria", "selection_criteria", "contract_terms", "estimated_value"):
        setattr(tender, name, clean[name])
    tender.procedure_terms = clean["terms"]
    for name in INSTANTS:
        setattr(tender, name, clean[name])
    lots = clean["lots"] or [{"title": tender.title, "description": "", "estimated_value": tender.estimated_value}]
    existing = {lot.number: lot for lot in tender.lots}
    for number, row in enumerate(lots, start=1):
        lot = existing.pop(number, None)
        if lot is None:
            lot = Lot(number=number)
            tender.lots.append(lot)
        lot.title, lot.description, lot.estimated_value = row["title"], row["description"], row["estimated_value"]
    for lot in existing.values():
        tender.lots.remove(lot)
    existing = {criterion.position: criterion for criterion in tender.criteria}
    for position, row in enumerate(clean["criteria"], start=1):
        criterion = existing.pop(position, None)
        if criterion is None:
            criterion = AwardCriterion(position=position)
            tender.criteria.append(criterion)
        criterion.kind, criterion.name = row["kind"], row["name"]
        criterion.description, criterion.weight = row["description"], row["weight"]
    for criterion in existing.values():
        tender.criteria.remove(criterion)


def can_build_from(user, workspace):
    """The city of a workspace that is ready to tender builds its tender."""
    return workspace.stage == READY and workspaces.role_of(workspace, user) == workspaces.CITY and can_build(user)


def require_can_build(actor, workspace=None):
    """NotAllowed with the reason unless `actor` may build a tender (from `workspace` when given)."""
    require(can_build(actor), _l("Only members of a verified city build tenders."))
    if workspace is not None:
        role = workspaces.role_of(workspace, actor)
        if role is None:
            raise NotFound()  # outsiders never learn that a workspace exists
        require(role == workspaces.CITY, _l("Only the city builds the tender from its workspace."))
        require(workspace.stage == READY, _l("The workspace is not ready to tender yet: the last gate is still "
                                             "closed."))


def create(actor, data, workspace=None):
    """A member of a verified city saves a new draft tender, built from `workspace` when given."""
    require_can_build(actor, workspace)
    if workspace is not None and live_tender_of(workspace) is not None:
        raise Stale({"workspace": _l("A tender is built from this workspace already; open it from the workspace.")})
    clean, errors = validate(data, actor.organisation.timezone)
    if errors:
        raise Invalid(errors)
    tender = Tender(organisation=actor.organisation, created_by=actor, status=Tender.DRAFT)
    if workspace is not None:
        tender.workspace_id, tender.challenge_id = workspace.id, workspace.challenge_id
        tender.fit_requirements = fit_snapshot(workspace)
    _apply(tender, clean)
    db.session.add(tender)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:  # the live-tender index: another member built one a moment ago
        if workspace is None or live_tender_of(workspace) is None:
            raise
        raise Stale({"workspace": _l("A tender is built from this workspace already; open it from the "
                                     "workspace.")}) from error
    tender.ocid = f"{current_app.config['PORTAL_OCID_PREFIX']}-{tender.id}"
    db.session.flush()
    record(actor, "tender.created", tender, workspace=workspace.id if workspace else None)
    return tender


STALE_SAVE = _l("Someone saved this tender after you opened it. Your changes are not saved: reload it, and make "
                "them again on the newest version.")


def _require_city(actor, tender):
    require(is_city_member(actor, tender), _l("Only the city that owns the tender changes it."))


def _bump(tender, revision, status):
    """Count a save, unless another request saved this revision first or the status moved (then nothing of
    this one is kept)."""
    db.session.flush()
    moved = db.session.execute(sql_update(Tender).where(
        Tender.id == tender.id, Tender.revision == revision, Tender.status == status)
        .values(revision=revision + 1, updated_at=utcnow()).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise Stale({"revision": STALE_SAVE})
    tender.revision = revision + 1


def update(actor, tender, data, revision):
    """The city changes its draft; `revision` is the one its form showed (a newer one wins)."""
    _require_city(actor, tender)
    if tender.status != Tender.DRAFT:
        raise Stale({"status": _l("This tender is published: change it with an amendment.")})
    if revision != tender.revision:
        raise Stale({"revision": STALE_SAVE})
    clean, errors = validate(data, tender.organisation.timezone)
    if errors:
        raise Invalid(errors)
    _apply(tender, clean)
    _bump(tender, revision, Tender.DRAFT)
    record(actor, "tender.updated", tender)
    return tender


def delete_draft(actor, tender):
    """The city deletes a draft it abandoned; a published tender is cancelled instead."""
    _require_city(actor, tender)
    if tender.status != Tender.DRAFT:
        raise Stale({"status": _l("Only a draft can be deleted; a published tender can be cancelled.")})
    db.session.flush()
    claimed = db.session.execute(sql_update(Tender).where(Tender.id == tender.id, Tender.status == Tender.DRAFT)
                                 .values(updated_at=utcnow()).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        db.session.refresh(tender)
        raise Stale({"status": _l("This tender was published meanwhile; nothing was deleted.")})
    record(actor, "tender.deleted", tender, title=tender.title)
    db.session.delete(tender)
    db.session.flush()


# ---------------------------------------------------------------- publishing and amending

def _iso(instant):
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if instant else None


def snapshot(tender):
    """The tender as a version publishes it: its fields, lots, criteria, answered questions (never who asked)
    and instants in ISO 8601 UTC."""
    data = {name: getattr(tender, name) for name in (
        "ocid", "title", "description", "language", "procedure", "estimated_value", "currency",
        "technical_specification", "eligibility_criteria", "selection_criteria", "contract_terms")}
    data.update({name: _iso(getattr(tender, name)) for name in INSTANTS})
    data["procedure_terms"] = dict(tender.procedure_terms or {})
    data["fit_requirements"] = list(tender.fit_requirements or [])
    data["buyer"] = {"name": tender.organisation.name, "name_ko": tender.organisation.name_ko or "",
                     "country": tender.organisation.country}
    data["lots"] = [{"number": lot.number, "title": lot.title, "description": lot.description,
                     "estimated_value": lot.estimated_value} for lot in tender.lots]
    data["criteria"] = [{"position": criterion.position, "kind": criterion.kind, "name": criterion.name,
                         "description": criterion.description, "weight": criterion.weight}
                        for criterion in tender.criteria]
    data["clarifications"] = [{"question": question.text, "answer": question.answer,
                               "answered_at": _iso(question.answered_at)} for question in answered(tender)]
    return data


def answered(tender):
    """The tender's answered questions, in the order they were asked (public, anonymous)."""
    return db.session.scalars(select(Question).where(Question.tender_id == tender.id,
                                                     Question.answered_at.is_not(None))
                              .order_by(Question.asked_at, Question.id)).all()


def _pdf_name(tender, number):
    title = "".join(" " if char in '\\/:*?"<>|' else char for char in tender.title)
    return f"{' '.join(title.split())[:150]} v{number}.pdf"


def _freeze(actor, tender, now, change_note="", extended_from=None):
    """Render and store the tender's PDF as its next version. The renderer finds the version being published
    as `tender.current_version` (its number and change note), before it is written."""
    version = TenderVersion(number=len(tender.versions) + 1, change_note=change_note, published_by=actor,
                            published_at=now, extended_from=extended_from, snapshot=snapshot(tender))
    with db.session.no_autoflush:
        tender.versions.append(version)
        try:
            data = pdf.render_tender_pdf(tender)
        except pdf.TenderTooLarge as error:
            raise Invalid({"pdf": _l("The tender could not be made into a PDF: %(reason)s",
                                     reason=str(error))}) from None
        version.stored_file = files.store_bytes(data, _pdf_name(tender, version.number), "application/pdf", actor)
        version.sha256 = version.stored_file.sha256
    db.session.flush()
    return version


def publish(actor, tender, revision, now=None):
    """The city publishes its complete draft: version 1, its PDF frozen; anyone sees it from now on."""
    _require_city(actor, tender)
    require(can_build(actor), _l("Your city must be verified before it publishes a tender."))
    if tender.status != Tender.DRAFT:
        raise Stale({"status": _l("This tender is published already; nothing changed.")})
    if revision != tender.revision:
        raise Stale({"revision": _l("Someone changed this draft after you opened it: read it again before you "
                                    "publish it.")})
    now = now or utcnow()
    if missing := missing_for_publication(tender, now):
        raise Invalid(missing)
    db.session.flush()
    moved = db.session.execute(sql_update(Tender).where(
        Tender.id == tender.id, Tender.status == Tender.DRAFT, Tender.revision == revision)
        .values(status=Tender.PUBLISHED, published_at=now, publication_at=now, revision=revision + 1,
                updated_at=utcnow()).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        db.session.refresh(tender)
        raise Stale({"status": _l("This tender was changed or published meanwhile; nothing was published.")})
    db.session.refresh(tender)
    version = _freeze(actor, tender, now)
    record(actor, "tender.published", tender, version=1, sha256=version.sha256)
    announce(tender_published, tender=tender, version=version, actor=actor)
    return version


def _check_amendment(tender, clean, now, errors):
    """What an amendment may not change: the procedure, the lots bidders may have bid on, the past."""
    if clean["procedure"] != tender.procedure:
        errors["procedure"] = _l("The procedure cannot change after publication: cancel the tender and publish a "
                                 "new one.")
    if len(clean["lots"] or [None]) < len(tender.lots):
        errors["lots"] = _l("An amendment cannot remove a lot: companies may have bid on it. Change its text, or "
                            "cancel the tender.")
    for name in ("clarification_deadline", "submission_deadline", "opening_at"):
        before = getattr(tender, name)
        if clean[name] is not None and clean[name].replace(second=0, microsecond=0) == before.replace(
                second=0, microsecond=0):
            clean[name] = before  # the form shows minutes: the same minute is no change
        elif clean[name] is not None and clean[name] <= now:
            errors.setdefault(name, _l("An amendment cannot move this into the past."))


def validate_amendment(tender, data, change_note, now=None):
    """(clean data, errors by field) for an amendment of the published tender: complete, with a change note,
    and within what an amendment may change. The publication stays as it was."""
    data = dict(data, procedure=data.get("procedure") or tender.procedure, publication_at=tender.publication_at)
    clean, errors = validate(data, tender.organisation.timezone, complete=True)
    if message := check_text(change_note, NOTE_MAX, multiline=True):
        errors["change_note"] = message if (change_note or "").strip() else _l(
            "Say what the amendment changes: bidders read it.")
    if "procedure" not in errors:
        _check_amendment(tender, clean, now or utcnow(), errors)
    return clean, errors


def amend(actor, tender, data, revision, change_note, now=None):
    """The city changes its published tender before the submission deadline and publishes version n+1 with a
    note saying what changed. When fewer than six days would remain before the submission deadline, it moves
    (with the opening, by as much) so that six days remain. Returns the version."""
    _require_city(actor, tender)
    now = now or utcnow()
    if tender.status != Tender.PUBLISHED:
        raise Stale({"status": _l("Only a published tender can be amended.")})
    if now >= tender.submission_deadline:
        raise Stale({"status": _l("The submission deadline has passed; the tender can no longer be amended.")})
    if revision != tender.revision:
        raise Stale({"revision": STALE_SAVE})
    clean, errors = validate_amendment(tender, data, change_note, now)
    if errors:
        raise Invalid(errors)
    _apply(tender, clean)
    extended_from = None
    if tender.submission_deadline - now < CLARIFICATION_LEAD:
        extended_from = tender.submission_deadline
        shift = _next_hour(now + CLARIFICATION_LEAD) - tender.submission_deadline
        tender.submission_deadline += shift
        tender.opening_at += shift
    _bump(tender, revision, Tender.PUBLISHED)
    version = _freeze(actor, tender, now, change_note.strip(), extended_from)
    record(actor, "tender.amended", tender, version=version.number, sha256=version.sha256,
           extended=extended_from is not None)
    announce(tender_amended, tender=tender, version=version, actor=actor, extended=extended_from is not None)
    return version


def cancel(actor, tender, reason, now=None):
    """The city cancels its published tender, saying why; everyone reads the reason."""
    _require_city(actor, tender)
    if message := check_text(reason, NOTE_MAX, multiline=True):
        raise Invalid({"reason": message if (reason or "").strip() else _l(
            "Say why you cancel the tender: everyone reads it.")})
    sources = (Tender.PUBLISHED, Tender.OPENED)
    if tender.status not in sources:
        raise Stale({"status": _l("This tender is %(status)s and cannot be cancelled.",
                                  status=status_label(tender.status))})
    db.session.flush()
    moved = db.session.execute(sql_update(Tender).where(Tender.id == tender.id, Tender.status.in_(sources))
                               .values(status=Tender.CANCELLED, cancelled_at=now or utcnow(),
                                       cancellation_reason=reason.strip(), updated_at=utcnow())
                               .execution_options(synchronize_session=False))
    db.session.refresh(tender)
    if moved.rowcount != 1:
        raise Stale({"status": _l("This tender is %(status)s and cannot be cancelled.",
                                  status=status_label(tender.status))})
    record(actor, "tender.cancelled", tender)
    announce(tender_cancelled, tender=tender, actor=actor)
    return tender


# ---------------------------------------------------------------- questions and answers

def ask(actor, tender, text, now=None):
    """A member of a verified company asks the city a question while the tender takes them."""
    require(is_verified_company_member(actor), _l("Only members of a verified company ask questions."))
    now = now or utcnow()
    if not tender.questions_open(now):
        raise Stale({"text": _l("Questions closed with the clarification deadline.")
                     if tender.status == Tender.PUBLISHED else _l("This tender takes no questions.")})
    if message := check_text(text, QUESTION_MAX, multiline=True):
        raise Invalid({"text": message})
    asked = db.session.scalar(select(func.count(Question.id)).where(
        Question.tender_id == tender.id, Question.organisation_id == actor.organisation_id))
    if asked >= QUESTIONS_PER_ORGANISATION:
        raise Invalid({"text": _l("Your organisation has asked %(count)d questions about this tender, the most it "
                                  "may.", count=asked)})
    question = Question(tender_id=tender.id, organisation_id=actor.organisation_id, asked_by_id=actor.id,
                        text=text.strip(), asked_at=now)
    db.session.add(question)
    db.session.flush()
    record(actor, "tender.question_asked", tender, question=question.id)
    announce(question_asked, tender=tender, question=question, actor=actor)
    return question


def get_question(tender, question_id):
    """The tender's question with this id; NotFound for one of another tender."""
    question = db.session.scalar(select(Question).where(Question.id == question_id, Question.tender_id == tender.id))
    if question is None:
        raise NotFound()
    return question


def answer(actor, question, text, now=None):
    """The city answers a question in public, until answers close; once."""
    tender = question.tender
    _require_city(actor, tender)
    now = now or utcnow()
    if not answers_open(tender, now):
        raise Stale({"answer": _l("Answers closed on %(when)s.", when=_when(answers_close_at(tender),
                                                                            tender.organisation.timezone))})
    if message := check_text(text, TEXT_MAX, multiline=True):
        raise Invalid({"answer": message})
    db.session.flush()
    moved = db.session.execute(sql_update(Question).where(Question.id == question.id, Question.answered_at.is_(None))
                               .values(answer=text.strip(), answered_by_id=actor.id, answered_at=now)
                               .execution_options(synchronize_session=False))
    db.session.refresh(question)
    if moved.rowcount != 1:
        raise Stale({"answer": _l("This question was answered already; nothing changed.")})
    record(actor, "tender.question_answered", tender, question=question.id)
    announce(question_answered, tender=tender, question=question, actor=actor)
    return question


# ---------------------------------------------------------------- labels

STATUS_LABELS = {Tender.DRAFT: _l("draft"), Tender.PUBLISHED: _l("published"), Tender.OPENED: _l("opened"),
                 Tender.AWARDED: _l("awarded"), Tender.CANCELLED: _l("cancelled")}
PHASE_LABELS = {"draft": _l("Draft"), "open": _l("Open for bids"), "sealed": _l("Bids sealed"),
                "to-open": _l("To be opened"), "opened": _l("Bids opened"), "awarded": _l("Awarded"),
                "cancelled": _l("Cancelled")}
KIND_LABELS = {"price": _l("Price"), "cost": _l("Cost"), "quality": _l("Quality")}
FIT_CATEGORY_ORDER = FIT_CATEGORIES


def status_label(status):
    return STATUS_LABELS.get(status, status)

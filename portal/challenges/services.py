"""Challenges: drafting, publishing, closing, and who sees them when."""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import defaultload, joinedload, lazyload

from ..access import is_admin, is_member, is_member_of_kind, require, require_member_of_kind
from ..audit.services import record
from ..errors import Invalid, NotFound
from ..extensions import db
from ..keys import add_with_unique_key, get_by_key, get_visible_by_key
from ..model_types import utcnow
from ..organisations.models import Organisation
from ..signals import announce, challenge_published, consultancy_assigned, organisation_timezone_changed
from ..validation import (
    check_amount,
    check_currency,
    check_day,
    check_language,
    check_sectors,
    check_text,
    parse_date,
)
from .models import SUMMARY_MAX, TEXT_MAX, TITLE_MAX, Challenge, ChallengeConsultant, ChallengeSector

PHASES = ("upcoming", "open", "closed")


def validate(data):
    """Errors by field for challenge data; dates may be strings or dates."""
    checks = {
        "title": check_text(data.get("title"), TITLE_MAX),
        "summary": check_text(data.get("summary"), SUMMARY_MAX, multiline=True),
        "problem": check_text(data.get("problem"), TEXT_MAX, multiline=True),
        "outcomes": check_text(data.get("outcomes"), TEXT_MAX, multiline=True),
        "language": check_language(data.get("language")),
        "title_ko": check_text(data.get("title_ko"), TITLE_MAX, required=False),
        "summary_ko": check_text(data.get("summary_ko"), SUMMARY_MAX, required=False, multiline=True),
        "sectors": check_sectors(data.get("sectors")),
        "budget_min": check_amount(data.get("budget_min")),
        "budget_max": check_amount(data.get("budget_max")),
        "currency": check_currency(data.get("currency")),
        "opens": check_day(data.get("opens")),
        "closes": check_day(data.get("closes")),
    }
    errors = {field: message for field, message in checks.items() if message}
    if "budget_min" not in errors and "budget_max" not in errors and data["budget_min"] > data["budget_max"]:
        errors["budget_max"] = _l("The maximum must not be below the minimum.")
    if "opens" not in errors and "closes" not in errors and (
        parse_date(data["opens"]) > parse_date(data["closes"])
    ):
        errors["closes"] = _l("The closing date must not be before the opening date.")
    return errors


def day_bounds(opens, closes, zone_name):
    """(start of `opens`, end of `closes`) as instants in the given time zone."""
    zone = ZoneInfo(zone_name)
    start = datetime.combine(opens, time.min, zone)
    end = datetime.combine(closes + timedelta(days=1), time.min, zone)
    return start, end


def apply(challenge, data):
    """Copy valid data onto the challenge."""
    challenge.title = data["title"].strip()
    challenge.summary = data["summary"].strip()
    challenge.problem = data["problem"].strip()
    challenge.outcomes = data["outcomes"].strip()
    challenge.language = data["language"]
    challenge.title_ko = (data.get("title_ko") or "").strip()
    challenge.summary_ko = (data.get("summary_ko") or "").strip()
    challenge.sectors = data["sectors"]
    challenge.budget_min, challenge.budget_max = data["budget_min"], data["budget_max"]
    challenge.currency = data["currency"]
    challenge.opens, challenge.closes = parse_date(data["opens"]), parse_date(data["closes"])
    challenge.opens_at, challenge.closes_at = day_bounds(
        challenge.opens, challenge.closes, challenge.organisation.timezone
    )


def consultancies():
    """Verified consultancies a city can assign."""
    return db.session.scalars(select(Organisation).where(
        Organisation.kind == "consultancy", Organisation.verification == Organisation.VERIFIED,
    ).order_by(Organisation.name)).all()


def is_assigned_consultant(user, challenge):
    """Whether the user works for a consultancy assigned to the challenge."""
    return bool(getattr(user, "is_authenticated", False) and user.organisation_id and any(
        row.organisation_id == user.organisation_id for row in challenge.consultants))


def assign_consultancy(actor, challenge, organisation_id):
    """The city assigns a verified consultancy to facilitate its challenge."""
    require(can_edit(actor, challenge))
    consultancy = db.session.get(Organisation, organisation_id) if isinstance(organisation_id, int) else None
    if consultancy is None or consultancy.kind != "consultancy" or not consultancy.is_verified:
        raise Invalid({"consultancy": _l("Choose a verified consultancy.")})
    if any(row.organisation_id == consultancy.id for row in challenge.consultants):
        raise Invalid({"consultancy": _l("This consultancy is assigned already.")})
    challenge.consultants.append(ChallengeConsultant(organisation_id=consultancy.id))
    record(actor, "challenge.consultant_assigned", challenge, organisation=consultancy.key)
    announce(consultancy_assigned, challenge=challenge, organisation=consultancy, actor=actor)


def unassign_consultancy(actor, challenge, organisation_id):
    """The city removes a consultancy from its challenge."""
    require(can_edit(actor, challenge))
    row = next((row for row in challenge.consultants if row.organisation_id == organisation_id), None)
    if row is None:
        raise NotFound()
    challenge.consultants.remove(row)
    record(actor, "challenge.consultant_removed", challenge, organisation=row.organisation.key)


def assigned_to(user):
    """Challenges the user's consultancy is assigned to and may open (never a draft, nor an unverified
    city's)."""
    if not getattr(user, "organisation_id", None):
        return []
    return db.session.scalars(select(Challenge).join(ChallengeConsultant).where(
        ChallengeConsultant.organisation_id == user.organisation_id, Challenge.visible_to(user),
    ).order_by(Challenge.closes_at)).all()


def refresh_instants(organisation):
    """Recompute opening and closing instants after the city's time zone changed."""
    for challenge in db.session.scalars(select(Challenge).where(Challenge.organisation_id == organisation.id)):
        challenge.opens_at, challenge.closes_at = day_bounds(
            challenge.opens, challenge.closes, organisation.timezone
        )


def can_create(user):
    """Whether the user may add challenges."""
    return is_member_of_kind(user, "city")


def require_can_create(user):
    """Only city members post challenges; returns their organisation."""
    return require_member_of_kind(user, "city")


def create(actor, data):
    """A city member drafts a challenge; it stays inside the organisation until published."""
    organisation = require_can_create(actor)
    if errors := validate(data):
        raise Invalid(errors)
    challenge = Challenge(organisation=organisation, status=Challenge.DRAFT)
    apply(challenge, data)
    add_with_unique_key(challenge, data["title"], "ch-")
    record(actor, "challenge.created", challenge)
    return challenge


def can_edit(user, challenge):
    return is_member(user, challenge.organisation)


def can_view(user, challenge):
    """Whether the user may see the challenge (Challenge.visible_to says who)."""
    return challenge.is_visible_to(user)


def get(key):
    """The challenge with this key, or NotFound."""
    return get_by_key(Challenge, key)


def _page_loading():
    """A challenge's page shows its sectors and consultancies, not its city's sectors: one query, not four.
    (Made when asked for: loader options need every model mapped, which importing this module does not.)"""
    return (joinedload(Challenge._sector_rows), joinedload(Challenge.consultants),
            defaultload(Challenge.organisation).lazyload(Organisation._sector_rows))


def get_for_view(user, key):
    """The challenge with this key if the user may see it, else NotFound."""
    return get_visible_by_key(Challenge, user, key, *_page_loading())


def get_for_edit(user, key):
    challenge = get_for_view(user, key)
    require(can_edit(user, challenge))
    return challenge


def update(actor, challenge, data):
    """A member of the city edits its challenge."""
    require(can_edit(actor, challenge))
    if errors := validate(data):
        raise Invalid(errors)
    apply(challenge, data)
    record(actor, "challenge.updated", challenge)
    return challenge


def publish(actor, challenge):
    """Make a draft public; it shows as upcoming until it opens."""
    require(can_edit(actor, challenge))
    if challenge.status != Challenge.DRAFT:
        raise Invalid({"status": _l("Only a draft can be published.")})
    if challenge.closes_at <= utcnow():
        raise Invalid({"closes": _l("The closing date has passed; change it before publishing.")})
    challenge.status = Challenge.PUBLISHED
    challenge.published_at = utcnow()
    record(actor, "challenge.published", challenge)
    announce(challenge_published, challenge=challenge)
    return challenge


def close(actor, challenge):
    """Close a published challenge early; admins may close one as moderation."""
    require(can_edit(actor, challenge) or is_admin(actor))
    if challenge.status != Challenge.PUBLISHED:
        raise Invalid({"status": _l("Only a published challenge can be closed.")})
    challenge.status = Challenge.CLOSED
    challenge.closed_at = utcnow()
    record(actor, "challenge.closed", challenge)
    return challenge


def public_query(phase=None, now=None):
    """Challenges anyone may see, optionally in one phase at `now`."""
    now = now or utcnow()
    statement = select(Challenge).join(Challenge.organisation).where(Challenge.visible_to(None))
    live = Challenge.status == Challenge.PUBLISHED
    if phase == "upcoming":
        statement = statement.where(live, Challenge.opens_at > now)
    elif phase == "open":
        statement = statement.where(live, Challenge.opens_at <= now, Challenge.closes_at > now)
    elif phase == "closed":
        statement = statement.where((Challenge.status == Challenge.CLOSED) | (Challenge.closes_at <= now))
    return statement


def card_loading():
    """Loader options for a listing: a card shows neither a challenge's consultancies nor its organisation's
    sectors, and not loading them spares two queries. (Built on call: options configure the mappers, which
    must wait until every model is imported.)"""
    return lazyload(Challenge.consultants), defaultload(Challenge.organisation).lazyload(Organisation._sector_rows)


def listing(phase="open", sector=None, country=None, organisation=None, page=1, per_page=None):
    """A page of public challenges in a phase, soonest deadline first (latest for closed)."""
    if phase not in PHASES:
        raise Invalid({"phase": _l("Not a valid choice.")})
    statement = public_query(phase)
    if sector:
        statement = statement.where(
            Challenge.id.in_(select(ChallengeSector.challenge_id).where(ChallengeSector.sector == sector))
        )
    if country:
        statement = statement.where(Organisation.country == country)
    if organisation:
        statement = statement.where(Organisation.key == organisation)
    order = {
        "upcoming": Challenge.opens_at.asc(),
        "open": Challenge.closes_at.asc(),
        "closed": Challenge.closes_at.desc(),
    }[phase]
    statement = statement.order_by(order, Challenge.id).options(*card_loading())
    return db.paginate(statement, page=page, per_page=per_page or current_app.config["PAGE_SIZE"], error_out=False)


def of_organisation(user, organisation):
    """A city's challenges as `user` may see them (members see drafts too)."""
    statement = select(Challenge).where(Challenge.organisation_id == organisation.id, Challenge.visible_to(user))
    return db.session.scalars(statement.order_by(Challenge.closes.desc())).all()


def _organisation_timezone_changed(_app, organisation, **_data):
    refresh_instants(organisation)


def subscribe(app):
    """Listen, for `app`, to changes that move challenges' dates."""
    organisation_timezone_changed.connect(_organisation_timezone_changed, sender=app)

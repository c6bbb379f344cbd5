"""Organisations: profiles, membership rules and the admin's verification queue."""
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..access import is_admin, is_member, require
from ..audit.services import record
from ..errors import Invalid, NotFound
from ..extensions import db
from ..keys import add_with_unique_key, get_by_key, get_visible_by_key
from ..model_types import utcnow
from ..signals import announce, organisation_rejected, organisation_timezone_changed, organisation_verified
from ..taxonomy import default_timezone
from ..validation import (
    check_country,
    check_kind,
    check_sectors,
    check_text,
    check_timezone,
    check_url,
)
from .models import DESCRIPTION_MAX, NAME_MAX, REASON_MAX, Organisation

EDITABLE_FIELDS = ("name", "name_ko", "country", "timezone", "website", "description", "sectors", "alliance_member")


def validate(data, new=False):
    """Errors by field for organisation data (kind only when creating)."""
    errors = {}
    if new and (message := check_kind(data.get("kind"))):
        errors["kind"] = message
    if message := check_text(data.get("name"), NAME_MAX):
        errors["name"] = message
    if message := check_text(data.get("name_ko"), NAME_MAX, required=False):
        errors["name_ko"] = message
    if message := check_country(data.get("country")):
        errors["country"] = message
    if data.get("timezone") and (message := check_timezone(data["timezone"])):
        errors["timezone"] = message
    if message := check_url(data.get("website")):
        errors["website"] = message
    if message := check_text(data.get("description"), DESCRIPTION_MAX, required=False, multiline=True):
        errors["description"] = message
    if message := check_sectors(data.get("sectors") or [], required=False):
        errors["sectors"] = message
    return errors


def apply(organisation, data):
    """Copy valid profile data onto the organisation."""
    organisation.name = data["name"].strip()
    organisation.name_ko = (data.get("name_ko") or "").strip()
    organisation.country = data["country"]
    organisation.timezone = data.get("timezone") or default_timezone(data["country"])
    organisation.website = data.get("website") or ""
    organisation.description = (data.get("description") or "").strip()
    organisation.sectors = data.get("sectors") or []
    organisation.alliance_member = bool(data.get("alliance_member"))


def create(data):
    """A new organisation, pending verification; data must be valid."""
    organisation = Organisation(kind=data["kind"])
    apply(organisation, data)
    return add_with_unique_key(organisation, data["name"], fallback=data["kind"])


def get(key):
    """The organisation with this key, or NotFound."""
    return get_by_key(Organisation, key)


def can_view(user, organisation):
    """Whether the user may see the organisation (Organisation.visible_to says who)."""
    return organisation.is_visible_to(user)


def get_for_view(user, key):
    """The organisation with this key if the user may see it, else NotFound."""
    return get_visible_by_key(Organisation, user, key)


def get_for_edit(user, key):
    """The organisation if `user` is one of its members (hidden ones stay hidden)."""
    organisation = get_for_view(user, key)
    require(is_member(user, organisation))
    return organisation


def update(actor, organisation, data):
    """Change a profile; only members may."""
    require(is_member(actor, organisation))
    errors = validate(data)
    if errors:
        raise Invalid(errors)
    before = organisation.timezone
    apply(organisation, data)
    if organisation.timezone != before:
        announce(organisation_timezone_changed, organisation=organisation)
    record(actor, "organisation.updated", organisation)
    return organisation


def request_verification(actor, organisation):
    """After a rejection, members ask for another review."""
    require(is_member(actor, organisation))
    if organisation.verification != Organisation.REJECTED:
        raise Invalid({"verification": _l("This organisation is not waiting for a new review.")})
    organisation.verification = Organisation.PENDING
    record(actor, "organisation.review_requested", organisation)


def directory(kind=None, country=None, page=1):
    """Verified organisations for the public directory."""
    statement = select(Organisation).where(Organisation.visible_to(None))
    if kind:
        statement = statement.where(Organisation.kind == kind)
    if country:
        statement = statement.where(Organisation.country == country)
    statement = statement.order_by(Organisation.name)
    return db.paginate(statement, page=page, per_page=current_app.config["PAGE_SIZE"], error_out=False)


def verification_queue(actor, status=Organisation.PENDING):
    """Organisations in one verification state, oldest first, for admins."""
    require(is_admin(actor))
    if status not in (Organisation.PENDING, Organisation.VERIFIED, Organisation.REJECTED):
        raise Invalid({"status": _l("Not a valid choice.")})
    return db.session.scalars(
        select(Organisation).where(Organisation.verification == status).order_by(Organisation.created_at)
    ).all()


def comparable_name(name):
    """A name as people tell names apart: case and spacing do not count."""
    return "".join(name.casefold().split())


def namesakes(actor, organisations):
    """For each of `organisations` (by id), the other organisations with the same comparable name, for admins.

    Someone may register a copy of a real organisation's name; the admin decides, warned.
    """
    require(is_admin(actor))
    by_name = {}
    for row in db.session.execute(select(Organisation.id, Organisation.key, Organisation.name)):
        by_name.setdefault(comparable_name(row.name), []).append(row)
    return {
        organisation.id: [row for row in by_name.get(comparable_name(organisation.name), [])
                          if row.id != organisation.id]
        for organisation in organisations
    }


def verify(actor, organisation_id):
    """An admin confirms the organisation (and its alliance claim)."""
    require(is_admin(actor))
    organisation = db.session.get(Organisation, organisation_id) or _raise_not_found()
    organisation.verification = Organisation.VERIFIED
    organisation.rejection_reason = ""
    organisation.verified_at = utcnow()
    record(actor, "organisation.verified", organisation)
    announce(organisation_verified, organisation=organisation, actor=actor)
    return organisation


def reject(actor, organisation_id, reason):
    """An admin rejects the organisation with a reason its members see."""
    require(is_admin(actor))
    organisation = db.session.get(Organisation, organisation_id) or _raise_not_found()
    if message := check_text(reason, REASON_MAX, multiline=True):
        raise Invalid({"reason": message})
    organisation.verification = Organisation.REJECTED
    organisation.rejection_reason = reason.strip()
    organisation.verified_at = None
    record(actor, "organisation.rejected", organisation, reason=reason.strip())
    announce(organisation_rejected, organisation=organisation, actor=actor, reason=organisation.rejection_reason)
    return organisation


def _raise_not_found():
    raise NotFound()

"""Solutions: the rules for listing, editing and archiving them."""
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import defaultload, joinedload

from ..access import is_admin, is_member, is_member_of_kind, require, require_member_of_kind
from ..audit.services import record
from ..errors import Invalid
from ..extensions import db
from ..keys import add_with_unique_key, get_by_key, get_visible_by_key
from ..organisations.models import Organisation
from ..validation import (
    check_countries,
    check_language,
    check_sectors,
    check_tags,
    check_text,
    check_trl,
)
from .models import DESCRIPTION_MAX, SUMMARY_MAX, TITLE_MAX, Solution, SolutionCountry, SolutionSector

FIELDS = ("title", "summary", "description", "language", "title_ko", "summary_ko",
          "sectors", "trl", "countries", "tags")


def validate(data):
    """Errors by field for solution data."""
    checks = {
        "title": check_text(data.get("title"), TITLE_MAX),
        "summary": check_text(data.get("summary"), SUMMARY_MAX, multiline=True),
        "description": check_text(data.get("description"), DESCRIPTION_MAX, required=False, multiline=True),
        "language": check_language(data.get("language")),
        "title_ko": check_text(data.get("title_ko"), TITLE_MAX, required=False),
        "summary_ko": check_text(data.get("summary_ko"), SUMMARY_MAX, required=False, multiline=True),
        "sectors": check_sectors(data.get("sectors")),
        "trl": check_trl(data.get("trl")),
        "countries": check_countries(data.get("countries", [])),
        "tags": check_tags(data.get("tags", [])),
    }
    return {field: message for field, message in checks.items() if message}


def apply(solution, data):
    """Copy valid data onto the solution."""
    solution.title = data["title"].strip()
    solution.summary = data["summary"].strip()
    solution.description = (data.get("description") or "").strip()
    solution.language = data["language"]
    solution.title_ko = (data.get("title_ko") or "").strip()
    solution.summary_ko = (data.get("summary_ko") or "").strip()
    solution.sectors = data["sectors"]
    solution.trl = data["trl"]
    countries = sorted(set(data.get("countries") or []))
    if countries != list(solution.countries):
        solution.countries = countries
    tags = [tag.strip().lower() for tag in data.get("tags") or []]
    if tags != solution.tags:
        solution.tags = tags


def can_create(user):
    """Whether the user may add solutions."""
    return is_member_of_kind(user, "company")


def require_can_create(user):
    """Only company members add solutions; returns their organisation."""
    return require_member_of_kind(user, "company")


def create(actor, data):
    """A company member adds a solution to their organisation."""
    organisation = require_can_create(actor)
    if errors := validate(data):
        raise Invalid(errors)
    solution = Solution(organisation=organisation)
    apply(solution, data)
    add_with_unique_key(solution, data["title"], "sol-")
    record(actor, "solution.created", solution)
    return solution


def can_edit(user, solution):
    return is_member(user, solution.organisation)


def can_view(user, solution):
    """Whether the user may see the solution (Solution.visible_to says who)."""
    return solution.is_visible_to(user)


def get(key):
    """The solution with this key, or NotFound."""
    return get_by_key(Solution, key)


def _page_loading():
    """A solution's page shows its sectors and countries, not its company's sectors: one query, not four.
    (Made when asked for: loader options need every model mapped, which importing this module does not.)"""
    return (joinedload(Solution._sector_rows), joinedload(Solution._country_rows),
            defaultload(Solution.organisation).lazyload(Organisation._sector_rows))


def get_for_view(user, key):
    """The solution with this key if the user may see it, else NotFound."""
    return get_visible_by_key(Solution, user, key, *_page_loading())


def get_for_edit(user, key):
    solution = get_for_view(user, key)
    require(can_edit(user, solution))
    return solution


def update(actor, solution, data):
    """A member of the owning company edits the solution."""
    require(can_edit(actor, solution))
    if errors := validate(data):
        raise Invalid(errors)
    apply(solution, data)
    record(actor, "solution.updated", solution)
    return solution


def set_archived(actor, solution, archived):
    """Members archive or restore; admins may archive as moderation."""
    require(can_edit(actor, solution) or (archived and is_admin(actor)))
    solution.status = Solution.ARCHIVED if archived else Solution.PUBLISHED
    record(actor, "solution.archived" if archived else "solution.restored", solution)
    return solution


def public_query():
    """Solutions anyone may see, joined to their organisation for filtering."""
    return select(Solution).join(Solution.organisation).where(Solution.visible_to(None))


def card_loading():
    """Loader options for a listing: a card does not show its organisation's sectors, and not loading them
    spares one query. (Built on call, once every model is imported.)"""
    return (defaultload(Solution.organisation).lazyload(Organisation._sector_rows),)


def catalogue(sector=None, country=None, trl_min=None, trl_max=None, organisation=None, page=1, per_page=None):
    """A page of the public catalogue, newest first, with optional filters."""
    statement = public_query()
    if sector:
        statement = statement.where(
            Solution.id.in_(select(SolutionSector.solution_id).where(SolutionSector.sector == sector))
        )
    if country:
        statement = statement.where(
            Solution.id.in_(select(SolutionCountry.solution_id).where(SolutionCountry.country == country))
        )
    if trl_min:
        statement = statement.where(Solution.trl >= trl_min)
    if trl_max:
        statement = statement.where(Solution.trl <= trl_max)
    if organisation:
        statement = statement.where(Organisation.key == organisation)
    statement = statement.order_by(Solution.created_at.desc(), Solution.id.desc()).options(*card_loading())
    return db.paginate(statement, page=page, per_page=per_page or current_app.config["PAGE_SIZE"], error_out=False)


def of_organisation(user, organisation):
    """An organisation's solutions as `user` may see them (members see archived ones too)."""
    statement = select(Solution).where(Solution.organisation_id == organisation.id, Solution.visible_to(user))
    return db.session.scalars(statement.order_by(Solution.title)).all()

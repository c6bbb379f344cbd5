"""Matching as people use it: who may see which matches, with the configured strategy.

Ranking is the slowest thing a page does, and its answer changes only when the
search index does (every change to a solution, challenge or organisation
reaches the index) or when a challenge opens or closes. So each process keeps
the answers it computed under the index's generation token, a row in the
database that changes after every index write: an entry made under another
token is never served, in this process or any other. Matches hold only public
records and are keyed by the challenge or company they were made for, so they
are the same for everyone allowed to see them; who may see them is checked
before the cache is asked.
"""
import copy

from flask import current_app
from flask_babel import get_locale
from sqlalchemy import select

from ..access import is_admin, require, require_member_of_kind
from ..caching import GenerationCache, index_generation, phases_passed
from ..challenges import services as challenges
from ..challenges.models import Challenge
from ..extensions import db
from ..model_types import utcnow
from ..search.services import ensure_index
from ..solutions.models import Solution
from .strategies import Match, Reason, get_strategy

CACHE_ENTRIES = 2000  # about 2 KB each


def strategy():
    return get_strategy(current_app.config["MATCHING_STRATEGY"])


def can_see_solution_matches(user, challenge):
    """The city that owns the challenge, consultants assigned to it, and admins."""
    return (challenges.can_edit(user, challenge) or challenges.is_assigned_consultant(user, challenge)
            or is_admin(user))


def solutions_for(user, challenge, limit=10):
    """Ranked solutions for a challenge, for those who may see them."""
    require(can_see_solution_matches(user, challenge))
    return solutions_for_challenge(challenge, limit)


def solutions_for_challenge(challenge, limit=10):
    """Ranked solutions for a challenge, without a viewer (the command line)."""
    ensure_index()
    return _cached(("solutions", challenge.id, limit), Solution,
                   lambda: strategy().solutions_for(challenge, limit))


def challenges_for_company(user, limit=10):
    """Open and upcoming challenges ranked for the company's published solutions.

    A challenge that fits several solutions appears once, with its best score,
    and says which solution fits it.
    """
    organisation = require_member_of_kind(user, "company")
    ensure_index()
    now = utcnow()
    return _cached(("challenges", organisation.id, limit, phases_passed(now)), Challenge,
                   lambda: _challenges_for_organisation(organisation, now, limit))


def _challenges_for_organisation(organisation, now, limit):
    solutions = db.session.scalars(select(Solution).where(
        Solution.organisation_id == organisation.id, Solution.status == Solution.PUBLISHED)).all()
    best = {}
    ranking = strategy()
    for solution in solutions:
        for match in ranking.challenges_for(solution, now, limit):
            current = best.get(match.record.id)
            if current is None or match.score > current.score:
                match.reasons.insert(0, Reason("solution", [solution.title]))
                best[match.record.id] = match
    return sorted(best.values(), key=lambda match: (-match.score, match.record.key))[:limit]


def _cached(key, model, compute):
    """`compute()`'s matches, or the ones it gave under the current index generation, records reloaded."""
    generation = index_generation()
    if generation is None:  # a database that never had its index written
        return compute()
    cache = current_app.extensions.setdefault("portal_match_cache", GenerationCache(CACHE_ENTRIES))
    # The language too, so that reasons worded for a reader never reach a reader of the other language.
    key = (current_app.config["MATCHING_STRATEGY"], str(get_locale()), *key)
    stored = cache.get(generation, key)
    if stored is None:
        matches = compute()
        cache.put(generation, key, [(match.record.id, match.score, copy.deepcopy(match.reasons))
                                    for match in matches])
        return matches
    ids = [id for id, _score, _reasons in stored]
    records = {record.id: record for record in db.session.scalars(select(model).where(model.id.in_(ids)))}
    return [Match(records[id], score, copy.deepcopy(reasons)) for id, score, reasons in stored if id in records]

"""Matching as people use it: who may see which matches, with the configured strategy."""
from flask import current_app
from sqlalchemy import select

from ..access import is_admin, require, require_member_of_kind
from ..challenges import services as challenges
from ..extensions import db
from ..model_types import utcnow
from ..search.services import ensure_index
from ..solutions.models import Solution
from .strategies import Reason, get_strategy


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
    return strategy().solutions_for(challenge, limit)


def challenges_for_company(user, limit=10):
    """Open and upcoming challenges ranked for the company's published solutions.

    A challenge that fits several solutions appears once, with its best score,
    and says which solution fits it.
    """
    organisation = require_member_of_kind(user, "company")
    ensure_index()
    now = utcnow()
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

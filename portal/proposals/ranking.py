"""How well each proposal sent to a challenge answers it, for the city's ranked list.

Proposals are private, so they are never in the search index; they are scored against the challenge with
the same pieces matching uses, through the search backend's interface:

- text (60 %): the challenge's key words (matching's `key_words`: its 40 most telling words, weighted by
  where they stand and by how rare they are among the public challenges, from the backend's document
  frequencies) and the share of their weight that the proposal's title and approach hold, in the
  proposal's own words or through a glossary translation, so a Korean proposal answers an English
  challenge;
- linked solutions (40 %): the best score among the proposal's linked solutions in the challenge's own
  solution matches (the "Solutions that fit this challenge" ranking, from the same cache); a linked
  solution outside the challenge's candidates counts 0.

Each score comes with its reasons: the challenge's words the proposal shares, and the best-fitting linked
solution.
"""
from dataclasses import dataclass, field

from ..matching import services as matching
from ..matching.reasons import Wording, record_text, shared_words
from ..matching.strategies import CHALLENGE_FIELDS, TextAndFit, key_words
from ..search.services import ensure_index
from .models import Proposal

WEIGHTS = {"text": 0.6, "solutions": 0.4}
PROPOSAL_FIELDS = ("title", "approach")


@dataclass
class RankedProposal:
    proposal: object
    score: float  # 0..1
    text: float  # 0..1: the share of the challenge's key words the proposal holds
    solution: float  # 0..1: its best linked solution's match score
    words: list = field(default_factory=list)  # the challenge's words the proposal shares, as written
    best_solution: object = None  # the linked solution that fits best, or None


def _holds(word, wording):
    """Whether the text holds the key word itself, a part of a Korean compound, or a glossary translation."""
    return (any(wording.holds(terms) for terms in word.alternatives) or wording.korean_part(word) is not None
            or any(wording.holds(terms) for terms in word.translations))


def rank(challenge, proposals):
    """The proposals with their scores, best first (ties: the earlier sent first), withdrawn ones last."""
    if not proposals:
        return []
    ensure_index()
    # Rarity among challenges: what sets this challenge apart weighs most, and each of its own words is
    # held by at least one public challenge (itself), so none drops out for lack of a matching solution.
    words = key_words(challenge, CHALLENGE_FIELDS, TextAndFit.key_terms, "challenge")
    total = sum(word.weight for word in words) or 1.0
    source = Wording(record_text(challenge, CHALLENGE_FIELDS))
    solution_scores = {match.record.id: match.score
                       for match in matching.solutions_for_challenge(challenge, TextAndFit.candidates)}
    ranked = []
    for order, proposal in enumerate(proposals):
        wording = Wording("\n".join(getattr(proposal, name) or "" for name in PROPOSAL_FIELDS))
        held = [word for word in words if _holds(word, wording)]
        text = sum(word.weight for word in held) / total
        linked = [link.solution for link in proposal.solution_links]
        best = max(linked, key=lambda solution: solution_scores.get(solution.id, 0.0), default=None)
        solution = solution_scores.get(best.id, 0.0) if best is not None else 0.0
        score = WEIGHTS["text"] * text + WEIGHTS["solutions"] * solution
        ranked.append((order, RankedProposal(proposal, round(score, 4), round(text, 4), round(solution, 4),
                                             shared_words(held, source, wording), best if solution else None)))
    # A withdrawn proposal keeps its score for the record but is no longer in the running: it goes last.
    ranked.sort(key=lambda pair: (pair[1].proposal.status == Proposal.WITHDRAWN, -pair[1].score, pair[0]))
    return [item for _order, item in ranked]

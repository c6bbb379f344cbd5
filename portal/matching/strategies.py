"""Ways of ranking solutions for a challenge (and challenges for a solution), behind one registry.

A strategy turns the source record into a short list of weighted key terms
(never its whole text: a long OR query is slow and noisy), asks the search
backend for candidates, and re-ranks them with structured fit. Each match
carries the reasons a person needs to judge it.
"""
import math
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import select

from ..challenges.models import Challenge
from ..extensions import db
from ..search.analysis import HANGUL, text_analyzer
from ..search.backend import get_backend
from ..search.glossary import term_key
from ..search.querying import words_of
from ..solutions.models import Solution
from .reasons import Wording, record_text, shared_words

# Where a word appears says how much it tells about the record.
CHALLENGE_FIELDS = {"title": 3.0, "title_ko": 3.0, "summary": 2.0, "summary_ko": 2.0, "problem": 1.0, "outcomes": 1.0}
SOLUTION_FIELDS = {"title": 3.0, "title_ko": 3.0, "summary": 2.0, "summary_ko": 2.0, "description": 1.0}


@dataclass
class Reason:
    """Why a record matched: kind is sectors, terms, trl or countries."""

    kind: str
    values: list

    def describe(self):
        return f"{self.kind}: {', '.join(map(str, self.values))}"


# Pages fold matches that score below this under "Weaker matches". Measured on the judged sets, every set
# pooled, top 10 of each challenge (`.venv/bin/python bench/quality.py [--backend postgres]`): the highest
# fold line that keeps recall@10 above the fold within 0.03 of the whole list's. It folds 39 % of the
# non-relevant results (41 % on PostgreSQL), leaving 47 % of the results above the fold relevant against
# 3 % of those folded, for recall@10 0.948 above the fold against 0.971 in all. A line relative to the
# best match's score folds fewer at the same cost (31 %, at 0.42 × the best's).
STRONG_MATCH = 0.34


@dataclass
class Match:
    record: object
    score: float  # 0..1
    reasons: list = field(default_factory=list)

    @property
    def strong(self):
        """True when the match is worth a reader's attention before the weaker ones."""
        return self.score >= STRONG_MATCH


# Words that say nothing of a record's subject are never key words (the search index keeps them, so
# that a search for any word works): English beyond Whoosh's short stop list, and Korean function
# words and auxiliaries, which matching would otherwise show as reasons ("matched: 있습니다").
FUNCTION_WORDS = (
    "about", "above", "after", "again", "all", "also", "am", "any", "because", "been", "before", "being", "below",
    "between", "both", "but", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "further",
    "had", "has", "having", "he", "her", "here", "him", "his", "how", "i", "into", "its", "itself", "just", "me",
    "more", "most", "my", "no", "nor", "off", "once", "only", "other", "our", "out", "over", "own", "same", "she",
    "should", "so", "some", "such", "than", "their", "them", "then", "there", "these", "they", "those", "through",
    "too", "under", "until", "up", "very", "was", "were", "what", "where", "which", "while", "who", "whom", "why",
    "would", "etc", "per", "via", "s", "t", "d", "ll", "re", "ve", "m",  # children's, don't, we'll, 500 m
    "등", "및", "또는", "또", "그리고", "그러나", "하지만", "또한", "수", "것", "때",
    "중", "더", "각", "약", "위해", "위한", "통해", "통한", "대한", "대해", "관련",
    "관한", "따라", "따른", "같은", "있습니다", "없습니다", "있고", "있는", "없는", "있다",
    "없다", "있어", "없이", "있으며", "있도록", "한", "할", "된", "될", "이런", "그런",
    "이러한", "그러한", "우리", "저희", "이", "그", "저", "매우", "가장", "모든", "입니다",
    "합니다", "됩니다", "했습니다", "전에", "동안", "이후", "이전", "때문", "경우", "정도", "이하", "미만", "여러",
    "다양한", "함께", "모두", "직접", "실제", "현재", "기존", "가능", "필요", "대부분", "특히", "이미", "아직", "계속",
    "다시", "바로", "거의", "많은", "많이", "적은", "새로운", "어려운", "쉽게", "크게", "그대로", "곳", "최근", "주로",
)


@lru_cache(maxsize=1)
def function_word_keys():
    """FUNCTION_WORDS as index terms (stemmed, bare), the way words_of keys words."""
    analyzer = text_analyzer()
    return {term_key(word, analyzer) for word in FUNCTION_WORDS} - {()}


def tells_nothing(word):
    """Figures ("40 per cent", "2 years") and Korean words of one syllable (분, 여, 곳) are shared by records
    with nothing else in common; one the glossary knows ("119", the Korean emergency line; 물, water) is a
    word like any other."""
    if word.translations:
        return False
    return all(term.isdigit() for term in word.key) or (len(word.key) == 1 and len(word.key[0]) == 1
                                                          and HANGUL.fullmatch(word.key[0]) is not None)


def key_words(record, fields, limit, kind):
    """The `limit` most telling words of a record, weighted by field and by rarity among the public
    records of `kind` that it will be matched with (tf-idf)."""
    weights, words = {}, {}
    for name, weight in fields.items():
        for word in words_of(getattr(record, name, "") or ""):
            if word.key in function_word_keys() or tells_nothing(word):
                continue
            words.setdefault(word.key, word)
            weights[word.key] = weights.get(word.key, 0.0) + weight
    for tag in getattr(record, "tags", None) or []:
        for word in words_of(tag):
            words.setdefault(word.key, word)
            weights[word.key] = weights.get(word.key, 0.0) + 2.0
    if not words:
        return []
    wanted = {term for word in words.values() for terms in (word.key, *word.translations) for term in terms}
    totals, frequencies = get_backend().document_frequencies(kind, wanted)

    def holders(terms):  # at most this many records hold all the terms
        return min(frequencies.get(term, 0) for term in terms)

    ranked = []
    for key, word in words.items():
        # How many records the word reaches, in its own spelling or through a translation. A word no record
        # holds cannot help (in a collection written mostly in one language, the other language's commonest
        # words would otherwise look rarest of all).
        reach = max(holders(terms) for terms in (word.key, *word.translations))
        if reach:
            # A Korean word is rare or common among the records written in Korean, not among all of them:
            # in a collection mostly in English every Korean word would look rare.
            collection = totals["ko"] if HANGUL.search(word.text) else totals["all"]
            ranked.append((weights[key] * math.log(1 + max(collection, reach) / (1 + reach)), word))
    if not ranked:
        return []
    ranked.sort(key=lambda pair: pair[0], reverse=True)
    chosen = []  # (score, word)
    for score, word in ranked:
        # A record that says a thing in both its languages ("주민", "residents") has one key word for it,
        # which leaves room for other things it says.
        same = next((kept for _score, kept in chosen if kept.same_concept(word)), None)
        if same is not None:
            same.absorb(word)
        elif len(chosen) < limit:
            chosen.append((score, word))
    top = chosen[0][0] or 1.0
    for score, word in chosen:
        word.weight = round(0.5 + score / top, 3)  # 0.5..1.5: the rarest, most prominent words lead
    return [word for _score, word in chosen]


class TextAndFit:
    """Text relevance from the search backend, plus shared sectors, countries and readiness."""

    name = "text-and-fit"
    key_terms = 40  # nDCG@10 on the hard set: 0.73 with 24, 0.79 with 40 (bench/quality.py)
    candidates = 60
    weights = {"text": 0.6, "sectors": 0.25, "countries": 0.1, "trl": 0.05}

    def solutions_for(self, challenge, limit=10):
        """Public solutions ranked for a challenge."""
        words = key_words(challenge, CHALLENGE_FIELDS, self.key_terms, "solution")
        found = get_backend().candidates("solution", words, self.candidates) if words else []
        matches = self._rank(found, Solution, lambda solution: (challenge, solution), words, limit, with_trl=True)
        return self._explain(matches, words, record_text(challenge, CHALLENGE_FIELDS), SOLUTION_FIELDS)

    def challenges_for(self, solution, now, limit=10):
        """Public challenges that are open or upcoming, ranked for a solution."""
        words = key_words(solution, SOLUTION_FIELDS, self.key_terms, "challenge")
        found = get_backend().candidates("challenge", words, self.candidates) if words else []
        matches = self._rank(found, Challenge, lambda challenge: (challenge, solution), words, limit,
                             keep=lambda challenge: challenge.phase(now) in ("open", "upcoming"))
        return self._explain(matches, words, record_text(solution, SOLUTION_FIELDS), CHALLENGE_FIELDS)

    def _rank(self, found, model, pair, words, limit, keep=None, with_trl=False):
        """The best `limit` candidates that `keep` accepts, re-ranked by text share plus structured fit;
        `pair(record)` gives (challenge, solution). The shared words are left for _explain."""
        records = self._load(model, found)
        best = max((score for _id, _key, score, _terms in found), default=1.0) or 1.0
        total_weight = sum(word.weight for word in words) or 1.0
        matches = []
        for id, _key, score, terms in found:
            record = records.get(id)
            if record is None or (keep and not keep(record)):
                continue
            challenge, solution = pair(record)
            shared = [sector for sector in challenge.sectors if sector in solution.sectors]
            in_country = challenge.organisation.country in solution.countries
            # Relative rank among the candidates, tempered by how much of the source's key words
            # the candidate covers, so the best of a weak field does not look like a strong fit.
            coverage = sum(word.weight for word in words if word.index_terms() & terms) / total_weight
            fit = (self.weights["text"] * (score / best + coverage) / 2
                   + self.weights["sectors"] * len(shared) / max(1, len(challenge.sectors))
                   + self.weights["countries"] * in_country
                   + self.weights["trl"] * (solution.trl - 1) / 8)
            reasons = [Reason("sectors", shared)] if shared else []
            reasons.append(Reason("terms", []))
            if with_trl:
                reasons.append(Reason("trl", [solution.trl]))
            if in_country:
                reasons.append(Reason("countries", [challenge.organisation.country]))
            matches.append(Match(record, round(fit, 4), reasons))
        matches.sort(key=lambda match: (-match.score, match.record.key))
        return matches[:limit] if limit else matches

    @staticmethod
    def _explain(matches, words, source_text, fields):
        """The matches with the words they share with the source, read from both texts (so only for the
        few matches kept); `fields` are the matched records' fields."""
        source = Wording(source_text)
        for match in matches:
            terms = next(reason for reason in match.reasons if reason.kind == "terms")
            terms.values = shared_words(words, source, Wording(record_text(match.record, fields)))
        return matches

    @staticmethod
    def _load(model, found):
        """The candidates anyone may see, by the model's rule (an index that lags the database shows no more)."""
        ids = [id for id, *_rest in found]
        statement = select(model).where(model.id.in_(ids), model.visible_to(None))
        return {record.id: record for record in db.session.scalars(statement)}


STRATEGIES = {TextAndFit.name: TextAndFit}


def get_strategy(name):
    """The strategy registered under `name`."""
    try:
        return STRATEGIES[name]()
    except KeyError:
        raise RuntimeError(f"unknown matching strategy {name!r}; known: {', '.join(STRATEGIES)}") from None

"""Turning what people type into words to look for, the same for every backend.

Operators, quotes and wildcards are not syntax here: people paste text, and
a stray quote must never turn a search into an error. Each word is analysed
like the indexed text (stemmed English, Korean with and without particles,
Hangul grams for compounds), and glossary terms of one or more words bring
their translations along.
"""
from dataclasses import dataclass, field
from functools import lru_cache

from .analysis import HANGUL, WORDS, display_korean, gram_analyzer, terms, text_analyzer
from .backend import MAX_QUERY_CHARS, MAX_QUERY_TERMS
from .glossary import LONGEST_TERM_WORDS, expansions, joined_key

MAX_TRANSLATIONS = 12  # per word; each one widens the query
TRANSLATION_BOOST = 0.6  # a word's own spelling ranks above its glossary translations
_TEXT = text_analyzer()
_GRAMS = gram_analyzer()


@dataclass
class Word:
    """One thing to look for: a word, or a glossary term of several words."""

    text: str
    key: tuple  # the bare index terms, one per word: what identifies it
    alternatives: list  # lists of index terms; a record matches one list when it has all its terms
    grams: list = field(default_factory=list)  # Hangul grams, all of which must match
    translations: list = field(default_factory=list)  # term lists from the glossary, weighted lower
    weight: float = 1.0

    @property
    def label(self):
        """How to show the word: as written, Korean without its particles ("공무원에게" as "공무원")."""
        return " ".join(display_korean(raw) if HANGUL.fullmatch(raw) else raw for raw in self.text.split())

    def index_terms(self):
        """Every index term this word may match, its translations included."""
        return {term for terms in (*self.alternatives, *self.translations) for term in terms}

    def same_concept(self, other):
        """True when one word is a glossary translation of the other ("경보" and "warnings")."""
        return (list(other.key) in self.translations or list(self.key) in other.translations
                or any(terms in self.translations for terms in other.alternatives))

    def absorb(self, other):
        """Take in a word of the same concept: its spellings count as this word's own, not as translations
        (the writer used them), and its translations widen this word's."""
        self.alternatives += [terms for terms in other.alternatives if terms not in self.alternatives]
        self.translations = [terms for terms in self.translations + other.translations
                             if terms not in self.alternatives]
        self.translations = list(map(list, dict.fromkeys(map(tuple, self.translations))))[:MAX_TRANSLATIONS]
        self.grams = self.grams or other.grams

    def units(self):
        """What a record may hold to match this word, as (terms, where, boost): all the terms must be there,
        `where` is "text" (title or body) or "grams"; the boost includes the word's weight."""
        units = [(tuple(terms), "text", self.weight) for terms in self.alternatives]
        units += [(tuple(terms), "text", self.weight * TRANSLATION_BOOST) for terms in self.translations]
        if self.grams:
            units.append((tuple(self.grams), "grams", self.weight))
        return units


@dataclass
class PlannedQuery:
    words: list
    truncated: bool = False


def plan(text, glossary=True):
    """The words of a query, capped in length and number."""
    text = (text or "")[: MAX_QUERY_CHARS + 1]
    words = words_of(text[:MAX_QUERY_CHARS], glossary)
    truncated = len(text) > MAX_QUERY_CHARS or len(words) > MAX_QUERY_TERMS
    return PlannedQuery(words=words[:MAX_QUERY_TERMS], truncated=truncated)


def words_of(text, glossary=True):
    """Every distinct word or glossary term of `text`, in order, without caps (callers cap)."""
    text = text or ""
    analysed, places = [], []  # (raw word, its index terms); where each raw word is in the text
    for match in WORDS.finditer(text):
        found = _text_terms(match.group())
        if found:
            analysed.append((match.group(), found))
            places.append(match.span())
    table = expansions() if glossary else {}
    words, seen, position = [], set(), 0
    while position < len(analysed):
        span, glossary_key = _longest_glossary_span(analysed, position, table)
        chunk = analysed[position:position + span]
        key = tuple(found[-1] for _raw, found in chunk)
        # As written, with its hyphens ("semi-basement"), spaces made single.
        raw_text = " ".join(text[places[position][0]:places[position + span - 1][1]].split())
        position += span
        if key in seen:
            continue
        seen.add(key)
        alternatives = [[term] for term in chunk[0][1]] if span == 1 else [list(key)]
        words.append(Word(text=raw_text, key=key, alternatives=alternatives, grams=list(_gram_terms(raw_text)),
                          translations=[list(other) for other in table.get(glossary_key, [])[:MAX_TRANSLATIONS]]))
    return words


# A word's terms never depend on its neighbours, and a challenge's text repeats its words: each is analysed
# once per process (analysing them was a third of the time finding a challenge's key words took).
@lru_cache(maxsize=65536)
def _text_terms(word):
    return tuple(terms(_TEXT, word))


@lru_cache(maxsize=65536)
def _gram_terms(text):
    return tuple(terms(_GRAMS, text))


def _longest_glossary_span(analysed, position, table):
    """(how many words from `position` form the longest glossary term, its glossary key); (1, the word's key)
    when none does. Hangul words also match a term written as one word ("불법 주정차" is "불법주정차")."""
    for span in range(min(LONGEST_TERM_WORDS, len(analysed) - position), 0, -1):
        chunk = analysed[position:position + span]
        key = tuple(found[-1] for _raw, found in chunk)
        if key in table:
            return span, key
        raws = [raw for raw, _found in chunk]
        joined = joined_key(raws, _TEXT)
        # The term must reach into the last word: "목표로 합니다" joined is 목표 plus endings, not a term of two.
        if joined in table and len(joined[0]) > len("".join(raws[:-1])):
            return span, joined
    return 1, tuple(found[-1] for _raw, found in analysed[position:position + 1])

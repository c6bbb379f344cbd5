"""Turning what people type into words to look for, the same for every backend.

Operators, quotes and wildcards are not syntax here: people paste text, and
a stray quote must never turn a search into an error. Each word is analysed
like the indexed text (stemmed English, Korean with and without particles,
Hangul grams for compounds).
"""
from dataclasses import dataclass, field

from .analysis import WORDS, gram_analyzer, terms, text_analyzer
from .backend import MAX_QUERY_CHARS, MAX_QUERY_TERMS

_TEXT = text_analyzer()
_GRAMS = gram_analyzer()


@dataclass
class Word:
    text: str
    terms: list  # index terms for the title and body fields
    grams: list  # Hangul grams, all of which must match
    expansions: list = field(default_factory=list)  # term lists from the glossary


@dataclass
class PlannedQuery:
    words: list
    truncated: bool = False


def plan(text):
    """The words of a query, capped in length and number."""
    text = (text or "")[: MAX_QUERY_CHARS + 1]
    truncated = len(text) > MAX_QUERY_CHARS
    words = []
    seen = set()
    for raw in WORDS.findall(text[:MAX_QUERY_CHARS]):
        found = terms(_TEXT, raw)
        if not found or tuple(found) in seen:
            continue  # a stop word, or said twice
        seen.add(tuple(found))
        words.append(Word(text=raw, terms=found, grams=terms(_GRAMS, raw)))
        if len(words) == MAX_QUERY_TERMS:
            truncated = True
            break
    return PlannedQuery(words=words, truncated=truncated)

"""Which words two matched records share, named as their writers wrote them.

The search backend says which index terms a candidate holds, but a key word
of many terms ("외국인 주민", foreign residents) shares one of them with far
more records than share the word, and index terms are stems. So the reason
for a match is read from the two texts themselves: a word counts when the
other record holds all of it, or all of one of its glossary translations,
and it is named as the source's writer spelt it ("guiding", where the title
starts "Guiding"), a translation with the other record's own spelling beside
it: "침수 (flooding)".
"""
import re
from collections import defaultdict
from functools import lru_cache

from ..search.analysis import HANGUL, WORDS, display_korean, english_stem, terms, text_analyzer

_ANALYZER = text_analyzer()


def record_text(record, fields):
    """The record's text in `fields`, with its tags, as one string."""
    parts = [getattr(record, name, "") or "" for name in fields]
    return "\n".join(parts + list(getattr(record, "tags", None) or []))


class Wording:
    """One record's text: which index terms it holds, and how it writes them."""

    def __init__(self, text):
        self.text = text
        self.words = [(found.span(), held) for found in WORDS.finditer(text) if (held := _terms(found.group()))]
        self.places = defaultdict(list)  # index term: where in self.words it is
        for place, (_span, held) in enumerate(self.words):
            for term in held:
                self.places[term].append(place)
        self.lower_terms = {held[0] for (start, end), held in self.words if text[start:end].islower()}

    def holds(self, terms):
        """True when the text holds the index terms, in a row when there are several (a term of several
        words: "district" and "heating" far apart are not "district heating")."""
        return self.written(terms) is not None

    def written(self, terms):
        """The text where the index terms first stand in a row, spaces made single, or None."""
        size = len(terms)
        for first in self.places.get(terms[0], ()):
            run = self.words[first:first + size]
            if len(run) == size and all(term in held for term, (_span, held) in zip(terms, run, strict=True)):
                return " ".join(self.text[run[0][0][0]:run[-1][0][1]].split())
        return None

    def korean_part(self, word):
        """The first of a word's Hangul spellings that this text holds inside a longer word ("반지하" in
        "반지하주택", as the search index finds it by its syllables), or None."""
        if not word.grams:
            return None
        return next((spelling for spelling in word.alternatives
                     if all(HANGUL.fullmatch(term) and term in self.text for term in spelling)), None)

    def trimmed(self, label, shortest):
        """A Hangul `label` cut back to what this text holds ("어르신의" to "어르신" where it writes "어르신께"),
        never shorter than `shortest`, its bare form."""
        while HANGUL.fullmatch(label) and label not in self.text and len(label) > len(shortest):
            label = label[:-1]
        return label

    def spelling(self, terms, fallback, other=None):
        """The index terms as this text first writes them (`fallback` where it does not), Korean without its
        particles; see as_written for capitals."""
        raw = self.written(terms)
        if raw is None:
            return self.as_written(fallback, other)
        return self.as_written(" ".join(display_korean(part) if HANGUL.fullmatch(part) else part
                                        for part in raw.split()), other)

    def as_written(self, label, other=None):
        """`label` with each word capitalised only as the first of a sentence or title ("Guiding") in lower
        case where this text or the `other` Wording also writes it so; names and acronyms ("Oslo", "LiDAR")
        keep their capitals."""
        def case(found):
            raw = found.group()
            if raw != raw.capitalize() or len(raw) < 2:
                return raw
            lower = raw.lower()
            stem = english_stem(lower)
            return lower if any(stem in wording.lower_terms for wording in (self, other) if wording) else raw

        return re.sub(r"[^\W\d_\uac00-\ud7a3]+", case, label)


@lru_cache(maxsize=50_000)
def _terms(raw):
    """A word's index terms (Korean with and without its particle); records share most of their words, so
    each is analysed once."""
    return tuple(terms(_ANALYZER, raw))


def shared_words(words, source, other):
    """The labels of the source's key `words` that the `other` record holds too, in the order given: the
    source's spelling where the other holds the word itself, "word (the other's spelling)" where it holds a
    glossary translation only. A word that is part of a longer shared one ("early" of "early warning") is
    not said twice. `source` and `other` are the two records' Wording."""
    shared = []
    for word in words:
        own = next((terms for terms in word.alternatives if other.holds(terms)), None) or other.korean_part(word)
        if own is not None:
            label = source.spelling(own, word.label, other)
            shared.append((word, other.trimmed(label, own[-1]) if len(own) == 1 else label))
            continue
        translated = next((spelling for spelling in word.translations if other.holds(spelling)), None)
        if translated is not None:
            label = source.as_written(word.label, other)
            shared.append((word, f"{label} ({other.spelling(translated, ' '.join(translated), source)})"))
    shown = [label for word, label in shared
             if not any(set(word.key) < set(longer.key) for longer, _label in shared)]
    return list(dict.fromkeys(shown))

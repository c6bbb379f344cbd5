"""The bilingual smart-city glossary: a query word in one language also looks for its translations.

glossary.tsv holds the smart-city terms, one concept a line: sector, English
terms, Korean terms (alternatives separated by "|"). vocabulary.tsv holds, the
same way but without a sector, the everyday words challenges and solutions are
written in (residents, leak, location): without them a Korean challenge would
reach English solutions through its few technical terms only. Terms are
matched after the same analysis as the indexed text, so "flooding", "floods"
and "침수를" all find their concept.
"""
import csv
from functools import lru_cache
from pathlib import Path

from .analysis import HANGUL, WORDS, terms, text_analyzer

GLOSSARY_FILE = Path(__file__).with_name("glossary.tsv")
VOCABULARY_FILE = Path(__file__).with_name("vocabulary.tsv")
LONGEST_TERM_WORDS = 4


def term_key(text, analyzer):
    """A term as a tuple of bare index terms, one per word; () when only stop words."""
    key = []
    for raw in WORDS.findall(text):
        found = terms(analyzer, raw)
        if found:
            key.append(found[-1])  # the bare form: Korean without its particle
    return tuple(key)


def read_concepts(path=GLOSSARY_FILE):
    """[(sector, [english terms], [korean terms])] from the glossary file."""
    return [(sector, english.split("|"), korean.split("|")) for sector, english, korean in _rows(path)]


def read_vocabulary(path=VOCABULARY_FILE):
    """[([english terms], [korean terms])] from the vocabulary file."""
    return [(english.split("|"), korean.split("|")) for english, korean in _rows(path)]


def all_concepts():
    """[([english terms], [korean terms])]: the glossary's, then the vocabulary's."""
    return [(english, korean) for _sector, english, korean in read_concepts()] + read_vocabulary()


def _rows(path):
    with open(path, encoding="utf-8", newline="") as handle:
        rows = csv.reader((line for line in handle if line.strip() and not line.startswith("#")), delimiter="\t")
        next(rows)  # header
        return list(rows)


def joined_key(words, analyzer):
    """The key of Hangul words written as one ("어린이 보호구역" as "어린이보호구역"), or None.

    Korean spacing of compounds varies from writer to writer, so a glossary
    term is found written either way.
    """
    if len(words) < 2 or not all(HANGUL.fullmatch(word) for word in words):
        return None
    return term_key("".join(words), analyzer) or None


@lru_cache(maxsize=1)
def expansions():
    """{term key: [term keys of the same concept, in both languages]}; a Korean term of several words is
    also known by its words written as one."""
    analyzer = text_analyzer()
    table = {}
    for english, korean in all_concepts():
        keys = list(dict.fromkeys(key for key in (term_key(term, analyzer) for term in english + korean) if key))
        for key in keys:
            others = [other for other in keys if other != key]
            table.setdefault(key, [])
            table[key] += [other for other in others if other not in table[key]]
        for term in korean:
            joined = joined_key(WORDS.findall(term), analyzer)
            if joined and joined not in table:
                table[joined] = list(table[term_key(term, analyzer)])
    return table

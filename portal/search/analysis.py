"""Text analysis for English and Korean.

English words are lowercased, stop words dropped and stemmed (Porter).
Korean (Hangul) words are indexed as written and once more bare, with trailing
particles and verb endings removed, so "공무원에게" and "공무원은" also index
"공무원". Endings are removed until none is left, so that a word has one bare
form however it is inflected: "횡단보도" and "횡단보도에서" both index "횡단보"
(its "도" reads as a particle), where removing one ending gave two forms.
A second analyzer cuts Hangul words into two-syllable grams, so parts of
compounds match ("반지하주택" is found by "반지하").
Both leave out words longer than any real one, so that a pasted blob never
reaches an index (PostgreSQL refuses a word over 2,047 bytes, and every
search would fail while one record held it).
"""
import re

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.lang.porter import stem as porter_stem

HANGUL = re.compile(r"[\uac00-\ud7a3]+")
# Hangul runs, or runs of other letters and digits; "LiDAR기반" is two words.
WORDS = re.compile(r"[\uac00-\ud7a3]+|[^\W_\uac00-\ud7a3]+")

# Particles (조사) and common endings after nouns, longest first. Removing one
# must leave two syllables at least: "아이" keeps its "이", "노인은" loses "은".
KOREAN_SUFFIXES = sorted({
    "에게서", "으로서", "으로써", "에서는", "에서도", "에게는", "으로는", "이라는", "이라고", "에서의", "까지는",
    "에서", "에게", "한테", "께서", "으로", "까지", "부터", "마다", "처럼", "보다", "이나", "이랑", "과의", "와의",
    "에는", "에도", "로는", "라는", "이며", "이고", "이다", "입니다", "들이", "들은", "들을", "들의", "들에",
    "합니다", "하여", "하고", "하는", "하며", "한다", "했다", "하기", "해서", "하면", "하지", "할", "한",
    "됩니다", "되는", "되어", "된다", "되면", "된", "적인", "적으로", "적",
    "은", "는", "이", "가", "을", "를", "의", "에", "와", "과", "도", "만", "로", "들",
}, key=len, reverse=True)


_SUFFIX_LENGTHS = sorted({len(suffix) for suffix in KOREAN_SUFFIXES}, reverse=True)
_SUFFIX_SET = set(KOREAN_SUFFIXES)


# After a noun of one syllable only particles that no two-syllable word ends in are removed, and only where
# their sound fits (see DISPLAY_ENDINGS): "물에" and "곳을" lose theirs, "마을" and "길이" (length) do not.
SHORT_NOUN_PARTICLES = {"에": "any", "에서": "any", "에게": "any", "에는": "any", "에도": "any", "에서는": "any",
                        "을": "consonant", "은": "consonant", "으로": "consonant", "를": "vowel", "는": "vowel"}


def strip_korean_suffix(word):
    """The word without one trailing particle or ending (the longest that fits), or None if there is none."""
    for length in _SUFFIX_LENGTHS:
        if len(word) - length >= 2 and word[-length:] in _SUFFIX_SET:
            return word[:-length]
    return short_noun(word)


def short_noun(word):
    """The noun of one syllable in "물에" or "곳을", or None when the word is not one with its particle."""
    sound = SHORT_NOUN_PARTICLES.get(word[1:])
    return word[:1] if sound and _fits(word[:1], sound) else None


def bare_korean(word):
    """The word with trailing particles and endings removed while any is left (at least two syllables stay)."""
    while (shorter := strip_korean_suffix(word)) is not None:
        word = shorter
    return word


# Endings removed from a Korean word shown to people (a match reason), so that "골목과" shows as "골목" and
# "횡단보도에서" as "횡단보도" (its bare index form is "횡단보": its 도 also reads as a particle). A particle
# whose form follows the sound before it (이/가, 과/와, 은/는, 을/를, 으로/로) is removed only where that
# sound fits; 도, 의 and 만 end too many nouns (온도, 회의) to be removed at all.
DISPLAY_ENDINGS = {
    "에게서": "any", "에서는": "any", "에서도": "any", "에게는": "any", "에서의": "any", "까지는": "any",
    "으로는": "consonant", "으로서": "consonant", "으로써": "consonant", "이라는": "consonant",
    "에서": "any", "에게": "any", "한테": "any", "께서": "any", "까지": "any", "부터": "any", "마다": "any",
    "처럼": "any", "보다": "any", "에는": "any", "에도": "any", "들이": "any", "들은": "any", "들을": "any",
    "들의": "any", "들에": "any", "으로": "consonant", "로는": "vowel", "라는": "vowel",
    "이": "consonant", "과": "consonant", "은": "consonant", "을": "consonant",
    "가": "vowel", "와": "vowel", "는": "vowel", "를": "vowel", "로": "vowel", "에": "any",
    "하는": "verb", "하고": "verb", "하며": "verb", "하여": "verb", "하기": "verb", "하면": "verb", "합니다": "verb",
    "하지": "verb", "한다": "verb", "할": "verb", "한": "verb", "되는": "verb", "되어": "verb", "된": "verb",
    "될": "verb", "됩니다": "verb",  # 감지하는 shows as 감지, 시작된 as 시작
}
NOUNS_ENDING_IN_HA = ("반지하",)  # 반지하는 is 반지하 with 는, not 반지 with 하는
NOUNS_LIKE_ENDINGS = ("어린이", "놀이", "높이", "길이", "넓이", "깊이", "받이")
_DISPLAY_ORDER = sorted(DISPLAY_ENDINGS, key=len, reverse=True)


def _fits(rest, sound):
    final = (ord(rest[-1]) - 0xAC00) % 28  # the last syllable's final consonant; 0 is none, 8 is ㄹ
    if sound == "consonant":
        return final != 0
    if sound == "vowel":
        return final == 0 or final == 8  # 로 follows ㄹ too (길로)
    if sound == "verb":
        return not (rest + "하").endswith(NOUNS_ENDING_IN_HA)
    return True


def display_korean(word):
    """A Hangul word as it reads without its particle, for showing: "공무원에게" as "공무원"."""
    if word.endswith(NOUNS_LIKE_ENDINGS):
        return word
    for ending in _DISPLAY_ORDER:
        rest = word[:-len(ending)]
        if word.endswith(ending) and len(rest) >= 2 and _fits(rest, DISPLAY_ENDINGS[ending]):
            return rest
    return short_noun(word) or word


MAX_WORD_CHARS = 100  # at most 400 bytes in UTF-8, well below PostgreSQL's limits for a word and an index row


class SkipLongWords(Filter):
    """Drops words longer than MAX_WORD_CHARS."""

    def __call__(self, tokens):
        for token in tokens:
            if len(token.text) <= MAX_WORD_CHARS:
                yield token


class KoreanStemFilter(Filter):
    """Adds the bare form of a Hangul word at the same position."""

    def __call__(self, tokens):
        for token in tokens:
            yield token
            if HANGUL.fullmatch(token.text):
                bare = bare_korean(token.text)
                if bare != token.text:
                    token.text = bare
                    yield token


class HangulGramFilter(Filter):
    """Two-syllable grams of bare Hangul words; other words are dropped."""

    def __call__(self, tokens):
        for token in tokens:
            if not HANGUL.fullmatch(token.text):
                continue
            word = bare_korean(token.text)
            if len(word) < 3:
                token.text = word
                yield token
                continue
            for start in range(len(word) - 1):
                token.text = word[start:start + 2]
                yield token


class KeepHangul(Filter):
    """Passes Hangul words through a filter meant for English untouched."""

    def __init__(self, inner):
        self.inner = inner

    def __call__(self, tokens):
        for token in tokens:
            if HANGUL.fullmatch(token.text):
                yield token
            else:
                yield from self.inner(iter([token]))


# Words the Porter stemmer would turn into a word of another meaning ("parking" into "park", "buildings"
# into "build", "training" into "train"): they get a stem of their own.
OWN_STEMS = {"parking": "parking", "building": "building", "buildings": "building", "training": "training",
             "trainings": "training"}


def english_stem(word):
    """The Porter stem of an English word, or its own stem from OWN_STEMS."""
    return OWN_STEMS.get(word) or porter_stem(word)


def text_analyzer():
    """Words: English stemmed, Korean with and without particles."""
    return (RegexTokenizer(WORDS) | SkipLongWords() | LowercaseFilter() | StopFilter(minsize=1)
            | KeepHangul(StemFilter(english_stem)) | KoreanStemFilter())


def gram_analyzer():
    """Two-syllable grams of Korean words, for parts of compounds."""
    return RegexTokenizer(WORDS) | SkipLongWords() | HangulGramFilter()


def terms(analyzer, text):
    """The distinct terms an analyzer makes of `text`, in order."""
    seen = []
    for token in analyzer(text, mode="query"):
        if token.text not in seen:
            seen.append(token.text)
    return seen

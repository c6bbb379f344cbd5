"""Snippets with the matched words marked, the same for every backend."""
import re
from bisect import bisect_left, bisect_right

from markupsafe import escape
from whoosh.analysis import Token
from whoosh.highlight import FIRST, BasicFragmentScorer, HtmlFormatter, mkfrag, top_fragments

from .analysis import WORDS, text_analyzer

_ANALYZER = text_analyzer()
HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
LATIN = re.compile(r"[A-Za-z]")
OPENING_CHARS = 220
SURROUND_CHARS = 60  # context kept before the first and after the last match of a fragment
CHAR_LIMIT = 2**15  # as Whoosh's highlighter, nothing past this is looked at


def language_of(text):
    """"ko" when Hangul outweighs Latin letters in `text`, else "en"."""
    return "ko" if len(HANGUL.findall(text)) > len(LATIN.findall(text)) else "en"


class SnippetFormatter(HtmlFormatter):
    """Marks matches; each fragment starts and ends at a whole word, keeps to one field (line) of the
    record, says where it was cut with "…", and is marked with its language, so Korean is laid out as
    Korean in the English interface and the other way round."""

    def format_fragment(self, fragment, replace=False):
        """The fragment as (language, cut at its start, HTML, cut at its end)."""
        text = fragment.text
        first, last = fragment.matches[0].startchar, fragment.matches[-1].endchar
        line_start = text.rfind("\n", 0, first) + 1
        line_end = text.find("\n", last) % (len(text) + 1)  # -1 (no newline) becomes the end of the text
        start = max(fragment.startchar, line_start)
        while start > line_start and not text[start - 1].isspace():
            start -= 1
        end = min(fragment.endchar, line_end)
        while end < line_end and not text[end].isspace():
            end += 1
        fragment.startchar, fragment.endchar = start, end
        html = super().format_fragment(fragment, replace).strip()
        return language_of(text[start:end]), start > line_start, html, bool(text[end:line_end].strip())

    def format(self, fragments, replace=False):
        parts = [self.format_fragment(fragment, replace) for fragment in fragments if fragment.matches]
        spans = []
        for index, (language, cut_before, html, cut_after) in enumerate(parts):
            before = "… " if cut_before else ""
            # One "…" between two fragments is enough.
            after = " …" if cut_after and not (index + 1 < len(parts) and parts[index + 1][1]) else ""
            spans.append(f'<span lang="{language}">{before}{html}{after}</span>')
        return " ".join(spans)


WORD_CACHE_SIZE = 65536
_word_terms = {}


def _terms_of(word):
    """The terms the text analyser makes of one word (a word's terms never depend on its neighbours)."""
    found = _word_terms.get(word)
    if found is None:
        if len(_word_terms) >= WORD_CACHE_SIZE:
            _word_terms.clear()
        found = _word_terms[word] = tuple(token.text for token in _ANALYZER(word, mode="query", removestops=False))
    return found


def formatter():
    return SnippetFormatter(tagname="mark", between=" ")


def fragments(text, termset):
    """The fragments of `text` around the words whose terms are in `termset`, cut exactly as Whoosh's
    ContextFragmenter(maxchars=OPENING_CHARS, surround=SURROUND_CHARS) cuts them from the text analyser's
    tokens (every term of a word is a token of its own, at the word's place).

    Whoosh's version walks every token through a chain of generators, most of them outside any fragment,
    where a token only moves the place its context would start; here the walk jumps from one match to the
    next and finds that place by bisection (3.5 ms of a search's 20 snippets before, under 1 after)."""
    starts, ends, terms = [], [], []
    for word in WORDS.finditer(text):
        found = _terms_of(word.group())
        if found:
            start, end = word.span()
            for term in found:
                starts.append(start)
                ends.append(end)
                terms.append(term)
    count = len(terms)
    if not count:
        return
    last_end = ends[-1]
    if last_end > CHAR_LIMIT:  # the first token past the limit ends the walk
        count = bisect_right(ends, CHAR_LIMIT)
        last_end = ends[count]
    hits = [number for number in range(count) if terms[number] in termset]
    hit, reset = 0, 0  # the next match to jump to; the first token since the last fragment ended
    first, countdown, matches, length = None, -1, [], 0
    number = 0
    while number < count:
        size = ends[number] - starts[number]
        if countdown < 0:
            # Outside a fragment, the unmatched tokens since `reset` are context candidates, those that end
            # within SURROUND_CHARS of the last one: jump to the next match and pick the earliest of them.
            while hit < len(hits) and hits[hit] < number:
                hit += 1
            if hit == len(hits):
                break
            number = hits[hit]
            size = ends[number] - starts[number]
            earliest = bisect_left(starts, ends[number - 1] - SURROUND_CHARS, reset, number) if number > reset \
                else number
            if length + size > OPENING_CHARS:
                countdown = 0
            else:
                countdown = SURROUND_CHARS
                if earliest < number:
                    first = starts[earliest]
                else:
                    first = starts[number]
                    countdown += SURROUND_CHARS
                matches.append(_match(terms[number], starts[number], ends[number]))
        elif length + size > OPENING_CHARS:
            countdown = 0
        elif terms[number] in termset:
            countdown = SURROUND_CHARS
            if first is None:  # a match right after a fragment: no context before it
                first = starts[number]
                countdown += SURROUND_CHARS
            matches.append(_match(terms[number], starts[number], ends[number]))
        if countdown >= 0:
            length += size
            countdown -= size
            if countdown <= 0:
                yield mkfrag(text, matches, startchar=first, endchar=ends[number])
                first, matches, length, reset = None, [], 0, number + 1
        number += 1
    if matches:
        yield mkfrag(text, matches, startchar=first, endchar=last_end)


def _match(term, start, end):
    return Token(text=term, startchar=start, endchar=end, matched=True, chars=True)


def snippet(text, terms):
    """Up to two fragments of `text` around `terms` (index terms), HTML-escaped; the opening if none match."""
    marked = ""
    if terms:
        best = top_fragments(fragments(text, frozenset(terms)), 2, BasicFragmentScorer(), FIRST, minscore=1)
        marked = formatter().format(best)
    if marked:
        return marked
    opening = text[:OPENING_CHARS]
    return f'<span lang="{language_of(opening)}">{escape(opening)}</span>'

"""Snippets with the matched words marked, the same for every backend."""
import re

from markupsafe import escape
from whoosh.analysis import Token
from whoosh.highlight import ContextFragmenter, HtmlFormatter, highlight

from .analysis import WORDS, text_analyzer

_ANALYZER = text_analyzer()
HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
LATIN = re.compile(r"[A-Za-z]")
OPENING_CHARS = 220


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


def _tokens(text, **_options):
    """The text analyser's tokens for highlighting, each word analysed once per process: re-analysing every
    word of every hit's text was most of the time a search took. One token is reused, as Whoosh's own
    tokenizers do (what keeps a token copies it)."""
    token = Token(chars=True)
    for match in WORDS.finditer(text):
        for term in _terms_of(match.group()):
            token.text, token.startchar, token.endchar = term, match.start(), match.end()
            yield token


def formatter():
    return SnippetFormatter(tagname="mark", between=" ")


def fragmenter():
    return ContextFragmenter(maxchars=OPENING_CHARS, surround=60)


def snippet(text, terms):
    """Up to two fragments of `text` around `terms` (index terms), HTML-escaped; the opening if none match."""
    marked = highlight(text, frozenset(terms), _tokens, fragmenter(), formatter(), top=2) if terms else ""
    if marked:
        return marked
    opening = text[:OPENING_CHARS]
    return f'<span lang="{language_of(opening)}">{escape(opening)}</span>'

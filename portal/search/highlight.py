"""Snippets with the matched words marked, the same for every backend."""
from markupsafe import escape
from whoosh.highlight import ContextFragmenter, HtmlFormatter, highlight

from .analysis import text_analyzer

_ANALYZER = text_analyzer()


def formatter():
    return HtmlFormatter(tagname="mark", between=" … ")


def fragmenter():
    return ContextFragmenter(maxchars=220, surround=60)


def snippet(text, terms):
    """Up to two fragments of `text` around `terms` (index terms), HTML-escaped; the opening if none match."""
    marked = highlight(text, frozenset(terms), _ANALYZER, fragmenter(), formatter(), top=2) if terms else ""
    return marked or str(escape(text[:220]))

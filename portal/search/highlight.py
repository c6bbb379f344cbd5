"""Snippets with the matched words marked, the same for every backend."""
import re

from markupsafe import escape
from whoosh.highlight import ContextFragmenter, HtmlFormatter, highlight

from .analysis import text_analyzer

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


def formatter():
    return SnippetFormatter(tagname="mark", between=" ")


def fragmenter():
    return ContextFragmenter(maxchars=OPENING_CHARS, surround=60)


def snippet(text, terms):
    """Up to two fragments of `text` around `terms` (index terms), HTML-escaped; the opening if none match."""
    marked = highlight(text, frozenset(terms), _ANALYZER, fragmenter(), formatter(), top=2) if terms else ""
    if marked:
        return marked
    opening = text[:OPENING_CHARS]
    return f'<span lang="{language_of(opening)}">{escape(opening)}</span>'

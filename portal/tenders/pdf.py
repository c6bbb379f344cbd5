"""The tender as a PDF a procurement office would publish: cover, contents, the OCDS document types, Q&A annex.

WeasyPrint lays out templates/tenders/pdf/tender.html with static/css/tender-pdf.css, in the tender's language.
Three rules keep rendering safe on a web worker:

- It never reaches outside. WeasyPrint's own fetcher reads `file://` and follows redirects (a
  `<link rel="attachment" href="file:///…">` would embed a local file in the PDF); `StaticOnlyFetcher` serves
  only the portal's static files, the Korean font and `data:` URLs, and refuses everything else.
- No user HTML reaches the template: every text the city wrote goes through `markup.markdown` (nh3-sanitised)
  or Jinja's escaping.
- Oversized content is refused before layout (`TenderTooLarge`), so a huge tender cannot hold a worker for
  minutes: caps on the lists that become table rows, a budget of characters across all texts, and one of the
  elements (paragraphs, list items, cells) they make. Words longer than a line get places to break, which
  WeasyPrint would otherwise look for at great cost.

Korean is set in Noto Sans KR (SIL Open Font License), which the `pylopdf-fonts-ko` package installs with the
portal; the stylesheet names it through @font-face, so no system font is needed or used, and its Latin glyphs
set English text too, one typeface for both languages.
"""
import functools
import mimetypes
import os
import re
from collections import Counter
from urllib.parse import quote, unquote, urlsplit
from zoneinfo import ZoneInfo

import pylopdf_fonts_ko
from babel.numbers import format_decimal
from flask import current_app, render_template
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..workspaces.labels import FIT_CATEGORY_LABELS, FIT_VERDICT_LABELS
from ..workspaces.models import FIT_VERDICTS
from . import procedures
from .models import COST, PRICE, QUALITY, Tender

TAG = re.compile(r"(<[^>]*>)")
LONG_WORD = re.compile(r"[^\s<>]{31,}")
TEXT_UNIT = re.compile(r"&#?\w+;|.", re.DOTALL)

# The family the stylesheet names for all text; tests check that the PDF embeds it and nothing else.
FONT_FAMILY = "Noto Sans KR"
FONT_FILE = os.path.realpath(pylopdf_fonts_ko.sans_path())

# What one PDF may hold. Layout time grows with the text and, more, with the elements it makes (paragraphs,
# list items, table cells: about a millisecond each); a 26-page tender has some 90,000 characters and 1,000
# elements and renders in about two seconds. The budgets keep the worst accepted tender to a few seconds; the
# caps on rows are checked first, before anything is rendered.
TEXT_BUDGET = 300_000
MAX_ELEMENTS = 5_000
MAX_LOTS = 100
MAX_CRITERIA = 50
MAX_FIT_REQUIREMENTS = 400
MAX_QUESTIONS = 500

CRITERION_KIND_LABELS = {PRICE: _l("Price"), COST: _l("Cost"), QUALITY: _l("Quality")}
STATUS_NOTES = {Tender.DRAFT: _l("Draft: not published"), Tender.CANCELLED: _l("Cancelled")}


class TenderTooLarge(ValueError):
    """The tender holds more than a PDF may; the message tells the city what is too long, in its language."""


def render_tender_pdf(tender, *, version=None):
    """The tender's PDF as bytes, in the tender's language; raises TenderTooLarge before any layout.

    `version` is the number printed on the cover; by default the version this rendering publishes: 1 for a
    draft, else the one after the newest version already stored (a version being built, with no file yet,
    is this one, and its change note is listed with the earlier ones). Needs an app context.
    """
    check_size(tender)
    html = tender_html(tender, version=version)
    check_elements(html)
    return write_pdf(html)


def tender_html(tender, *, version=None):
    """The HTML that becomes the PDF, in the tender's language, its long words breakable."""
    with force_locale(tender.language):
        html = render_template("tenders/pdf/tender.html", **_context(tender, version))
    head, body = html.split("<body>", 1)
    return f"{head}<body>{breakable(body)}"


def breakable(html):
    """`html` with a zero-width space every 20 characters of a word longer than 30, in its text only.

    A word wider than the line makes WeasyPrint lay out the rest of the paragraph again for every line it
    breaks, which takes minutes for a paragraph of them; given a place to break, it wraps as usual.
    """
    parts = TAG.split(html)  # tags (which hold no "<" or ">" of their own) at odd indexes, text at even ones
    return "".join(part if index % 2 else LONG_WORD.sub(_break_word, part) for index, part in enumerate(parts))


def _break_word(match):
    units = TEXT_UNIT.findall(match.group())  # an entity such as &amp; is one character and is not split
    return "\u200b".join("".join(units[start:start + 20]) for start in range(0, len(units), 20))


def check_elements(html):
    """Raise TenderTooLarge when the document has more elements than a PDF may lay out in reasonable time."""
    body = html.split("<body>", 1)[1]
    count = body.count("<") - body.count("</")  # opening tags; text holds "<" only as &lt;
    if count > MAX_ELEMENTS:
        raise TenderTooLarge(_("The tender's texts make %(count)s paragraphs, list items and table cells; a PDF "
                               "can hold at most %(cap)s. Shorten the longest texts.",
                               count=_number(count), cap=_number(MAX_ELEMENTS)))


def write_pdf(html):
    """The PDF of `html`, laid out with only the static files, the font and data: URLs within reach."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    static_url = _file_url(current_app.static_folder) + "/"
    fonts = FontConfiguration()
    fetcher = _fetcher_class()(current_app.static_folder)
    document = HTML(string=html, base_url=static_url, url_fetcher=fetcher)
    return document.write_pdf(font_config=fonts)


def check_size(tender):
    """Raise TenderTooLarge when the tender holds more than a PDF may."""
    answered = answered_questions(tender)
    for items, cap, message in (
            (tender.lots, MAX_LOTS, _l("The tender has %(count)s lots; a PDF can hold at most %(cap)s.")),
            (tender.criteria, MAX_CRITERIA,
             _l("The tender has %(count)s award criteria; a PDF can hold at most %(cap)s.")),
            (tender.fit_requirements or [], MAX_FIT_REQUIREMENTS,
             _l("The tender has %(count)s fit requirements; a PDF can hold at most %(cap)s.")),
            (answered, MAX_QUESTIONS,
             _l("The tender has %(count)s answered questions; a PDF can hold at most %(cap)s."))):
        if len(items) > cap:
            raise TenderTooLarge(str(message) % {"count": _number(len(items)), "cap": _number(cap)})
    size = text_size(tender, answered)
    if size > TEXT_BUDGET:
        raise TenderTooLarge(_("The tender's text is %(size)s characters long; a PDF can hold at most %(cap)s. "
                               "Shorten the longest texts.", size=_number(size), cap=_number(TEXT_BUDGET)))


def text_size(tender, answered):
    """How many characters of the tender's own text the PDF would set."""
    texts = [tender.title, tender.description, tender.technical_specification, tender.eligibility_criteria,
             tender.selection_criteria, tender.contract_terms, str(tender.procedure_terms or "")]
    texts += [f"{lot.title}{lot.description}" for lot in tender.lots]
    texts += [f"{criterion.name}{criterion.description}" for criterion in tender.criteria]
    texts += [str(requirement) for requirement in tender.fit_requirements or []]
    texts += [f"{question.text}{question.answer}" for question in answered]
    texts += [version.change_note for version in tender.versions]
    return sum(len(text or "") for text in texts)


def answered_questions(tender):
    """The questions the city answered, in the order they were answered; only these are published."""
    return sorted((question for question in tender.questions if question.answered_at is not None),
                  key=lambda question: (question.answered_at, question.id or 0))


def page_counter_css(message):
    """A translated "Page %(page)s of %(pages)s" as the value of a CSS `content`, the numbers as counters."""
    quoted = '"' + message.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return (quoted.replace("%(page)s", '" counter(page) "').replace("%(pages)s", '" counter(pages) "')
            .replace('"" ', "").replace(' ""', ""))


def _context(tender, version):
    zone = tender.organisation.timezone or "UTC"
    stored = [v.number for v in tender.versions if v.stored_file_id is not None or v.stored_file is not None]
    number = version or (max(stored) + 1 if stored else 1)
    instants = [(label, moment) for label, moment in (
        (_("Publication"), tender.publication_at), (_("Clarification deadline"), tender.clarification_deadline),
        (_("Submission deadline"), tender.submission_deadline), (_("Opening of bids"), tender.opening_at),
    ) if moment is not None]
    return {
        "tender": tender,
        "zone": zone,
        "version": number,
        "amendments": [v for v in tender.versions if 1 < v.number <= number and v.change_note],
        "instants": instants,
        "offset_of": lambda moment: _utc_offset(moment, zone),
        "procedure": procedures.label(tender.procedure),
        # As the tender page shows them: each term's label, money in the tender's currency, a choice by its name.
        "procedure_terms": procedures.term_rows(tender.procedure, tender.procedure_terms or {}, tender.currency),
        "criterion_kinds": CRITERION_KIND_LABELS,
        "total_weight": sum(criterion.weight for criterion in tender.criteria),
        "fit_requirements": [_fit_row(requirement) for requirement in tender.fit_requirements or []],
        "questions": answered_questions(tender),
        "status_note": STATUS_NOTES.get(tender.status),
        "page_counter": page_counter_css(_("Page %(page)s of %(pages)s")),
        "font_family": FONT_FAMILY,
        "font_url": _file_url(FONT_FILE),
    }


def _fit_row(requirement):
    """A fit requirement as the table shows it: category, title, text and how many companies' solutions fit."""
    counts = Counter(requirement.get("answers") or {})  # {verdict: count}, or a list of verdicts
    summary = [(FIT_VERDICT_LABELS[verdict], counts[verdict]) for verdict in FIT_VERDICTS if counts.get(verdict)]
    category = requirement.get("category", "")
    return {"category": FIT_CATEGORY_LABELS.get(category, category), "title": requirement.get("title", ""),
            "text": requirement.get("text", ""), "answers": summary}


def _utc_offset(moment, zone):
    """ "UTC+9", "UTC+5:30", "UTC−1": the offset of the city's clock at `moment`, which deadlines depend on."""
    offset = moment.astimezone(ZoneInfo(zone)).utcoffset()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def _number(value):
    return format_decimal(value, locale=str(get_locale() or "en"))


def _file_url(path):
    return "file://" + quote(os.path.realpath(path))


@functools.cache
def _fetcher_class():
    """StaticOnlyFetcher, built on first use: importing WeasyPrint costs half a second and 40 MB, which a
    process that never renders a PDF should not pay."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serves files inside the static folder, the font file and data: URLs; refuses everything else."""

        def __init__(self, static_folder):
            super().__init__(allowed_protocols=("file", "data"), allow_redirects=False, timeout=1)
            self.static_folder = os.path.realpath(static_folder)

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                raise ValueError(f"not fetched when rendering a tender: {url}")
            path = os.path.realpath(unquote(parts.path))  # follows "..", symbolic links and all
            inside_static = os.path.commonpath([path, self.static_folder]) == self.static_folder
            if not (inside_static and os.path.isfile(path)) and path != FONT_FILE:
                raise ValueError(f"not fetched when rendering a tender: {url}")
            with open(path, "rb") as file:
                body = file.read()
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, headers={"Content-Type": content_type})

    return StaticOnlyFetcher

"""The search page: one box over solutions, challenges and organisations."""
from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ..access import is_admin
from ..alerts.services import can_set_alerts
from ..caching import cached_fragment
from ..taxonomy import CONTENT_LANGUAGES, SECTORS
from ..visibility import organisation_of
from ..web import page_arg
from . import services
from .backend import FACETS, MAX_QUERY_CHARS, SORTS
from .documents import KINDS

bp = Blueprint("search", __name__)


def ordered_facet(name, counts):
    """A facet's (value, count) pairs: readiness levels in their own order, 1 to 9; others most found first."""
    if name == "trl":
        return sorted(counts.items(), key=lambda pair: int(pair[0]))
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))


@bp.route("/search")
def results():
    text = request.args.get("q", "")
    kind = request.args.get("kind", "")
    sort = request.args.get("sort", "relevance")
    filters = {name: request.args.get(name, "") for name in FACETS if name != "kind"}
    message = None
    if kind and kind not in KINDS or sort not in SORTS:
        kind, sort = "" if kind not in KINDS else kind, sort if sort in SORTS else "relevance"
        message = _("Some choices were not valid and were ignored.")
    if len(text) > MAX_QUERY_CHARS:
        message = _("Only the first %(n)d characters of your search were used.", n=MAX_QUERY_CHARS)
    args = {name: value for name, value in request.args.items() if value and name != "page"}

    def render_results():
        found = services.search(current_user, text, kinds=(kind,) if kind else (), filters=filters,
                                sort=sort, page=page_arg())
        facets = {name: ordered_facet(name, counts) for name, counts in found.facets.items()}
        return render_template("search/_results.html", kind=kind, filters=filters, found=found, args=args,
                               facets=facets, sector_labels=SECTORS, language_labels=CONTENT_LANGUAGES)

    # What a search finds changes only with the data; a viewer sees the public records and their own
    # organisation's, so the viewer's organisation is part of the key.
    viewer = (organisation_of(current_user), is_admin(current_user))
    results = cached_fragment(("search.results", *viewer, *sorted(request.args.items(multi=True))), render_results)
    return render_template(
        "search/results.html", text=text, kind=kind, sort=sort, filters=filters, args=args, results=results,
        message=message, can_save_alert=can_set_alerts(current_user), title=_("Search"),
    )

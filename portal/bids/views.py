"""Bid pages: the bidder's form, bid and receipt; the city's opening, evaluators, declaration, scores and award.

Every page loads its tender or bid through the one rule (Bid.visible_to): a bid that the viewer may not see
does not exist for them (404), before the opening for everyone but its bidder.
"""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access import require
from ..errors import Invalid, error_page
from ..files import services as files
from ..forms import apply_errors, options, validate_with
from ..model_types import utcnow
from ..proposals.services import is_verified_company_member
from ..tenders.models import Tender
from ..web import form_page, record_id
from . import sealing, services
from .forms import AwardForm, DeclarationForm, EvaluatorForm, bid_form, score_form
from .models import Bid

bp = Blueprint("bids", __name__)
# Only the bid forms take a body as large as a file; every other form keeps the small limit.
bp.url_value_preprocessor(
    lambda endpoint, _values: files.allow_upload_body() if endpoint in ("bids.new", "bids.replace") else None)


@bp.errorhandler(sealing.Tampered)
def tampered(error):
    """A sealed value that does not open for its record was changed or moved outside the portal: say so, log it,
    and show nothing of it."""
    current_app.logger.error("sealed bid value does not open for its record: %s", error)
    return error_page(409, _("This bid's sealed content does not match its record, so nothing of it is shown. The "
                             "event is logged; the bidder's receipt shows the fingerprint of what was received."))


@bp.app_template_global()
def bid_panel(tender):
    """What the tender page shows about bids to the viewer (templates/bids/_tender_panel.html)."""
    return services.panel(current_user, tender)


@bp.app_template_global()
def tender_url(tender):
    """The tender's own page, which the tenders package serves; None in an app without it."""
    if "tenders.show" not in current_app.view_functions:
        return None
    return url_for("tenders.show", tender_id=tender.id)


@bp.app_template_global()
def bid_status_label(status):
    return services.status_label(status)


def _message(error):
    return " ".join(map(str, error.errors.values()))


def _files_hint(field):
    field.description = _("Up to %(limit)s in all with each submission, at most %(count)d documents; add more by "
                          "replacing the bid. Accepted: %(formats)s. They are encrypted as they arrive.",
                          limit=files.human_size(files.max_upload_bytes()), count=services.FILES_MAX,
                          formats=files.accepted_formats())


def _bid_form_page(form, tender, bid, status):
    _files_hint(form.files)
    page, code = form_page("bids/edit.html", form, tender=tender, bid=bid, now=utcnow(),
                           accepting=services.accepting_bids(tender),
                           title=_("Replace your bid") if bid else _("Submit a bid"))
    return page, status if status != 200 else code


def _uploads():
    return request.files.getlist("files")


def _attempt(form, action):
    """Run the service call `action()`: (its result, 200); or, when it refuses, (None, the status) with the reason
    on the form (a stale page or a passed deadline on top, 409; bad input on its fields)."""
    try:
        return action(), 200
    except services.Stale as error:
        form.form_errors.append(_message(error))
        return None, 409
    except Invalid as error:
        apply_errors(form, {name: message for name, message in error.errors.items()
                            if not getattr(getattr(form, name, None), "errors", None)})
        return None, 200


# ---------------------------------------------------------------- the bidder

@bp.route("/tenders/<int:tender_id>/bids/new", methods=["GET", "POST"])
@login_required
def new(tender_id):
    tender = services.get_tender(current_user, tender_id)
    require(is_verified_company_member(current_user), _("Only members of a verified company can bid."))
    form = bid_form(tender)
    form.lot_id.choices = options((lot.id, f"{lot.number}. {lot.title}") for lot in tender.lots)
    if request.method == "GET":
        lot_id = request.args.get("lot", type=record_id) or (tender.lots[0].id if tender.lots else None)
        own = services.live_bid(current_user.organisation_id, lot_id) if lot_id else None
        if own is not None:
            flash(_("Your company already has a bid for this lot."), "info")
            return redirect(url_for("bids.show", bid_id=own.id))
        form.lot_id.data = lot_id
        form.partners.data = "\n".join(services.consortium_names(current_user, tender))
    status = 200
    if validate_with(form, lambda: services.validate(tender, form.to_data(tender))):
        bid, status = _attempt(form, lambda: services.submit(current_user, tender, form.lot_id.data,
                                                             form.to_data(tender), _uploads()))
        if bid is not None:
            flash(_("Your bid is received and sealed. Keep the receipt: it carries the bid's fingerprint."),
                  "success")
            return redirect(url_for("bids.receipt", bid_id=bid.id))
    return _bid_form_page(form, tender, None, status)


def _show(bid, status=200):
    """The bid page as the viewer meets it: its bidder, or the city once it opened the tender."""
    tender = bid.tender
    role = "bidder" if services.is_bidder(current_user, bid) else "city"
    readable = services.can_read_content(current_user, bid)
    return render_template(
        "bids/show.html", bid=bid, tender=tender, role=role, readable=readable,
        content=services.content(current_user, bid) if readable else None,
        files=services.file_names(current_user, bid) if readable else [],
        evaluator=services.evaluator_of(current_user, tender) if role == "city" else None,
        own_scores=services.scores_for_bidder(bid) if role == "bidder" else None,
        awards=services.awards_of(current_user, tender) if tender.status == Tender.AWARDED else [],
        can_change=role == "bidder" and bid.status == Bid.SUBMITTED and services.accepting_bids(tender),
        now=utcnow(), title=_("Bid for %(tender)s", tender=tender.title)), status


@bp.route("/bids/<int:bid_id>")
@login_required
def show(bid_id):
    return _show(services.get_for_view(current_user, bid_id))


@bp.route("/bids/<int:bid_id>/receipt")
@login_required
def receipt(bid_id):
    bid = services.get_for_view(current_user, bid_id)
    require(services.is_bidder(current_user, bid), _("The receipt is the bidder's."))
    return render_template("bids/receipt.html", bid=bid, tender=bid.tender, receipt=services.receipt(bid),
                           title=_("Receipt for your bid"))


@bp.route("/bids/<int:bid_id>/replace", methods=["GET", "POST"])
@login_required
def replace(bid_id):
    bid = services.get_for_view(current_user, bid_id)
    tender = bid.tender
    require(services.is_bidder(current_user, bid), _("Only the bidding company changes its bid."))
    if bid.status != Bid.SUBMITTED or not services.accepting_bids(tender):
        flash(_("This bid can no longer be replaced."), "warning")
        return redirect(url_for("bids.show", bid_id=bid.id))
    form = bid_form(tender)
    form.lot_id.choices = options([(bid.lot.id, f"{bid.lot.number}. {bid.lot.title}")])
    names = services.file_names(current_user, bid)
    form.keep_files.choices = options((item.id, name) for item, name in names)
    if request.method == "GET":
        content = services.content(current_user, bid)
        form.lot_id.data, form.price.data = bid.lot.id, content["price"]
        form.partners.data = "\n".join(content["partners"])
        for criterion in tender.criteria:
            form[f"response_{criterion.id}"].data = content["responses"].get(str(criterion.id), "")
        form.keep_files.data = [item.id for item, _name in names]
        form.revision.data = str(bid.revision)
    status = 200
    if validate_with(form, lambda: services.validate(tender, form.to_data(tender))):
        revision = int(form.revision.data) if (form.revision.data or "").isdigit() else None
        if revision is None:
            form.form_errors.append(_("The form was damaged; reload the page and try again."))
            return _bid_form_page(form, tender, bid, 400)
        replaced, status = _attempt(form, lambda: services.replace(
            current_user, bid, form.to_data(tender), _uploads(), form.keep_files.data or [], revision))
        if replaced is not None:
            flash(_("Your bid is replaced and sealed again; here is its new receipt."), "success")
            return redirect(url_for("bids.receipt", bid_id=bid.id))
    return _bid_form_page(form, tender, bid, status)


def _after_action(bid, done):
    """Run `done()`; on a stale or refused action show the bid with the reason and change nothing."""
    try:
        message = done()
    except services.Stale as error:
        flash(_message(error), "warning")
        return _show(bid, 409)
    flash(message, "success")
    return redirect(url_for("bids.show", bid_id=bid.id))


@bp.route("/bids/<int:bid_id>/withdraw", methods=["POST"])
@login_required
def withdraw(bid_id):
    bid = services.get_for_view(current_user, bid_id)
    return _after_action(bid, lambda: (services.withdraw(current_user, bid),
                                       _("Your bid is withdrawn. Your company may bid on this lot again until "
                                         "the deadline."))[1])


@bp.route("/bids/<int:bid_id>/reconfirm", methods=["POST"])
@login_required
def reconfirm(bid_id):
    bid = services.get_for_view(current_user, bid_id)
    return _after_action(bid, lambda: (services.reconfirm(current_user, bid),
                                       _("Your bid is reconfirmed: it stands as it is under the amended tender."))[1])


@bp.route("/bids/<int:bid_id>/files/<int:file_id>")
@login_required
def download(bid_id, file_id):
    bid = services.get_for_view(current_user, bid_id)
    return services.download(current_user, bid, file_id)


# ---------------------------------------------------------------- the city

def _tender_for_city(tender_id, reason):
    tender = services.get_tender(current_user, tender_id)
    require(services.is_buyer(current_user, tender), reason)
    return tender


@bp.route("/tenders/<int:tender_id>/bids/open", methods=["POST"])
@login_required
def open_tender(tender_id):
    tender = _tender_for_city(tender_id, _("Only the city that runs the tender opens its bids."))
    try:
        services.open_tender(current_user, tender)
    except services.Stale as error:
        return render_template("bids/refused.html", tender=tender, reason=_message(error),
                               title=_("The bids stay sealed")), 409
    flash(_("The bids are opened, and the opening is logged. Evaluators see them once they declare no conflict "
            "of interest."), "success")
    return redirect(url_for("bids.evaluation", tender_id=tender.id))


@bp.route("/tenders/<int:tender_id>/bids")
@login_required
def evaluation(tender_id):
    tender = _tender_for_city(tender_id, _("Only the city that runs the tender sees its bids, once it opened them."))
    if tender.opened_at is None:
        return render_template("bids/refused.html", tender=tender, title=_("The bids stay sealed"),
                               reason=_("The bids are sealed until the city opens them after the opening time; "
                                        "until then nobody, the city included, learns anything of them.")), 409
    return render_template("bids/evaluation.html", tender=tender, lots=services.evaluation(tender),
                           evaluators=services.evaluators(tender),
                           evaluator=services.evaluator_of(current_user, tender),
                           declared=services.is_declared_evaluator(current_user, tender),
                           spread=services.DISAGREEMENT_SPREAD, title=_("Bids for %(tender)s", tender=tender.title))


@bp.route("/tenders/<int:tender_id>/bids/evaluators", methods=["GET", "POST"])
@login_required
def evaluators(tender_id):
    tender = _tender_for_city(tender_id, _("Only the city that runs the tender names its evaluators."))
    form = EvaluatorForm()
    form.user_id.choices = options((person.id, f"{person.name} · {person.email}")
                                   for person in services.evaluator_candidates(tender))
    status = 200
    if form.validate_on_submit():
        evaluator, status = _attempt(form, lambda: services.name_evaluator(
            current_user, tender, request.form.get("user_id", type=record_id)))
        if evaluator is not None:
            flash(_("%(name)s is an evaluator now and is told so.", name=evaluator.user.name), "success")
            return redirect(url_for("bids.evaluators", tender_id=tender.id))
    page, code = form_page("bids/evaluators.html", form, tender=tender, evaluators=services.evaluators(tender),
                           open_for_naming=tender.status in (Tender.PUBLISHED, Tender.OPENED),
                           title=_("Evaluators of %(tender)s", tender=tender.title))
    return page, status if status != 200 else code


@bp.route("/tenders/<int:tender_id>/bids/declaration", methods=["GET", "POST"])
@login_required
def declaration(tender_id):
    tender = services.get_tender(current_user, tender_id)
    evaluator = services.evaluator_of(current_user, tender)
    require(evaluator is not None and services.is_buyer(current_user, tender),
            _("Only the evaluators the city named declare for this tender."))
    form = DeclarationForm()
    status = 200
    if form.validate_on_submit():
        declared, status = _attempt(form, lambda: services.declare(current_user, tender, bool(form.confirm.data)))
        if declared is not None:
            flash(_("Your declaration is recorded. You see the bids once the city has opened them."), "success")
            return redirect(url_for("bids.evaluation", tender_id=tender.id) if tender.opened_at
                            else url_for("bids.declaration", tender_id=tender.id))
    page, code = form_page("bids/declaration.html", form, tender=tender, evaluator=evaluator,
                           statement=services.DECLARATION, title=_("Declaration of no conflict of interest"))
    return page, status if status != 200 else code


@bp.route("/bids/<int:bid_id>/scores", methods=["GET", "POST"])
@login_required
def score(bid_id):
    bid = services.get_for_view(current_user, bid_id)
    tender = bid.tender
    require(services.is_buyer(current_user, tender), _("Only the city's evaluators score bids."))
    require(services.is_declared_evaluator(current_user, tender),
            _("Declare that you have no conflict of interest before you see or score any bid."))
    form = score_form(tender)
    if request.method == "GET":
        for criterion_id, row in services.scores_by(current_user, bid).items():
            form[f"score_{criterion_id}"].data, form[f"comment_{criterion_id}"].data = row.score, row.comment
    status = 200
    if form.is_submitted():
        form.validate()
        saved, status = _attempt(form, lambda: services.score(current_user, bid, form.to_entries(tender)))
        if saved is not None and not form.errors:
            flash(_("Your scores are saved."), "success")
            return redirect(url_for("bids.evaluation", tender_id=tender.id))
    page, code = form_page("bids/score.html", form, tender=tender, bid=bid,
                           content=services.content(current_user, bid), files=services.file_names(current_user, bid),
                           title=_("Score a bid"))
    return page, status if status != 200 else code


@bp.route("/tenders/<int:tender_id>/bids/award", methods=["GET", "POST"])
@login_required
def award(tender_id):
    tender = _tender_for_city(tender_id, _("Only the city that runs the tender awards it."))
    require(services.is_declared_evaluator(current_user, tender),
            _("Only an evaluator who declared no conflict of interest records the award."))
    if tender.opened_at is None:
        return render_template("bids/refused.html", tender=tender, title=_("The bids stay sealed"),
                               reason=_("A tender is awarded after its bids are opened.")), 409
    lots = services.evaluation(tender)
    forms = {}
    status = 200
    posted = request.form.get("lot_id", type=record_id) if request.method == "POST" else None
    for lot in lots:
        form = AwardForm(formdata=None) if lot.lot.id != posted else AwardForm()
        form.bid_id.choices = options((row.bid.id, _("%(bidder)s (rank %(rank)s)", bidder=row.bid.organisation.name,
                                                     rank=row.rank or "–")) for row in lot.ranked)
        if lot.lot.id != posted and lot.ranked:
            best = lot.ranked[0].bid
            form.bid_id.data = best.id
            form.value.data = services.content(current_user, best)["price"]
        form.lot_id.data = str(lot.lot.id)
        forms[lot.lot.id] = form
    if request.method == "POST":
        form = forms.get(posted)
        if form is None:
            return render_template("bids/refused.html", tender=tender, title=_("Award"),
                                   reason=_("Choose one of the tender's lots.")), 422
        form.validate()
        awarded, status = _attempt(form, lambda: services.award(
            current_user, tender, posted, form.bid_id.data, form.value.data, form.justification.data))
        if awarded is not None and not form.errors:
            if tender.status == Tender.AWARDED:
                flash(_("Every lot is awarded: the award is published and the bidders are told."), "success")
            else:
                flash(_("The lot is awarded. The award is published once every lot is."), "success")
            return redirect(url_for("bids.award", tender_id=tender.id))
        if form.errors and status == 200:
            status = 422
    prices = {row.bid.id: services.content(current_user, row.bid)["price"] for lot in lots for row in lot.ranked}
    return render_template("bids/award.html", tender=tender, lots=lots, forms=forms, prices=prices,
                           standstill_days=services.standstill_days(),
                           title=_("Award %(tender)s", tender=tender.title)), status

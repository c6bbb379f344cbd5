"""The rules of sealed bids: who bids and until when, who opens, who evaluates, and how a lot is awarded.

A verified company's member bids on a published tender's lot before the submission deadline (the server's
clock decides; `now=` is for tests and the demo), once per lot, and may replace or withdraw the bid until the
deadline. An amendment of the tender asks every live bid's bidder to reconfirm. Bid.visible_to is the one
rule for who sees a bid: its bidder always, the buying city once it opened the tender after the opening
instant. Content is opened (decrypted) only for a viewer who passes that rule and is the bidder or an
evaluator of the city who declared no conflict of interest. Evaluators score every criterion of every bid;
the portal ranks the bids of each lot by their weighted totals, averaged over the evaluators; the city
awards each lot, and once every lot is awarded the tender is. Every status move is one conditional UPDATE,
so a second click, a stale page or a racing request changes nothing and gets a reason.
"""
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy import update as sql_update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..access import is_authenticated, is_member, require
from ..audit.services import record
from ..errors import Invalid, NotFound
from ..extensions import db
from ..files import services as files
from ..i18n import format_instant
from ..keys import get_visible_by_id
from ..model_types import utcnow
from ..organisations.models import Organisation
from ..proposals.models import ConsortiumPartner, Proposal
from ..proposals.services import is_verified_company_member
from ..signals import (
    announce,
    bid_received,
    bid_withdrawn,
    evaluator_named,
    tender_amended,
    tender_awarded,
    tender_opened,
)
from ..tenders.models import TEXT_MAX, TITLE_MAX, Lot, Tender
from ..tenders.services import is_city_member as is_buyer  # the city that runs a tender buys
from ..validation import check_amount, check_text
from . import sealing
from .models import NOTE_MAX, Award, Bid, BidFile, Evaluator, Score

RESPONSE_MAX = 20000
PARTNERS_MAX = 20
FILES_MAX = 20  # a bid's documents in all; more belongs in fewer, larger documents
PRICE_MAX = 10**15  # beyond any city's budget, inside 64 bits
# Two evaluators whose scores of one bid on one criterion lie further apart than this disagree.
DISAGREEMENT_SPREAD = 20


class Stale(Invalid):
    """The record or the clock moved on since the page was shown (a deadline, another click, another person)."""


# ---------------------------------------------------------------- who is who, and when

def is_bidder(user, bid):
    return is_member(user, bid.organisation)


def evaluator_of(user, tender):
    """The user's Evaluator row on the tender, or None."""
    if not is_authenticated(user):
        return None
    return db.session.get(Evaluator, (tender.id, user.id))


def is_declared_evaluator(user, tender):
    evaluator = evaluator_of(user, tender)
    return evaluator is not None and evaluator.declared_at is not None and is_buyer(user, tender)


def accepting_bids(tender, now=None):
    """Whether bids are taken: published, and the server's clock before the submission deadline."""
    now = now or utcnow()
    return (tender.status == Tender.PUBLISHED and tender.submission_deadline is not None
            and now < tender.submission_deadline)


def may_be_opened(tender, now=None):
    """Whether the city may open the bids now: published (not yet opened) and the opening instant passed."""
    now = now or utcnow()
    return tender.status == Tender.PUBLISHED and tender.opening_at is not None and now >= tender.opening_at


def can_read_content(user, bid):
    """Whether `user` may read what the bid says: the bid passes Bid.visible_to for them, and they are its
    bidder or an evaluator of the buying city who declared no conflict of interest."""
    if not bid.is_visible_to(user):
        return False
    return is_bidder(user, bid) or is_declared_evaluator(user, bid.tender)


# ---------------------------------------------------------------- reading

def disclosed_bidders(tender):
    """Who bid, as anyone may know it: the organisations with a submitted bid once the city opened the bids
    (the tender's open data names them from then on); None while the bids are sealed."""
    if tender.opened_at is None:
        return None
    bidders = select(Bid.organisation_id).where(Bid.tender_id == tender.id, Bid.status == Bid.SUBMITTED)
    return db.session.scalars(select(Organisation).where(Organisation.id.in_(bidders))
                              .order_by(Organisation.key)).all()


def get_tender(user, tender_id):
    """The tender if `user` may see it; NotFound otherwise (a draft of another city)."""
    return get_visible_by_id(Tender, user, tender_id)


def get_for_view(user, bid_id):
    """The bid if Bid.visible_to lets `user` see it; NotFound otherwise, as if it did not exist."""
    return get_visible_by_id(Bid, user, bid_id)


def live_bid(organisation_id, lot_id):
    """The organisation's bid on the lot that is not withdrawn, or None."""
    return db.session.scalar(select(Bid).where(Bid.lot_id == lot_id, Bid.organisation_id == organisation_id,
                                               Bid.status != Bid.WITHDRAWN))


def own_bids(user, tender):
    """The bids of the user's organisation on the tender (withdrawn ones too), by lot, newest first."""
    return _of_own_organisation(user, Bid.tender_id == tender.id, order=(Bid.lot_id, Bid.created_at.desc()))


def of_organisation(user):
    """Every bid of the user's organisation (withdrawn ones too), the latest received first: its dashboard."""
    return _of_own_organisation(user, order=(Bid.received_at.desc(),))


def _of_own_organisation(user, *conditions, order):
    if not is_authenticated(user) or user.organisation_id is None:
        return []
    return db.session.scalars(select(Bid).where(
        Bid.organisation_id == user.organisation_id, Bid.visible_to(user), *conditions)
        .options(selectinload(Bid.tender), selectinload(Bid.lot)).order_by(*order, Bid.id.desc())).all()


def content(user, bid):
    """What the bid says, opened: {price, currency, responses, partners, files}; NotAllowed unless
    `can_read_content`. Nothing is decrypted for anyone else."""
    require(can_read_content(user, bid), _l("Bids are read by their bidder and, once the city opened them, by "
                                             "its evaluators who declared no conflict of interest."))
    return sealing.open_content(bid)


def file_names(user, bid):
    """[(BidFile, name)] for a viewer who may read the bid's content."""
    require(can_read_content(user, bid))
    order = [entry["storage"] for entry in sealing.open_content(bid)["files"]]  # as the bidder added them
    ordered = sorted(bid.files, key=lambda row: order.index(row.storage_name))
    return [(item, sealing.open_name(item)) for item in ordered]


def download(user, bid, file_id):
    """The response that sends one of the bid's files, opened; NotFound for a file of another bid."""
    item = next((row for row in bid.files if row.id == file_id), None)
    if item is None:
        raise NotFound()
    described = {entry["storage"]: entry for entry in content(user, bid)["files"]}
    entry = described.get(item.storage_name)
    if entry is None:
        raise NotFound()  # a file the current revision no longer lists
    data = sealing.read_file(item)
    return files.send_data(data, sealing.open_name(item), entry["type"], entry["sha256"])


def consortium_names(user, tender):
    """The confirmed consortium of the user's company on the tender's challenge (from its proposal there), to
    fill in the bid's partners; [] without one."""
    if tender.challenge_id is None or not is_authenticated(user) or user.organisation_id is None:
        return []
    proposal = db.session.scalar(select(Proposal).where(
        Proposal.challenge_id == tender.challenge_id, Proposal.organisation_id == user.organisation_id,
        Proposal.status != Proposal.WITHDRAWN))
    if proposal is None:
        return []
    return [partner.organisation.name for partner in proposal.partners
            if partner.status == ConsortiumPartner.CONFIRMED]


def receipt(bid):
    """What the bidder's receipt says: which bid, which tender and lot, when the server received it, and the
    SHA-256 of what it sealed."""
    return {"bid_id": bid.id, "ocid": bid.tender.ocid or "", "tender": bid.tender.title, "lot": bid.lot,
            "received_at": bid.received_at, "digest": bid.digest, "revision": bid.revision}


# ---------------------------------------------------------------- writing: the bidder

def lot_of(tender, lot_id):
    return next((lot for lot in tender.lots if lot.id == lot_id), None)


def validate(tender, data):
    """Errors by field for bid data: {"price", "responses": {criterion id: text}, "partners": [names]}."""
    errors = {}
    price = data.get("price")
    if price is None:
        errors["price"] = _l("Give the price of your bid.")
    elif isinstance(price, bool) or not isinstance(price, int) or not 0 <= price <= PRICE_MAX:
        errors["price"] = _l("Must be a whole, non-negative amount.")
    responses = data.get("responses") or {}
    for criterion in tender.criteria:
        text = responses.get(criterion.id)
        if not (text or "").strip():
            errors[f"response_{criterion.id}"] = _l("Answer every award criterion: the evaluators score each.")
        elif message := check_text(text, RESPONSE_MAX, multiline=True):
            errors[f"response_{criterion.id}"] = message
    partners = data.get("partners") or []
    if len(partners) > PARTNERS_MAX:
        errors["partners"] = _l("At most %(count)d partners.", count=PARTNERS_MAX)
    elif any(check_text(name, TITLE_MAX) for name in partners):
        errors["partners"] = _l("One partner a line, each at most %(count)d characters.", count=TITLE_MAX)
    return errors


def _checked_uploads(uploads, kept=0):
    """Each upload checked as every file the portal keeps is (size cap, content type); Invalid on "files"."""
    uploads = [upload for upload in uploads or () if upload is not None and getattr(upload, "filename", "")]
    if kept + len(uploads) > FILES_MAX:
        raise Invalid({"files": _l("A bid holds at most %(count)d documents.", count=FILES_MAX)})
    checked = []
    for upload in uploads:
        try:
            checked.append(files.check(upload))
        except Invalid as error:
            raise Invalid({"files": f"{files.clean_name(upload.filename)}: {error.errors['file']}"}) from error
    return checked


def _seal(bid, tender, data, kept_entries, uploads):
    """Write the new files and seal the whole content for the bid's current revision."""
    entries = list(kept_entries)
    for upload in uploads:
        storage_name = sealing.write_file(bid.id, upload.data)
        bid.files.append(BidFile(storage_name=storage_name, size=len(upload.data),
                                 sealed_name=sealing.seal_name(bid.id, storage_name, upload.name)))
        entries.append({"storage": storage_name, "name": upload.name, "type": upload.content_type,
                        "size": len(upload.data), "sha256": upload.sha256})
    document = {"price": data["price"], "currency": tender.currency,
                "responses": {str(criterion.id): data["responses"][criterion.id].strip()
                              for criterion in tender.criteria},
                "partners": [name.strip() for name in data.get("partners") or []], "files": entries}
    bid.sealed = sealing.seal_content(bid, document)
    bid.digest = sealing.digest(bid.sealed)
    db.session.flush()


def _require_open_for_bids(tender, now):
    if tender.status != Tender.PUBLISHED:
        raise Stale({"tender": _l("This tender does not take bids.")})
    if not accepting_bids(tender, now):
        raise Stale({"tender": _l("The submission deadline has passed; the server's clock decides, and bids "
                                  "are no longer taken, replaced or withdrawn.")})


ALREADY_BID = _l("Your company already has a bid for this lot. Open it from the tender page to replace or "
                 "withdraw it.")


def submit(actor, tender, lot_id, data, uploads=(), now=None):
    """A member of a verified company bids on a lot before the deadline; the new Bid, sealed and flushed."""
    require(is_verified_company_member(actor), _l("Only members of a verified company can bid."))
    now = now or utcnow()
    _require_open_for_bids(tender, now)
    lot = lot_of(tender, lot_id)
    if lot is None:
        raise Invalid({"lot_id": _l("Choose one of the tender's lots.")})
    if live_bid(actor.organisation_id, lot.id) is not None:
        raise Stale({"lot_id": ALREADY_BID})
    if errors := validate(tender, data):
        raise Invalid(errors)
    checked = _checked_uploads(uploads)
    bid = Bid(tender=tender, lot=lot, organisation=actor.organisation, submitted_by=actor, status=Bid.SUBMITTED,
              sealed=b"", digest="", revision=1, received_at=now, created_at=now)
    try:
        with db.session.begin_nested():  # a savepoint first: begin_nested flushes what is pending before it
            db.session.add(bid)
            db.session.flush()
    except IntegrityError as error:  # the unique index: a racing request of the same company won
        if live_bid(actor.organisation_id, lot.id) is None:
            raise
        raise Stale({"lot_id": ALREADY_BID}) from error
    _seal(bid, tender, data, (), checked)
    record(actor, "bid.submitted", bid, tender=tender.id, lot=lot.number, digest=bid.digest,
           received_at=now.isoformat())
    announce(bid_received, bid=bid, actor=actor)
    return bid


def _require_bidder_before_deadline(actor, bid, now):
    require(is_bidder(actor, bid), _l("Only the bidding company changes its bid."))
    if bid.status != Bid.SUBMITTED:
        raise Stale({"status": _l("This bid was withdrawn; nothing changed.")})
    _require_open_for_bids(bid.tender, now)


STALE_REVISION = _l("Your company changed this bid after you opened the page. Nothing was replaced: reload it "
                    "and make your changes on the newest version.")


def replace(actor, bid, data, uploads=(), keep_file_ids=(), revision=None, now=None):
    """The bidder replaces its bid before the deadline: new content, the files it keeps and new ones, a new
    receipt. `revision` is the one its form showed; a newer one wins."""
    now = now or utcnow()
    _require_bidder_before_deadline(actor, bid, now)
    if revision != bid.revision:
        raise Stale({"revision": STALE_REVISION})
    if errors := validate(bid.tender, data):
        raise Invalid(errors)
    keep = {item.id for item in bid.files} & set(keep_file_ids or ())
    checked = _checked_uploads(uploads, kept=len(keep))
    old_entries = {entry["storage"]: entry for entry in sealing.open_content(bid)["files"]}
    db.session.flush()
    moved = db.session.execute(
        sql_update(Bid).where(Bid.id == bid.id, Bid.revision == revision, Bid.status == Bid.SUBMITTED)
        .values(revision=revision + 1).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise Stale({"revision": STALE_REVISION})
    bid.revision = revision + 1
    kept_entries = []
    for item in list(bid.files):
        if item.id in keep and item.storage_name in old_entries:
            kept_entries.append(old_entries[item.storage_name])
        else:
            sealing.forget_file(item)
            bid.files.remove(item)
    bid.received_at, bid.submitted_by = now, actor
    bid.needs_reconfirmation, bid.reconfirmed_at = False, (now if bid.needs_reconfirmation else bid.reconfirmed_at)
    _seal(bid, bid.tender, data, kept_entries, checked)
    record(actor, "bid.replaced", bid, revision=bid.revision, digest=bid.digest, received_at=now.isoformat())
    announce(bid_received, bid=bid, actor=actor)
    return bid


def _move(bid, conditions, message, **values):
    """Change the bid in one conditional UPDATE where `conditions` still hold; Stale with `message` when they no
    longer do (a double click, another member, a stale page)."""
    db.session.flush()
    moved = db.session.execute(sql_update(Bid).where(Bid.id == bid.id, *conditions).values(**values)
                               .execution_options(synchronize_session=False))
    db.session.refresh(bid)
    if moved.rowcount != 1:
        raise Stale({"status": message})


def withdraw(actor, bid, now=None):
    """The bidder withdraws its bid before the deadline; the lot is free for a new bid of the company."""
    now = now or utcnow()
    _require_bidder_before_deadline(actor, bid, now)
    _move(bid, (Bid.status == Bid.SUBMITTED,), _l("This bid was withdrawn already; nothing changed."),
          status=Bid.WITHDRAWN, withdrawn_at=now)
    record(actor, "bid.withdrawn", bid)
    announce(bid_withdrawn, bid=bid, actor=actor)
    return bid


def reconfirm(actor, bid, now=None):
    """After an amendment the bidder confirms that its bid stands as it is."""
    now = now or utcnow()
    _require_bidder_before_deadline(actor, bid, now)
    _move(bid, (Bid.status == Bid.SUBMITTED, Bid.needs_reconfirmation.is_(True)),
          _l("This bid needs no reconfirmation; nothing changed."), needs_reconfirmation=False, reconfirmed_at=now)
    record(actor, "bid.reconfirmed", bid)
    return bid


def ask_reconfirmation(tender):
    """An amendment was published: every live bid on the tender needs its bidder's reconfirmation. The bids."""
    bids = db.session.scalars(select(Bid).where(Bid.tender_id == tender.id, Bid.status == Bid.SUBMITTED)).all()
    for bid in bids:
        bid.needs_reconfirmation, bid.reconfirmed_at = True, None
    db.session.flush()
    return bids


# ---------------------------------------------------------------- the city: opening

def _require_buyer(actor, tender, reason=None):
    require(is_buyer(actor, tender), reason or _l("Only the city that runs the tender does this."))


def open_tender(actor, tender, now=None):
    """A member of the buying city opens the bids, once the opening instant has passed; logged."""
    _require_buyer(actor, tender, _l("Only the city that runs the tender opens its bids."))
    now = now or utcnow()
    if tender.status != Tender.PUBLISHED:
        raise Stale({"status": _l("The bids of this tender were opened already; nothing changed.")
                     if tender.opened_at else _l("Only a published tender's bids are opened.")})
    if tender.opening_at is None or now < tender.opening_at:
        raise Stale({"status": _l("The bids stay sealed until the opening time, %(when)s; they cannot be opened "
                                  "before it.", when=_when(tender, tender.opening_at))})
    db.session.flush()
    moved = db.session.execute(
        sql_update(Tender).where(Tender.id == tender.id, Tender.status == Tender.PUBLISHED,
                                 Tender.opening_at <= now)
        .values(status=Tender.OPENED, opened_at=now, opened_by_id=actor.id, updated_at=utcnow())
        .execution_options(synchronize_session=False))
    db.session.refresh(tender)
    if moved.rowcount != 1:
        raise Stale({"status": _l("The bids of this tender were opened already; nothing changed.")})
    count = db.session.scalar(select(func.count(Bid.id)).where(Bid.tender_id == tender.id,
                                                                 Bid.status == Bid.SUBMITTED))
    record(actor, "tender.opened", tender, opened_at=now.isoformat(), bids=count)
    announce(tender_opened, tender=tender, actor=actor)
    return tender


def _when(tender, moment):
    return f"{format_instant(moment, tender.organisation.timezone, 'medium')} ({tender.organisation.timezone})"


def bids_of(user, tender):
    """The tender's bids `user` may see (for the city: every bid once opened), by lot and time received."""
    return db.session.scalars(select(Bid).where(Bid.tender_id == tender.id, Bid.visible_to(user))
                              .order_by(Bid.lot_id, Bid.received_at, Bid.id)).all()


# ---------------------------------------------------------------- the city: evaluators

def evaluators(tender):
    """The tender's evaluators, in the order they were named."""
    return db.session.scalars(select(Evaluator).where(Evaluator.tender_id == tender.id)
                              .order_by(Evaluator.appointed_at, Evaluator.user_id)).all()


def evaluator_candidates(tender):
    """Active members of the buying city who are not evaluators yet."""
    named = {row.user_id for row in evaluators(tender)}
    return [member for member in tender.organisation.members if member.active and member.id not in named]


def name_evaluator(actor, tender, user_id):
    """The city names one of its members to evaluate the tender's bids, any time before the award."""
    _require_buyer(actor, tender, _l("Only the city that runs the tender names its evaluators."))
    if tender.status not in (Tender.PUBLISHED, Tender.OPENED):
        raise Stale({"user_id": _l("Evaluators are named before the award; this tender is past it.")})
    person = next((member for member in evaluator_candidates(tender) if member.id == user_id), None)
    if person is None:
        raise Invalid({"user_id": _l("Choose a person of your city who is not an evaluator yet.")})
    evaluator = Evaluator(tender_id=tender.id, user_id=person.id, appointed_by_id=actor.id, appointed_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(evaluator)
            db.session.flush()
    except IntegrityError as error:
        raise Stale({"user_id": _l("%(name)s is an evaluator already.", name=person.name)}) from error
    record(actor, "tender.evaluator_named", tender, user=person.id)
    announce(evaluator_named, tender=tender, evaluator=evaluator, actor=actor)
    return evaluator


DECLARATION = _l("I declare that I have no conflict of interest with any bidder on this tender: no financial, "
                 "family or other personal interest in a bidder or its partners, and no part in preparing any "
                 "bid. Should one arise, I will say so and stop evaluating.")


def declare(actor, tender, confirmed, now=None):
    """An evaluator declares no conflict of interest; only then is bid content shown to them."""
    evaluator = evaluator_of(actor, tender)
    require(evaluator is not None and is_buyer(actor, tender),
            _l("Only the evaluators the city named declare for this tender."))
    if not confirmed:
        raise Invalid({"confirm": _l("Tick the declaration to confirm it. If you have a conflict of interest, "
                                     "do not evaluate: tell the city so it names someone else.")})
    now = now or utcnow()
    db.session.flush()
    moved = db.session.execute(
        sql_update(Evaluator).where(Evaluator.tender_id == tender.id, Evaluator.user_id == actor.id,
                                    Evaluator.declared_at.is_(None))
        .values(declared_at=now, declaration=str(DECLARATION)).execution_options(synchronize_session=False))
    db.session.refresh(evaluator)
    if moved.rowcount != 1:
        raise Stale({"confirm": _l("You declared already; nothing changed.")})
    record(actor, "tender.evaluator_declared", tender, declared_at=now.isoformat())
    return evaluator


# ---------------------------------------------------------------- the city: scores

def _require_scoring(actor, bid):
    tender = bid.tender
    require(is_declared_evaluator(actor, tender),
            _l("Only an evaluator who declared no conflict of interest sees and scores the bids."))
    if tender.status != Tender.OPENED:
        raise Stale({"scores": _l("Scores are given between the opening and the award.")})
    if bid.status != Bid.SUBMITTED:
        raise Stale({"scores": _l("This bid was withdrawn before the deadline; it is not scored.")})


def scores_by(user, bid):
    """{criterion id: Score} that `user` gave the bid."""
    if not is_authenticated(user):
        return {}
    return {row.criterion_id: row for row in db.session.scalars(select(Score).where(
        Score.bid_id == bid.id, Score.evaluator_id == user.id))}


def score(actor, bid, entries, now=None):
    """A declared evaluator scores the bid on every criterion: `entries` maps criterion ids to (score 0–100,
    comment). Saving again changes the evaluator's scores until the award."""
    _require_scoring(actor, bid)
    errors = {}
    for criterion in bid.tender.criteria:
        value, comment = entries.get(criterion.id, (None, ""))
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            errors[f"score_{criterion.id}"] = _l("A whole number from 0 to 100.")
        if message := check_text(comment, NOTE_MAX, multiline=True):
            errors[f"comment_{criterion.id}"] = (_l("Say why: the bidder reads it after the award.")
                                                 if not (comment or "").strip() else message)
    if errors:
        raise Invalid(errors)
    now = now or utcnow()
    given = scores_by(actor, bid)
    try:
        with db.session.begin_nested():
            for criterion in bid.tender.criteria:
                value, comment = entries[criterion.id]
                row = given.get(criterion.id)
                if row is None:
                    db.session.add(Score(bid_id=bid.id, criterion_id=criterion.id, evaluator_id=actor.id,
                                         score=value, comment=comment.strip(), scored_at=now))
                else:
                    row.score, row.comment, row.scored_at = value, comment.strip(), now
            db.session.flush()
    except IntegrityError as error:  # the same evaluator's other request saved first
        raise Stale({"scores": _l("Your scores of this bid were saved meanwhile from another page; reload it.")}) \
            from error
    record(actor, "bid.scored", bid)
    return scores_by(actor, bid)


@dataclass
class Ranked:
    """One bid in its lot's ranking."""

    bid: Bid
    # {evaluator user id: {criterion id: score}} for evaluators who scored every criterion
    scores: dict
    total: float | None  # the weighted total (0–100), averaged over those evaluators
    averages: dict  # {criterion id: average score}
    disagreements: list  # the criteria on which evaluators' scores lie more than DISAGREEMENT_SPREAD apart
    missing: list  # declared evaluators who have not scored every criterion of it
    rank: int | None = None


@dataclass
class LotEvaluation:
    lot: Lot
    ranked: list = field(default_factory=list)
    award: Award | None = None

    @property
    def complete(self):
        """Every declared evaluator scored every live bid, and there is at least one such evaluator."""
        return bool(self.ranked) and all(not row.missing and row.scores for row in self.ranked)


def weighted_total(tender, scores):
    """One evaluator's weighted total of a bid: {criterion id: score} weighted by the published weights."""
    weights = {criterion.id: criterion.weight for criterion in tender.criteria}
    return sum(scores[criterion_id] * weight for criterion_id, weight in weights.items()) / sum(weights.values())


def evaluation(tender):
    """Per lot, the live bids ranked by weighted total (averaged over the evaluators who scored all criteria),
    with each criterion's average and the disagreements between evaluators."""
    criteria = [criterion.id for criterion in tender.criteria]
    declared = [row.user_id for row in evaluators(tender) if row.declared_at is not None]
    bids = db.session.scalars(select(Bid).where(Bid.tender_id == tender.id, Bid.status == Bid.SUBMITTED)
                              .order_by(Bid.received_at, Bid.id)).all()
    given = {}
    for row in db.session.scalars(select(Score).join(Bid).where(Bid.tender_id == tender.id)):
        given.setdefault(row.bid_id, {}).setdefault(row.evaluator_id, {})[row.criterion_id] = row.score
    awards = {award.lot_id: award for award in db.session.scalars(select(Award).where(Award.tender_id == tender.id))}
    lots = {lot.id: LotEvaluation(lot, award=awards.get(lot.id)) for lot in tender.lots}
    for bid in bids:
        complete = {evaluator: scores for evaluator, scores in given.get(bid.id, {}).items()
                    if all(criterion in scores for criterion in criteria)}
        totals = [weighted_total(tender, scores) for scores in complete.values()]
        averages = {criterion: sum(scores[criterion] for scores in complete.values()) / len(complete)
                    for criterion in criteria} if complete else {}
        disagreements = [criterion for criterion in tender.criteria if len(complete) > 1 and (
            max(scores[criterion.id] for scores in complete.values())
            - min(scores[criterion.id] for scores in complete.values())) > DISAGREEMENT_SPREAD]
        lots[bid.lot_id].ranked.append(Ranked(
            bid=bid, scores=complete, total=sum(totals) / len(totals) if totals else None, averages=averages,
            disagreements=disagreements, missing=[user_id for user_id in declared if user_id not in complete]))
    for lot in lots.values():
        lot.ranked.sort(key=lambda row: (row.total is None, -(row.total or 0), row.bid.received_at, row.bid.id))
        for position, row in enumerate(lot.ranked):
            if row.total is None:
                break
            before = lot.ranked[position - 1] if position else None
            row.rank = before.rank if before is not None and before.total == row.total else position + 1
    return list(lots.values())


def scores_for_bidder(bid):
    """After the award, the bid's own scores for its bidder: per criterion the average and each evaluator's
    score and comment (evaluators numbered, not named), and the weighted total. None before the award."""
    tender = bid.tender
    if tender.status != Tender.AWARDED or bid.status != Bid.SUBMITTED:
        return None
    rows = db.session.scalars(select(Score).where(Score.bid_id == bid.id)
                              .order_by(Score.evaluator_id, Score.criterion_id)).all()
    numbers = {evaluator: number for number, evaluator in enumerate(dict.fromkeys(row.evaluator_id for row in rows), 1)}
    per_evaluator = {}
    for row in rows:
        per_evaluator.setdefault(row.evaluator_id, {})[row.criterion_id] = row.score
    complete = [scores for scores in per_evaluator.values() if len(scores) == len(tender.criteria)]
    criteria = []
    for criterion in tender.criteria:
        given = [row for row in rows if row.criterion_id == criterion.id]
        criteria.append({"criterion": criterion,
                         "average": sum(row.score for row in given) / len(given) if given else None,
                         "scores": [(numbers[row.evaluator_id], row.score, row.comment) for row in given]})
    totals = [weighted_total(tender, scores) for scores in complete]
    return {"criteria": criteria, "total": sum(totals) / len(totals) if totals else None}


# ---------------------------------------------------------------- the city: award

def award(actor, tender, lot_id, bid_id, value, justification, now=None):
    """A declared evaluator of the city awards a lot to one of its live bids, with the value and why, once
    every declared evaluator scored every bid of the lot. When every lot is awarded, so is the tender."""
    _require_buyer(actor, tender, _l("Only the city that runs the tender awards it."))
    require(is_declared_evaluator(actor, tender),
            _l("Only an evaluator who declared no conflict of interest records the award."))
    if tender.status != Tender.OPENED:
        raise Stale({"lot_id": _l("Lots are awarded after the opening and before the tender is awarded.")})
    lot = lot_of(tender, lot_id)
    if lot is None:
        raise Invalid({"lot_id": _l("Choose one of the tender's lots.")})
    lot_evaluation = next(row for row in evaluation(tender) if row.lot.id == lot.id)
    if lot_evaluation.award is not None:
        raise Stale({"lot_id": _l("This lot is awarded already; nothing changed.")})
    errors = {}
    bid = next((row.bid for row in lot_evaluation.ranked if row.bid.id == bid_id), None)
    if bid is None:
        errors["bid_id"] = _l("Choose one of the lot's bids.")
    if message := check_amount(value):
        errors["value"] = message
    if message := check_text(justification, TEXT_MAX, multiline=True):
        errors["justification"] = (_l("Say why this bid wins: the justification is published with the award.")
                                   if not (justification or "").strip() else message)
    if errors:
        raise Invalid(errors)
    if not lot_evaluation.complete:
        raise Stale({"lot_id": _l("Every evaluator who declared must score every bid of this lot before it is "
                                  "awarded.")})
    now = now or utcnow()
    days = standstill_days()
    row = Award(tender_id=tender.id, lot_id=lot.id, bid_id=bid.id, organisation_id=bid.organisation_id, value=value,
                currency=tender.currency, justification=justification.strip(), decided_by_id=actor.id,
                decided_at=now, standstill_ends_at=now + timedelta(days=days))
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError as error:  # another evaluator awarded the lot a moment ago
        raise Stale({"lot_id": _l("This lot is awarded already; nothing changed.")}) from error
    record(actor, "tender.lot_awarded", tender, lot=lot.number, bid=bid.id, value=value,
           standstill_ends_at=row.standstill_ends_at.isoformat())
    awards = db.session.scalars(select(Award).where(Award.tender_id == tender.id).order_by(Award.lot_id)).all()
    if len(awards) == len(tender.lots):
        moved = db.session.execute(
            sql_update(Tender).where(Tender.id == tender.id, Tender.status == Tender.OPENED)
            .values(status=Tender.AWARDED, updated_at=utcnow()).execution_options(synchronize_session=False))
        db.session.refresh(tender)
        if moved.rowcount != 1:
            raise Stale({"lot_id": _l("This tender is awarded already; nothing changed.")})
        record(actor, "tender.awarded", tender)
        announce(tender_awarded, tender=tender, awards=awards, actor=actor)
    return row


def standstill_days():
    """Days from an award to the end of its standstill period (PORTAL_STANDSTILL_DAYS)."""
    return current_app.config["STANDSTILL_DAYS"]


def awards_of(user, tender):
    """The awards of the tender that `user` may see (everyone once the tender is awarded), by lot."""
    return db.session.scalars(select(Award).join(Lot, Lot.id == Award.lot_id).where(
        Award.tender_id == tender.id, Award.visible_to(user)).order_by(Lot.number)).all()


# ---------------------------------------------------------------- the tender page's panel

def panel(user, tender, now=None):
    """What the tender page shows about bids to `user`, never a count or a bidder's name before the opening; None
    for a draft:

    {"opening_at", "sealed" (bids not opened yet), "awards" (public once awarded),
     "lots": [(lot, own live bid or None)] and "can_bid" for a verified company's member,
     "city": {"can_open", "opened", "evaluator"} for the buying city's members}.
    """
    if tender.status not in Tender.PUBLIC:
        return None  # a draft takes no bids; its page is the city's alone
    now = now or utcnow()
    result = {"opening_at": tender.opening_at, "sealed": tender.opened_at is None,
              "awards": awards_of(user, tender) if tender.status == Tender.AWARDED else [],
              "lots": None, "can_bid": False, "city": None, "deadline": tender.submission_deadline}
    if is_buyer(user, tender):
        result["city"] = {"can_open": may_be_opened(tender, now), "opened": tender.opened_at is not None,
                          "evaluator": evaluator_of(user, tender), "status": tender.status}
    elif is_verified_company_member(user):
        own = {bid.lot_id: bid for bid in own_bids(user, tender) if bid.status == Bid.SUBMITTED}
        result["lots"] = [(lot, own.get(lot.id)) for lot in tender.lots]
        result["can_bid"] = accepting_bids(tender, now)
    return result


# ---------------------------------------------------------------- labels

STATUS_LABELS = {Bid.SUBMITTED: _l("submitted"), Bid.WITHDRAWN: _l("withdrawn")}


def status_label(status):
    return STATUS_LABELS[status]


# ---------------------------------------------------------------- what other domains announce

def _tender_amended(_app, tender, **_data):
    ask_reconfirmation(tender)


def subscribe(app):
    """Listen, for `app`, to the tender amendments that ask bidders to reconfirm (and to the bids' notices)."""
    from . import notices

    tender_amended.connect(_tender_amended, sender=app)
    notices.subscribe(app)

"""Who hears of what happens to bids: listeners that turn their signals into notifications.

Before the opening only the bidder's own members hear of a bid; nothing here tells the city, another
company or an administrator that one exists, and no notice carries a bid's content.
"""
from sqlalchemy import select

from .. import signals
from ..extensions import db
from ..links import app_path
from ..notifications.services import notify
from .models import Bid


def _params(bid):
    return {"tender": bid.tender.title, "ocid": bid.tender.ocid or "", "lot": bid.lot.number,
            "lot_title": bid.lot.title}


def _tell_bidder(bid, kind, link, **params):
    for member in bid.organisation.members:
        notify(member, kind, bid, link, **_params(bid), **params)


def _bid_received(_app, bid, **_data):
    """The receipt, to every member of the bidding company."""
    _tell_bidder(bid, "bid_received", app_path("bids.receipt", bid_id=bid.id), bid_id=bid.id, digest=bid.digest,
                 received_at=bid.received_at.isoformat(), revision=bid.revision,
                 zone=bid.tender.organisation.timezone)


def _bid_withdrawn(_app, bid, actor, **_data):
    _tell_bidder(bid, "bid_withdrawn", app_path("bids.show", bid_id=bid.id), actor=actor.name)


def _tender_amended(_app, tender, version=None, **_data):
    """Every bidder with a live bid confirms it still stands (the services marked the bids)."""
    for bid in _live_bids(tender):
        _tell_bidder(bid, "bid_reconfirmation_needed", app_path("bids.show", bid_id=bid.id),
                     version=getattr(version, "number", None) or 0)


def _evaluator_named(_app, tender, evaluator, **_data):
    notify(evaluator.user, "evaluator_named", tender, app_path("bids.declaration", tender_id=tender.id),
           tender=tender.title, ocid=tender.ocid or "")


def _tender_awarded(_app, tender, awards, **_data):
    """Each live bid's bidder hears whether it won its lot; a losing bidder finds its own scores on its page."""
    winners = {award.bid_id: award for award in awards}
    for bid in _live_bids(tender):
        award = winners.get(bid.id)
        if award is not None:
            _tell_bidder(bid, "bid_awarded", app_path("bids.show", bid_id=bid.id), value=award.value,
                         currency=award.currency)
        else:
            _tell_bidder(bid, "bid_not_awarded", app_path("bids.show", bid_id=bid.id))


def _live_bids(tender):
    return db.session.scalars(select(Bid).where(Bid.tender_id == tender.id, Bid.status == Bid.SUBMITTED)
                              .order_by(Bid.id)).all()


def subscribe(app):
    """Listen, for `app`, to what bids and tenders announce."""
    signals.bid_received.connect(_bid_received, sender=app)
    signals.bid_withdrawn.connect(_bid_withdrawn, sender=app)
    signals.tender_amended.connect(_tender_amended, sender=app)
    signals.evaluator_named.connect(_evaluator_named, sender=app)
    signals.tender_awarded.connect(_tender_awarded, sender=app)

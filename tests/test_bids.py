"""Sealed bids: submitting, the receipt, replacing and withdrawing until the deadline, reconfirmation after an
amendment, the opening, the evaluators' declaration and scores, the ranking and the award."""
import hashlib
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from portal.accounts.models import User
from portal.audit.models import AuditEvent
from portal.bids import sealing
from portal.bids import services as bids
from portal.bids.models import Award, Bid, Evaluator, Score
from portal.extensions import db
from portal.model_types import utcnow
from portal.notifications.models import Notification
from portal.organisations.models import Organisation
from portal.signals import announce, tender_amended
from portal.tenders.models import Tender

from . import factories
from .conftest import log_in
from .test_races import at_once

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"


def user(world, name):
    return db.session.get(User, world[name])


def organisation(world, name):
    return db.session.get(Organisation, world[name])


def pdf(name="offer.pdf", body=PDF):
    return FileStorage(stream=io.BytesIO(body), filename=name)


def bid_data(tender, price=100000, text="We do it well.", partners=()):
    return {"price": price, "responses": {criterion.id: f"{text} ({criterion.name})" for criterion in tender.criteria},
            "partners": list(partners)}


def form_data(tender, price="100000", text="We do it well.", **extra):
    data = {"lot_id": str(tender.lots[0].id), "price": price, "partners": ""}
    data.update({f"response_{criterion.id}": text for criterion in tender.criteria})
    data.update(extra)
    return data


@pytest.fixture
def tender_id(app, world):
    """A published tender of the world's city: one lot, quality 60 and price 40, a deadline a week away."""
    with app.test_request_context():
        tender = factories.tender_for_bids(organisation(world, "city_org"), user(world, "city"))
        db.session.commit()
        return tender.id


def submit(app, world, tender_id, persona="company", now=None, **data):
    """A bid of the persona's company on the tender's first lot, through the service; its id."""
    with app.test_request_context():
        tender = db.session.get(Tender, tender_id)
        bid = bids.submit(user(world, persona), tender, tender.lots[0].id, dict(bid_data(tender), **data),
                          [pdf()], now=now)
        db.session.commit()
        return bid.id


# ---------------------------------------------------------------- sealing

def test_sealed_content_opens_only_for_its_own_bid_and_revision(app, world, tender_id):
    first, second = submit(app, world, tender_id), submit(app, world, tender_id, persona="other_company")
    with app.test_request_context():
        one, two = db.session.get(Bid, first), db.session.get(Bid, second)
        assert sealing.open_content(one)["price"] == 100000
        assert b"100000" not in one.sealed and b"We do it well" not in one.sealed
        # A sealed value moved to another row, or an older revision put back, does not open.
        one_sealed = one.sealed
        one.sealed = two.sealed
        with pytest.raises(sealing.Tampered):
            sealing.open_content(one)
        one.sealed, one.revision = one_sealed, 2
        with pytest.raises(sealing.Tampered):
            sealing.open_content(one)
        one.revision = 1
        # A file's bytes swapped with another bid's file do not open either.
        path_one = sealing.sealed_folder() / one.files[0].storage_name
        path_two = sealing.sealed_folder() / two.files[0].storage_name
        assert sealing.read_file(one.files[0]) == PDF
        path_one.write_bytes(path_two.read_bytes())
        with pytest.raises(sealing.Tampered):
            sealing.read_file(one.files[0])
        db.session.rollback()


# ---------------------------------------------------------------- submitting

def test_a_company_bids_through_the_form_and_gets_a_receipt_with_the_digest(app, client, world, tender_id, outbox):
    with app.test_request_context():
        colleague = factories.user(organisation(world, "company_org"), email="colleague@example.org").id
        db.session.commit()
    log_in(app, client, world["company"])
    form = client.get(f"/tenders/{tender_id}/bids/new")
    assert form.status_code == 200 and "Quality of the solution (weight 60)" in form.get_data(as_text=True)
    response = client.post(f"/tenders/{tender_id}/bids/new", data=dict(
        form_data(db_tender(app, tender_id), price="250000"), files=[(io.BytesIO(PDF), "method.pdf")]),
        content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        bid = db.session.scalar(select(Bid).where(Bid.tender_id == tender_id))
        assert response.headers["Location"] == f"/bids/{bid.id}/receipt"
        digest, received = bid.digest, bid.received_at
        assert digest == hashlib.sha256(bid.sealed).hexdigest()
        assert abs(received - utcnow()) < timedelta(minutes=1)  # the server's clock
        notified = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "bid_received")))
        events = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == bid.id)).all()
    assert notified == {world["company"], colleague}  # the bidder's own members, and nobody else
    assert events == ["bid.submitted"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert digest in page and "ocds-test-" in page
    bid_page = client.get(f"/bids/{bid.id}").get_data(as_text=True)
    assert "€250,000" in bid_page and "method.pdf" in bid_page
    mails = [message for message in outbox() if message["To"] == "company@example.org"]
    assert len(mails) == 1 and digest in mails[0].get_body(preferencelist=("plain",)).get_content()
    download = client.get(re.search(r'href="(/bids/\d+/files/\d+)"', bid_page).group(1))
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"


def db_tender(app, tender_id):
    with app.app_context():
        tender = db.session.get(Tender, tender_id)
        db.session.expunge(tender)
        return tender


def test_the_server_clock_decides_the_deadline(app, client, world):
    with app.test_request_context():
        late = factories.tender_for_bids(organisation(world, "city_org"), user(world, "city"),
                                         deadline_in=timedelta(minutes=-1))
        db.session.commit()
        late_id = late.id
        # The same tender took bids two minutes earlier, by the clock a service is given.
        before = bids.submit(user(world, "company"), late, late.lots[0].id, bid_data(late), now=utcnow()
                             - timedelta(minutes=2))
        assert before.received_at < late.submission_deadline
        db.session.rollback()
        with pytest.raises(bids.Stale):
            bids.submit(user(world, "company"), late, late.lots[0].id, bid_data(late))
    log_in(app, client, world["company"])
    page = client.get(f"/tenders/{late_id}/bids/new").get_data(as_text=True)
    assert "This tender does not take bids now" in page and "Submit the bid" not in page  # no form to fill in vain
    assert f'href="/tenders/{late_id}">Back to the tender' in page
    response = client.post(f"/tenders/{late_id}/bids/new", data=form_data(db_tender(app, late_id)))
    assert response.status_code == 409
    assert "The submission deadline has passed" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Bid.id))) == 0


def test_a_file_is_checked_as_every_upload_is_before_it_is_sealed(app, client, world, tender_id):
    log_in(app, client, world["company"])
    response = client.post(f"/tenders/{tender_id}/bids/new", data=dict(
        form_data(db_tender(app, tender_id)), files=[(io.BytesIO(b"MZ\x90\x00" + b"\x00" * 200), "offer.pdf")]),
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "offer.pdf" in response.get_data(as_text=True) and "is not accepted" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Bid.id))) == 0
    assert not list(sealing_path(app, "").glob("*"))  # nothing was sealed, and nothing is left behind


def test_one_live_bid_per_company_and_lot(app, client, world, tender_id):
    first = submit(app, world, tender_id)
    log_in(app, client, world["company"])
    again = client.post(f"/tenders/{tender_id}/bids/new", data=form_data(db_tender(app, tender_id)))
    assert again.status_code == 409 and "already has a bid for this lot" in again.get_data(as_text=True)
    assert client.get(f"/tenders/{tender_id}/bids/new").headers["Location"] == f"/bids/{first}"
    with app.app_context():
        assert db.session.scalar(select(func.count(Bid.id))) == 1


def test_racing_submissions_of_one_company_make_one_bid(app, world, tender_id):
    clients = [app.test_client() for _ in range(4)]
    for client in clients:
        log_in(app, client, world["company"])
    data = form_data(db_tender(app, tender_id))
    statuses = at_once(4, lambda number: clients[number].post(f"/tenders/{tender_id}/bids/new", data=data).status_code)
    assert sorted(statuses) == [302, 409, 409, 409]
    with app.app_context():
        assert db.session.scalar(select(func.count(Bid.id))) == 1
        assert db.session.scalar(select(func.count(Notification.id)).where(Notification.kind == "bid_received")) == 1


def test_replace_and_withdraw_until_the_deadline(app, client, world, tender_id):
    bid_id = submit(app, world, tender_id)
    log_in(app, client, world["company"])
    with app.app_context():
        old = db.session.get(Bid, bid_id)
        old_digest, old_file = old.digest, old.files[0]
        old_path = sealing_path(app, old_file.storage_name)
    assert old_path.exists()
    form = client.get(f"/bids/{bid_id}/replace").get_data(as_text=True)
    assert 'value="100000"' in form and "offer.pdf" in form
    tender = db_tender(app, tender_id)
    stale = client.post(f"/bids/{bid_id}/replace", data=form_data(tender, price="90000", revision="0"))
    assert stale.status_code == 409 and "after you opened the page" in stale.get_data(as_text=True)
    replaced = client.post(f"/bids/{bid_id}/replace", data=dict(
        form_data(tender, price="90000", revision="1"), files=[(io.BytesIO(PDF), "annex.pdf")]),
        content_type="multipart/form-data")  # offer.pdf not kept
    assert replaced.status_code == 302 and replaced.headers["Location"] == f"/bids/{bid_id}/receipt"
    with app.test_request_context():
        bid = db.session.get(Bid, bid_id)
        assert bid.revision == 2 and bid.digest != old_digest and bid.digest == sealing.digest(bid.sealed)
        assert sealing.open_content(bid)["price"] == 90000
        assert [sealing.open_name(item) for item in bid.files] == ["annex.pdf"]
    assert not old_path.exists()  # the dropped file's sealed bytes are gone once the replacement committed
    withdrawn = client.post(f"/bids/{bid_id}/withdraw")
    assert withdrawn.status_code == 302
    with app.app_context():
        assert db.session.get(Bid, bid_id).status == Bid.WITHDRAWN
    assert client.post(f"/bids/{bid_id}/withdraw").status_code == 409
    # The lot is free again for the company.
    assert client.post(f"/tenders/{tender_id}/bids/new", data=form_data(tender)).status_code == 302
    # After the deadline nothing changes any more.
    move_instants(app, tender_id, deadline=utcnow() - timedelta(seconds=1))
    with app.app_context():
        live = db.session.scalar(select(Bid.id).where(Bid.status == Bid.SUBMITTED))
    assert client.post(f"/bids/{live}/withdraw").status_code == 409
    assert client.get(f"/bids/{live}/replace").status_code == 302
    assert client.post(f"/bids/{live}/replace", data=form_data(tender, revision="1")).status_code == 302
    with app.app_context():
        assert db.session.get(Bid, live).status == Bid.SUBMITTED and db.session.get(Bid, live).revision == 1


def sealing_path(app, storage_name):
    from pathlib import Path
    return Path(app.instance_path) / "sealed" / storage_name


def test_an_amendment_asks_every_bidder_to_reconfirm(app, client, world, tender_id):
    first, second = submit(app, world, tender_id), submit(app, world, tender_id, persona="other_company")
    with app.test_request_context():
        announce(tender_amended, tender=db.session.get(Tender, tender_id), version=None,
                 actor=user(world, "city"), extended=False)
        db.session.commit()
        assert db.session.get(Bid, first).needs_reconfirmation and db.session.get(Bid, second).needs_reconfirmation
        told = set(db.session.scalars(select(Notification.user_id).where(
            Notification.kind == "bid_reconfirmation_needed")))
    assert told == {world["company"], world["other_company"]}
    log_in(app, client, world["company"])
    page = client.get(f"/bids/{first}").get_data(as_text=True)
    assert "The tender was amended after your bid arrived" in page
    assert client.post(f"/bids/{first}/reconfirm").status_code == 302
    assert client.post(f"/bids/{first}/reconfirm").status_code == 409
    with app.app_context():
        bid = db.session.get(Bid, first)
        assert not bid.needs_reconfirmation and bid.reconfirmed_at is not None
        assert db.session.get(Bid, second).needs_reconfirmation


# ---------------------------------------------------------------- opening

def move_instants(app, tender_id, deadline, opening=None):
    """Move the tender's submission deadline (and its opening instant) as time passing would."""
    with app.app_context():
        tender = db.session.get(Tender, tender_id)
        tender.clarification_deadline = deadline - timedelta(days=7)
        tender.submission_deadline = deadline
        tender.opening_at = opening or deadline + timedelta(hours=1)
        db.session.commit()


def past_opening(app, tender_id):
    """Move the tender's deadline and opening instant into the past."""
    move_instants(app, tender_id, utcnow() - timedelta(hours=2), utcnow() - timedelta(hours=1))


def test_the_city_opens_after_the_opening_instant_only(app, client, world, tender_id):
    bid_id = submit(app, world, tender_id)
    log_in(app, client, world["city"])
    early = client.post(f"/tenders/{tender_id}/bids/open")
    assert early.status_code == 409 and "stay sealed until the opening time" in early.get_data(as_text=True)
    assert client.get(f"/bids/{bid_id}").status_code == 404
    assert client.get(f"/tenders/{tender_id}/bids").status_code == 409
    past_opening(app, tender_id)
    for persona, status in (("company", 403), ("other_city", 403), ("consultant", 403), ("admin", 403)):
        other = app.test_client()
        log_in(app, other, world[persona])
        assert other.post(f"/tenders/{tender_id}/bids/open").status_code == status, persona
    opened = client.post(f"/tenders/{tender_id}/bids/open")
    assert opened.status_code == 302 and opened.headers["Location"] == f"/tenders/{tender_id}/bids"
    assert client.post(f"/tenders/{tender_id}/bids/open").status_code == 409
    with app.app_context():
        tender = db.session.get(Tender, tender_id)
        assert tender.status == Tender.OPENED and tender.opened_by_id == world["city"]
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "tender.opened"))
        assert event.actor_id == world["city"] and event.object_id == tender_id and event.data["bids"] == 1
    listing = client.get(f"/tenders/{tender_id}/bids").get_data(as_text=True)
    assert "Alpha Sensing" in listing
    # The city sees that the bid exists now, but not what it says before an evaluator's declaration.
    page = client.get(f"/bids/{bid_id}")
    assert page.status_code == 200 and "We do it well" not in page.get_data(as_text=True)
    assert f'href="/tenders/{tender_id}/bids">All bids and the ranking' in page.get_data(as_text=True)  # the way back


def test_an_evaluator_sees_and_scores_nothing_before_declaring(app, client, world, tender_id):
    bid_id = submit(app, world, tender_id)
    past_opening(app, tender_id)
    log_in(app, client, world["city"])
    client.post(f"/tenders/{tender_id}/bids/open")
    named = client.post(f"/tenders/{tender_id}/bids/evaluators", data={"user_id": str(world["city"])})
    assert named.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Notification.kind).where(Notification.user_id == world["city"])) == \
            "evaluator_named"
    assert "We do it well" not in client.get(f"/bids/{bid_id}").get_data(as_text=True)
    assert client.get(f"/bids/{bid_id}/scores").status_code == 403
    assert client.post(f"/bids/{bid_id}/scores", data=scores_form(app, tender_id, 80)).status_code == 403
    with app.app_context():
        file_id = db.session.get(Bid, bid_id).files[0].id
    assert client.get(f"/bids/{bid_id}/files/{file_id}").status_code == 403
    unticked = client.post(f"/tenders/{tender_id}/bids/declaration", data={})
    assert unticked.status_code == 422
    declared = client.post(f"/tenders/{tender_id}/bids/declaration", data={"confirm": "y"})
    assert declared.status_code == 302
    with app.app_context():
        evaluator = db.session.get(Evaluator, (tender_id, world["city"]))
        assert evaluator.declared_at is not None and "no conflict of interest" in evaluator.declaration
    assert "We do it well" in client.get(f"/bids/{bid_id}").get_data(as_text=True)
    assert client.get(f"/bids/{bid_id}/files/{file_id}").data == PDF
    saved = client.post(f"/bids/{bid_id}/scores", data=scores_form(app, tender_id, 80))
    assert saved.status_code == 302
    with app.app_context():
        assert sorted(db.session.scalars(select(Score.score).where(Score.bid_id == bid_id))) == [80, 80]


def scores_form(app, tender_id, value, comment="Clear and complete."):
    tender = db_tender(app, tender_id)
    data = {}
    for criterion in tender.criteria:
        data[f"score_{criterion.id}"] = str(value) if not isinstance(value, dict) else str(value[criterion.name])
        data[f"comment_{criterion.id}"] = comment
    return data


# ---------------------------------------------------------------- evaluation and award

@pytest.fixture
def evaluated(app, world):
    """A tender with two lots and three bids on lot 1 (one on lot 2), opened, two declared evaluators (the city's
    person and a colleague) whose scores are given below."""
    with app.test_request_context():
        city, company, other = (organisation(world, name) for name in ("city_org", "company_org", "other_company_org"))
        third = factories.organisation("company", name="Delta Robotics", country="NO")
        third_person = factories.user(third, email="delta@example.org")
        colleague = factories.user(city, email="colleague@city.example.org")
        tender = factories.tender_for_bids(city, user(world, "city"), lots=("Sensors", "Operations"),
                                           criteria=(("quality", "Quality", 60), ("price", "Price", 40)),
                                           now=utcnow() - timedelta(days=10))
        then = utcnow() - timedelta(days=5)
        quality, price = tender.criteria
        ids = {}
        for name, person, lot, amount in (("alpha", user(world, "company"), 0, 300000),
                                          ("beta", user(world, "other_company"), 0, 250000),
                                          ("delta", third_person, 0, 200000),
                                          ("alpha-ops", user(world, "company"), 1, 90000)):
            ids[name] = bids.submit(person, tender, tender.lots[lot].id, bid_data(tender, price=amount,
                                    text=f"Offer of {name}"), now=then).id
        bids.open_tender(user(world, "city"), tender)
        for person in (user(world, "city"), colleague):
            bids.name_evaluator(user(world, "city"), tender, person.id)
            bids.declare(person, tender, True)
        # (quality, price) by evaluator: hand-computed totals below.
        given = {"alpha": ((80, 60), (70, 50)), "beta": ((90, 70), (50, 80)), "delta": ((60, 100), (60, 90)),
                 "alpha-ops": ((75, 75), (75, 75))}
        for name, (first, second) in given.items():
            bid = db.session.get(Bid, ids[name])
            for person, (q, p) in ((user(world, "city"), first), (colleague, second)):
                bids.score(person, bid, {quality.id: (q, f"Quality {q} given"), price.id: (p, f"Price {p} given")})
        db.session.commit()
        return {"tender": tender.id, "bids": ids, "colleague": colleague.id, "delta": third_person.id,
                "lots": [lot.id for lot in tender.lots], "criteria": (quality.id, price.id)}


def test_weighted_totals_ranking_and_disagreements_are_computed_as_by_hand(app, evaluated):
    # Weighted total = (60 × quality + 40 × price) / 100 for each evaluator, averaged over the two:
    # alpha: (72 + 62) / 2 = 67; beta: (82 + 62) / 2 = 72; delta: (76 + 72) / 2 = 74.
    # beta's quality scores lie 40 points apart (90 and 50): a disagreement; every other spread is 20 or less.
    with app.test_request_context():
        lot_one, lot_two = bids.evaluation(db.session.get(Tender, evaluated["tender"]))
        ranked = [(row.bid.id, row.total, row.rank) for row in lot_one.ranked]
        assert ranked == [(evaluated["bids"]["delta"], 74, 1), (evaluated["bids"]["beta"], 72, 2),
                          (evaluated["bids"]["alpha"], 67, 3)]
        beta = lot_one.ranked[1]
        assert [criterion.name for criterion in beta.disagreements] == ["Quality"]
        assert beta.averages == {evaluated["criteria"][0]: 70, evaluated["criteria"][1]: 75}
        assert all(not row.disagreements for row in (lot_one.ranked[0], lot_one.ranked[2]))
        assert lot_one.complete and lot_two.complete and lot_two.ranked[0].total == 75


def test_the_ranking_page_shows_the_totals_and_flags(app, client, world, evaluated):
    log_in(app, client, world["city"])
    page = client.get(f"/tenders/{evaluated['tender']}/bids").get_data(as_text=True)
    assert page.index("Delta Robotics") < page.index("Beta Robotics") < page.index("Alpha Sensing")
    assert "74.0" in page and "72.0" in page and "67.0" in page and "disagree" in page
    assert "Average score per criterion (weight)" in page  # the criterion columns are scores, not prices


def test_awarding_every_lot_publishes_the_award_and_tells_each_bidder(app, client, world, evaluated, outbox):
    tender_id, lots = evaluated["tender"], evaluated["lots"]
    outsider = app.test_client()
    log_in(app, outsider, world["company"])
    assert outsider.get(f"/tenders/{tender_id}/bids/award").status_code == 403
    log_in(app, client, world["city"])
    form = client.get(f"/tenders/{tender_id}/bids/award").get_data(as_text=True)
    assert "€200,000" in form  # the best-ranked bid's price fills in the value
    missing = client.post(f"/tenders/{tender_id}/bids/award", data={
        "lot_id": str(lots[0]), "bid_id": str(evaluated["bids"]["delta"]), "value": "200000", "justification": ""})
    assert missing.status_code == 422 and "Say why this bid wins" in missing.get_data(as_text=True)
    first = client.post(f"/tenders/{tender_id}/bids/award", data={
        "lot_id": str(lots[0]), "bid_id": str(evaluated["bids"]["delta"]), "value": "200000",
        "justification": "The highest weighted total, and the lowest price."})
    assert first.status_code == 302
    with app.app_context():
        assert db.session.get(Tender, tender_id).status == Tender.OPENED  # one lot of two
        assert db.session.scalar(select(func.count(Notification.id)).where(
            Notification.kind.in_(("bid_awarded", "bid_not_awarded")))) == 0
    again = client.post(f"/tenders/{tender_id}/bids/award", data={
        "lot_id": str(lots[0]), "bid_id": str(evaluated["bids"]["beta"]), "value": "1", "justification": "Again."})
    assert again.status_code == 409
    second = client.post(f"/tenders/{tender_id}/bids/award", data={
        "lot_id": str(lots[1]), "bid_id": str(evaluated["bids"]["alpha-ops"]), "value": "90000",
        "justification": "The only bid, and a sound one."})
    assert second.status_code == 302
    with app.app_context():
        tender = db.session.get(Tender, tender_id)
        assert tender.status == Tender.AWARDED
        award = db.session.scalar(select(Award).where(Award.lot_id == lots[0]))
        assert award.standstill_ends_at == award.decided_at + timedelta(days=10)
        kinds = {(row.user_id, row.kind, row.record_id) for row in db.session.scalars(select(Notification).where(
            Notification.kind.in_(("bid_awarded", "bid_not_awarded"))))}
    ids = evaluated["bids"]
    assert kinds == {(evaluated["delta"], "bid_awarded", ids["delta"]),
                     (world["company"], "bid_awarded", ids["alpha-ops"]),
                     (world["company"], "bid_not_awarded", ids["alpha"]),
                     (world["other_company"], "bid_not_awarded", ids["beta"])}
    subjects = [message["Subject"] for message in outbox() if message["To"] == "othercompany@example.org"]
    assert subjects[-1] == "A tender you bid on was awarded on CoCity"


def test_a_losing_bidder_sees_its_own_scores_and_nobody_elses(app, client, world, evaluated):
    tender_id, lots, ids = evaluated["tender"], evaluated["lots"], evaluated["bids"]
    with app.test_request_context():
        tender = db.session.get(Tender, tender_id)
        city = user(world, "city")
        bids.award(city, tender, lots[0], ids["delta"], 200000, "Best total.")
        bids.award(city, tender, lots[1], ids["alpha-ops"], 90000, "Only bid.")
        db.session.commit()
    log_in(app, client, world["other_company"])
    page = client.get(f"/bids/{ids['beta']}").get_data(as_text=True)
    assert "Your scores" in page and "The lot went to another bid" in page
    assert "Quality 90 given" in page and "Quality 50 given" in page and "72.0" in page
    # Scores of the other bids, and the evaluators' names, stay out.
    assert "Quality 60 given" not in page and "Quality 80 given" not in page
    with app.app_context():
        names = [db.session.get(User, id).name for id in (world["city"], evaluated["colleague"])]
    assert not any(name in page for name in names)
    assert client.get(f"/bids/{ids['delta']}").status_code == 404
    # The award is public: the winner, the value, the justification and the standstill end.
    anonymous = app.test_client()
    with app.test_request_context():
        panel = render_panel(app, None, tender_id)
    assert "Delta Robotics" in panel and "€200,000" in panel and "Best total." in panel
    assert "Standstill period ends" in panel
    assert anonymous.get(f"/bids/{ids['delta']}").status_code == 302


def render_panel(app, user_id, tender_id):
    """The bids panel of the tender page as `user_id` (None: nobody signed in) sees it."""
    from flask import render_template
    from flask_login import login_user

    with app.test_request_context():
        if user_id is not None:
            login_user(db.session.get(User, user_id))
        return render_template("bids/_tender_panel.html", tender=db.session.get(Tender, tender_id))


def test_the_panel_offers_each_role_what_it_may_do(app, world, tender_id):
    panel = {persona: render_panel(app, world.get(persona), tender_id)
             for persona in ("anonymous", "company", "city", "consultant")}
    assert "Submit a bid" in panel["company"] and "Submit a bid" not in panel["anonymous"]
    assert "Open the bids" not in panel["city"] and "once the opening time has passed" in panel["city"]
    assert all("Bids are sealed" in text for text in panel.values())
    bid_id = submit(app, world, tender_id)
    assert f"/bids/{bid_id}" in render_panel(app, world["company"], tender_id)
    past_opening(app, tender_id)
    assert "Open the bids" in render_panel(app, world["city"], tender_id)
    assert "Open the bids" not in render_panel(app, world["consultant"], tender_id)


def test_naming_evaluators_is_the_citys_and_only_its_own_people(app, client, world, tender_id):
    log_in(app, client, world["city"])
    stranger = client.post(f"/tenders/{tender_id}/bids/evaluators", data={"user_id": str(world["other_city"])})
    assert stranger.status_code == 422 and "Choose a person of your city" in stranger.get_data(as_text=True)
    for persona in ("other_city", "company", "consultant", "admin"):
        other = app.test_client()
        log_in(app, other, world[persona])
        answer = other.post(f"/tenders/{tender_id}/bids/evaluators", data={"user_id": str(world[persona])})
        assert answer.status_code == 403, persona
        # Nobody declares who was not named.
        assert other.post(f"/tenders/{tender_id}/bids/declaration", data={"confirm": "y"}).status_code == 403
    assert client.post(f"/tenders/{tender_id}/bids/declaration", data={"confirm": "y"}).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Evaluator)) == 0


# ---------------------------------------------------------------- the demo

def test_the_demo_bids_seal_wait_and_award_and_seeding_again_adds_nothing(app):
    from portal.demo.bids import seed_bids
    from portal.demo.services import seed
    from portal.organisations import services as organisations

    with app.test_request_context():
        seed()
        seoul = organisations.get("seoul-smart-city-bureau")
        copenhagen = organisations.get("copenhagen-smart-operations")
        seoul_person, copenhagen_person = seoul.members[0], copenhagen.members[0]
        now = utcnow()
        tenders = {
            "flood": factories.tender_for_bids(seoul, seoul_person, title="반지하 침수 경보", language="ko",
                                               estimated_value=800_000_000, currency="KRW"),
            "draft": factories.tender_for_bids(seoul, seoul_person, status=Tender.DRAFT),
            "sealed": factories.tender_for_bids(copenhagen, copenhagen_person, now=now - timedelta(days=8),
                                                opening_after=timedelta(days=3), estimated_value=2_000_000),
            "to_award": factories.tender_for_bids(copenhagen, copenhagen_person, lots=("Hubs", "Operation"),
                                                  now=now - timedelta(days=20), estimated_value=5_000_000),
        }
        ids = {name: tender.id for name, tender in tenders.items()}
        seed_bids(tenders, now.date())
        db.session.commit()

        def counts():
            return {name: db.session.scalar(select(func.count(Bid.id)).where(Bid.tender_id == id))
                    for name, id in ids.items()}

        first = counts()
        seed_bids({name: db.session.get(Tender, id) for name, id in ids.items()}, now.date())
        db.session.commit()
        assert counts() == first == {"flood": 1, "draft": 0, "sealed": 2, "to_award": 5}
        flood_bid = db.session.scalar(select(Bid).where(Bid.tender_id == ids["flood"]))
        assert flood_bid.organisation.key == "haneul-mobility" and flood_bid.organisation.country == "KR"
        assert "반지하" in sealing.open_content(flood_bid)["responses"][str(tenders["flood"].criteria[0].id)]
        assert db.session.get(Tender, ids["sealed"]).opened_at is None
        awarded = db.session.get(Tender, ids["to_award"])
        assert awarded.status == Tender.AWARDED
        assert db.session.scalar(select(func.count(Award.id)).where(Award.tender_id == ids["to_award"])) == 2
        assert all(row.declared_at for row in bids.evaluators(awarded)) and len(bids.evaluators(awarded)) == 2
    # The sealed tender tells nobody but its bidders that bids exist.
    assert "Binrute" not in render_panel(app, None, ids["sealed"]) and "Bids are sealed" in render_panel(
        app, None, ids["sealed"])
    assert "Damsol" in render_panel(app, None, ids["to_award"])


def test_a_sealed_value_changed_outside_the_portal_shows_nothing_and_is_logged(app, client, world, tender_id, caplog):
    first, second = submit(app, world, tender_id), submit(app, world, tender_id, persona="other_company")
    with app.app_context():
        # Someone with access to the database copies another bid's sealed content over the company's.
        one, two = db.session.get(Bid, first), db.session.get(Bid, second)
        one.sealed = two.sealed
        db.session.commit()
    log_in(app, client, world["company"])
    page = client.get(f"/bids/{first}")
    assert page.status_code == 409 and "does not match its record" in page.get_data(as_text=True)
    assert "sealed bid value does not open" in caplog.text


def test_a_draft_tender_has_no_bids_panel(app, world):
    with app.test_request_context():
        draft = factories.tender_for_bids(organisation(world, "city_org"), user(world, "city"), status=Tender.DRAFT)
        db.session.commit()
        draft_id = draft.id
    assert render_panel(app, world["city"], draft_id).strip() == ""
    with app.app_context():
        db.session.get(Tender, draft_id).status = Tender.PUBLISHED
        db.session.commit()
    assert "Bids are sealed" in render_panel(app, world["city"], draft_id)


def test_bid_ids_say_nothing_of_how_many_bids_came_in(app, world):
    """A bidder sees its bid's id on its receipt and in its addresses: ids in order would count the others."""
    from portal.bids.models import BidFile
    with app.app_context():
        city = db.session.get(Organisation, world["city_org"])
        author = db.session.get(User, world["city"])
        tender = factories.tender_for_bids(city, author, lots=("One", "Two", "Three", "Four", "Five"))
        company = db.session.get(Organisation, world["company_org"])
        bids = [Bid(tender=tender, lot=lot, organisation=company, submitted_by=author, sealed=b"x", digest="0" * 64)
                for lot in tender.lots]
        db.session.add_all(bids)
        db.session.flush()
        ids = sorted(bid.id for bid in bids)
        assert all(later - earlier > 1 for earlier, later in zip(ids, ids[1:], strict=False)), ids
        files = [BidFile(bid=bids[0], storage_name=f"s{number}", sealed_name=b"x", size=1) for number in range(3)]
        db.session.add_all(files)
        db.session.flush()
        file_ids = sorted(item.id for item in files)
        assert all(later - earlier > 1 for earlier, later in zip(file_ids, file_ids[1:], strict=False)), file_ids


def test_a_company_finds_its_bids_on_its_dashboard_and_nobody_else_does(app, client, world, tender_id):
    bid_id = submit(app, world, tender_id)
    with app.app_context():
        title = db.session.get(Tender, tender_id).title
    log_in(app, client, world["company"])
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Your bids" in dashboard and f'href="/bids/{bid_id}"' in dashboard and title in dashboard
    assert "submitted" in dashboard
    client.post(f"/bids/{bid_id}/withdraw")
    assert "withdrawn" in client.get("/dashboard").get_data(as_text=True)
    for persona in ("other_company", "city", "consultant", "admin"):
        log_in(app, client, world[persona])
        page = client.get("/dashboard").get_data(as_text=True)
        assert "Your bids" not in page and f"/bids/{bid_id}" not in page, persona

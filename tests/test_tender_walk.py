"""The procurement in a real browser, through the pages only: from a workspace that is ready to tender to a
published award.

Copenhagen's flood warning workspace is ready to tender: its requirement document is agreed, Haneul Sensing
and Nordvand Operations answered its fit table, and the city recorded its investment decision. The city
builds the tender from the workspace hub, checks the procedure and value the decision chose, sets the lot,
the weighted criteria and the timeline, and publishes; the PDF anyone downloads has the SHA-256 the page
shows. Haneul, in the Korean interface, asks a question; the city answers in public without saying who asked.
Haneul bids; the city amends the tender (version 2) and Haneul reconfirms its bid; Delta Pumps bids too.
Neither the city nor anyone else learns that anyone has bid. Then the deadlines pass; the city opens the bids
and names a second person of its own to evaluate, who declares no conflict of interest, scores both bids and
awards the lot. The public reads the award and the end of the standstill period, the losing bidder reads its
own scores, and the open data carries the award. At each step the people concerned find the notification on
their Notifications page and in their mail.

The organisations, their people and the ready workspace are made directly, as the walk to ready-to-tender
(test_walk.py) leaves them; the rest is forms, buttons and links. Screenshots of each step land in
test-artifacts/screenshots/walk-tender-*.png.
"""
import hashlib
import json
import subprocess
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from sqlalchemy import select

from portal.accounts.models import User
from portal.challenges.models import Challenge
from portal.extensions import db
from portal.model_types import utcnow
from portal.organisations.models import Organisation
from portal.tenders.models import Tender

from . import factories, tender_factories
from .conftest import CHALLENGE, CITY, DELTA, HANEUL, NORDBRO, NORDVAND, TODAY
from .test_bids import past_opening
from .test_browser import DESKTOP, PHONE, shoot
from .test_ocds import HAS_SCHEMAS, schema_errors
from .walking import WALK_MARKS, Walk, at_phone_width, click

pytestmark = WALK_MARKS

EVALUATOR = "anders@kk.example"
TITLE = "Flood warning sensors for low-lying streets"
LOT = "Sensors and warnings in Valby"
REQUIREMENTS = ("# Flood warning requirements\n\n- Sensors in 40 manholes of the lowest streets.\n"
                "- A warning reaches residents ten minutes before the water rises.\n")
QUESTION = "센서 설치 시 맨홀 뚜껑 교체가 필요한가요? Must the manhole covers be replaced for the sensors?"
ANSWER = "No: the sensors fit under the existing covers; the city's crews open them for the installation."
BIDDERS = ("Haneul Sensing", "하늘센싱", "Delta Pumps")
WORKSPACE = f"Co-creating {CHALLENGE}"  # as the factory names it
COPENHAGEN = ZoneInfo("Europe/Copenhagen")


@pytest.fixture
def ready(app, people):
    """The workspace as the walk to ready-to-tender leaves it, and a second person of the city to evaluate."""
    with app.test_request_context():
        city = db.session.scalar(select(Organisation).where(Organisation.name == "City of Copenhagen"))
        companies = [db.session.scalar(select(Organisation).where(Organisation.name == name))
                     for name in ("Haneul Sensing", "Nordvand Operations")]
        nordbro = db.session.scalar(select(Organisation).where(Organisation.name == "Nordbro Advisory"))
        challenge = db.session.scalar(select(Challenge).where(Challenge.title == CHALLENGE))
        signe = db.session.scalar(select(User).where(User.email == CITY))
        tender_factories.ready_workspace(
            city, signe, companies, procurement_model="innovation-partnership", amount=4_000_000,
            facilitator=nordbro, challenge=challenge, currency="DKK", requirements=REQUIREMENTS,
            fit_items=(("system", "The city's alert system (SMS and the Copenhagen app)",
                        "Warnings go out through the alert system's API."),
                       ("data-standard", "OGC SensorThings API for sensor data", "")))
        factories.user(city, email=EVALUATOR, name="Anders Holt")
        db.session.commit()


def bids_panel(page):
    return page.locator("#bids").inner_text()


def test_a_city_tenders_two_companies_bid_and_the_city_awards_in_the_open(app, live_server, browser, ready):
    walk = Walk(app, live_server, browser)
    ko = walk.ko
    live = live_server

    # 1. From the workspace hub the city builds the tender: the investment decision chose the procedure and value.
    city = walk.log_in(CITY)
    click(city, city.locator(".dashboard-workspaces").get_by_role("link", name=WORKSPACE), "ready to tender")
    click(city, city.get_by_role("link", name="Build the tender"), "its agreed requirement document is")
    assert city.get_by_label("Title", exact=True).input_value() == CHALLENGE
    assert city.get_by_label("Procedure", exact=True).input_value() == "innovation"
    assert city.get_by_label("Estimated value", exact=True).input_value() == "4000000"
    assert city.get_by_label("Currency", exact=True).input_value() == "DKK"
    specification = city.get_by_label("Technical specification", exact=True).input_value()
    assert "ten minutes before the water rises" in specification  # the agreed requirement document
    assert "OGC SensorThings API" in city.locator(".tender-form").inner_text()  # the fit table goes with it
    city.get_by_label("Title", exact=True).fill(TITLE)
    city.get_by_label("Candidates invited to tender", exact=True).fill("3")
    city.get_by_label("Partners in the partnership", exact=True).fill("1")
    city.get_by_label("Lot 1: title", exact=True).fill(LOT)
    city.get_by_label("Lot 1: description", exact=True).fill(
        "Sensors in 40 manholes and warnings through the alert system.")
    city.get_by_label("Lot 1: estimated value", exact=True).fill("4000000")
    for number, (name, weight) in enumerate((("Price", 25), ("Quality of the solution", 50),
                                            ("Fit with the city's systems", 25)), start=1):
        assert city.get_by_label(f"Criterion {number}: name", exact=True).input_value() == name
        city.get_by_label(f"Criterion {number}: weight", exact=True).fill(str(weight))
    city.get_by_label("Criterion 2: description", exact=True).fill("How early and how reliably residents are warned.")
    city.get_by_label("Eligibility", exact=True).fill(
        "Companies registered in the EU, the EEA or Korea; consortia welcome.")
    city.get_by_label("Selection criteria", exact=True).fill("Two references of sensor networks in operation.")
    city.get_by_label("Draft contract terms", exact=True).fill("A two-year partnership, then five years of operation.")
    clarification, submission = TODAY + timedelta(days=20), TODAY + timedelta(days=30)
    city.get_by_label("Clarification deadline", exact=True).fill(f"{clarification.isoformat()}T17:00")
    city.get_by_label("Submission deadline", exact=True).fill(f"{submission.isoformat()}T12:00")
    city.get_by_label("Opening of the tenders", exact=True).fill(f"{submission.isoformat()}T14:00")
    shoot(city, "walk-tender-01-city-builds-the-tender-desktop")
    # On a phone the rows of lots and criteria are cards to fill in, not tables to scroll sideways.
    city.set_viewport_size(PHONE)
    city.get_by_label("Criterion 2: description", exact=True).scroll_into_view_if_needed()
    shoot(city, "walk-tender-01-city-builds-the-tender-phone")
    assert city.evaluate("[...document.querySelectorAll('.rows-table')].every("
                         "table => table.parentElement.scrollWidth <= table.parentElement.clientWidth)")
    city.set_viewport_size(DESKTOP)
    click(city, city.get_by_role("button", name="Save the draft"), "Only your city sees it until you publish it.")
    shoot(city, "walk-tender-02-the-draft-desktop")
    click(city, city.get_by_role("button", name="Publish"), "The tender is published")

    # 2. The page shows version 1 and its SHA-256; the PDF behind the page's link has that digest and the title.
    versions = city.locator("#versions li.version")
    assert versions.count() == 1 and "Version 1 (PDF)" in versions.first.inner_text()
    shown = versions.first.locator("code.sha256").inner_text()
    with city.expect_download() as download:
        city.get_by_role("link", name="Version 1 (PDF)").click()
    pdf = download.value.path().read_bytes()
    assert hashlib.sha256(pdf).hexdigest() == shown
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert TITLE in text and LOT in text
    shoot(city, "walk-tender-03-published-version-1-desktop")
    with app.app_context():
        tender_id, ocid = db.session.execute(select(Tender.id, Tender.ocid)).one()
    tender_url = f"{live}/tenders/{tender_id}"

    # Before anyone bids: what the city and a third party read about bids, to compare with later.
    consultant = walk.log_in(NORDBRO)
    consultant.goto(tender_url)
    panels_before = {"city": bids_panel(city), "consultant": bids_panel(consultant)}

    # 3. Haneul hears of the tender, and asks a question in the Korean interface.
    haneul = walk.log_in(HANEUL)
    walk.notified(haneul, TITLE, HANEUL, "tender_published", locale="ko")
    haneul.locator("#questions").wait_for()
    haneul.get_by_label(ko("Your question"), exact=True).fill(QUESTION)
    click(haneul, haneul.get_by_role("button", name=ko("Send the question")),
          ko("Your question is sent. The city answers in public; nobody but your organisation learns who asked."))
    assert ko("Your organisation asked this") in haneul.locator("#questions").inner_text()
    assert haneul.locator("#lots-heading").inner_text() == ko("Lot")
    at_phone_width(haneul, "tender-04-haneul-asks-ko")
    shoot(haneul, "walk-tender-04-haneul-asks-ko-desktop")

    # 4. The city answers in public; Haneul hears of it; the public page never names the asker.
    walk.notified(city, f"A company asked a question about your tender “{TITLE}”", CITY, "question_asked")
    city.get_by_label("Public answer", exact=True).fill(ANSWER)
    click(city, city.get_by_role("button", name="Publish the answer"), "The answer is published")
    walk.notified(haneul, ko("%(city)s answered your organisation’s question about “%(tender)s” in public",
                             city="City of Copenhagen", tender=TITLE), HANEUL, "question_answered", locale="ko")
    assert ANSWER in haneul.locator("#questions").inner_text()
    visitor = browser.new_page(viewport=DESKTOP, timezone_id="Asia/Seoul")
    visitor.goto(tender_url)
    assert QUESTION in visitor.locator("#questions").inner_text() and ANSWER in visitor.content()
    assert not any(name in visitor.content() for name in BIDDERS)
    shoot(visitor, "walk-tender-05-public-page-with-the-answer-desktop")

    # 5. Haneul bids: price, a response per criterion, a document; its receipt carries the bid's digest.
    def bid(page, language, price, responses, document):
        t = ko if language == "ko" else (lambda message, **params: message)
        page.goto(tender_url)
        click(page, page.locator("#bids").get_by_role("link", name=t("Submit a bid")), t("Submit the bid"))
        page.get_by_label(t("Price"), exact=True).fill(str(price))
        for field, response in zip(page.locator("fieldset textarea").all(), responses, strict=True):
            field.fill(response)
        page.get_by_label(t("Documents"), exact=True).set_input_files(
            files={"name": document, "mimeType": "text/plain", "buffer": f"{document}: how we work".encode()})
        click(page, page.get_by_role("button", name=t("Submit the bid")), t("Receipt for your bid"))
        digest = page.locator("code.digest").inner_text()
        assert len(digest) == 64
        return digest

    haneul_digest = bid(haneul, "ko", 3_600_000, (
        "3,600,000 DKK for the sensors, the gateway and two years of operation.",
        "Radar sensors in 40 manholes warn twelve minutes before the water reaches the street.",
        "Warnings go out through the alert system's API; the gateway speaks SensorThings."), "haneul-method.txt")
    shoot(haneul, "walk-tender-06-haneul-receipt-ko-desktop")
    walk.notified(haneul, haneul_digest, HANEUL, "bid_received", locale="ko")

    # 6. The city amends the tender (version 2); Haneul is asked to reconfirm its bid, and does.
    city.goto(tender_url)
    click(city, city.get_by_role("link", name="Amend"), "What the amendment changes")
    city.get_by_label("Lot 1: description", exact=True).fill(
        "Sensors in 40 manholes and warnings through the alert system, and the warning signs at the two underpasses.")
    city.get_by_label("What the amendment changes", exact=True).fill(
        "Lot 1 now includes warning signs at the two underpasses.")
    click(city, city.get_by_role("button", name="Publish the amendment"), "Version 2 is published")
    versions = city.locator("#versions li.version")
    assert versions.count() == 2 and "underpasses" in versions.first.inner_text()
    assert versions.first.locator("code.sha256").inner_text() != shown
    shoot(city, "walk-tender-07-amended-version-2-desktop")
    walk.notified(haneul, ko("“%(tender)s” was amended. Before the deadline, confirm that your bid on lot %(lot)d "
                             "still stands, or replace it", tender=TITLE, lot=1), HANEUL, "bid_reconfirmation_needed",
                  locale="ko")
    click(haneul, haneul.get_by_role("button", name=ko("Reconfirm the bid as it is")),
          ko("Your bid is reconfirmed: it stands as it is under the amended tender."))
    walk.notified(walk.log_in(NORDVAND), "version 2", NORDVAND, "tender_amended")  # a company of the workspace

    # 7. Delta Pumps, outside the workspace, bids too.
    delta = walk.log_in(DELTA)
    bid(delta, "en", 2_900_000, (
        "2,900,000 DKK for the sensors and two years of operation.",
        "Float sensors in 40 manholes warn eight minutes before the water reaches the street.",
        "Warnings go out as SMS through our own gateway."), "delta-offer.txt")
    walk.notified(delta, "Your bid on lot 1", DELTA, "bid_received")
    shoot(delta, "walk-tender-08-delta-receipt-desktop")

    # 8. Two bids are in, and neither the city nor a third party can tell: the bids panel reads as with none.
    for name, page in (("city", city), ("consultant", consultant)):
        page.goto(tender_url)
        assert bids_panel(page) == panels_before[name], name
        assert not any(bidder in page.content() for bidder in BIDDERS), name
    visitor.goto(tender_url)
    assert not any(bidder in visitor.content() for bidder in BIDDERS)
    shoot(city, "walk-tender-09-city-sees-no-bids-desktop")

    # 9. Time passes: the submission deadline and the opening move into the past in the database, which stands
    #    for the clock moving on a month. Everything else (whether bids are still taken, whether they may be
    #    opened, the award's standstill) the server's clock decides, as it always does.
    past_opening(app, tender_id)

    # 10. The city opens the bids and names Anders Holt to evaluate them.
    city.goto(tender_url)
    click(city, city.get_by_role("button", name="Open the bids"), "The bids are opened")
    shoot(city, "walk-tender-10-opened-desktop")
    click(city, city.get_by_role("link", name="Haneul Sensing"), "SHA-256 of the sealed bid")
    assert city.locator("code.digest").inner_text() == haneul_digest  # the fingerprint on Haneul's receipt
    click(city, city.get_by_role("link", name="All bids and the ranking"), "Bids and evaluation")
    click(city, city.get_by_role("link", name="Name evaluators"), "People of your city who score the bids")
    city.get_by_label("Person", exact=True).select_option(label=f"Anders Holt · {EVALUATOR}")
    click(city, city.get_by_role("button", name="Name", exact=True), "Anders Holt is an evaluator now")

    # 11. Anders declares no conflict of interest, scores every criterion of both bids, and awards the lot.
    evaluator = walk.log_in(EVALUATOR)
    walk.notified(evaluator, f"You are named to evaluate the bids of “{TITLE}”", EVALUATOR, "evaluator_named")
    evaluator.get_by_label("I make this declaration", exact=True).check()
    shoot(evaluator, "walk-tender-11-declaration-desktop")
    click(evaluator, evaluator.get_by_role("button", name="Record my declaration"), "Your declaration is recorded")
    for bidder, scores in (("Haneul Sensing", (70, 90, 90)), ("Delta Pumps", (90, 60, 50))):
        click(evaluator, evaluator.locator("table.ranking tr", has_text=bidder).get_by_role("link", name="Score"),
              "Your scores")
        for number, (field, score) in enumerate(zip(evaluator.locator("fieldset").all(), scores, strict=True)):
            field.get_by_label("Score from 0 to 100", exact=True).fill(str(score))
            field.get_by_label("Why", exact=True).fill(
                f"Criterion {number + 1}: scored {score} against the published weights.")
        if bidder == "Haneul Sensing":
            shoot(evaluator, "walk-tender-12-scoring-desktop")
        click(evaluator, evaluator.get_by_role("button", name="Save my scores"), "Your scores are saved.")
    ranking = [row.inner_text() for row in evaluator.locator("table.ranking tbody tr").all()]
    assert ranking[0].startswith("1") and "Haneul Sensing" in ranking[0] and "85.0" in ranking[0], ranking
    assert ranking[1].startswith("2") and "Delta Pumps" in ranking[1] and "65.0" in ranking[1], ranking
    shoot(evaluator, "walk-tender-13-ranking-desktop")
    click(evaluator, evaluator.get_by_role("link", name="Award", exact=True), "Award this lot")
    assert evaluator.get_by_label("Contract value", exact=True).input_value() == "3600000"
    evaluator.get_by_label("Justification", exact=True).fill(
        "The highest weighted total: the earliest warnings and a proven fit with the city's alert system.")
    click(evaluator, evaluator.get_by_role("button", name="Award this lot"), "Every lot is awarded")
    shoot(evaluator, "walk-tender-14-awarded-desktop")

    # 12. The public reads the award and the end of the standstill period.
    visitor.goto(tender_url)
    assert visitor.locator("#bid-panel-heading").inner_text() == "Award"
    award = visitor.locator("#bids").inner_text()
    standstill_end = (utcnow() + timedelta(days=app.config["STANDSTILL_DAYS"])).astimezone(COPENHAGEN).date()
    assert "Haneul Sensing" in award and "DKK\xa03,600,000" in award, award
    assert f"Standstill period ends\n{format_date(standstill_end, 'medium', locale='en')}" in award, award
    shoot(visitor, "walk-tender-15-public-award-desktop")
    at_phone_width(visitor, "tender-15-public-award")
    # On a phone the listing of closed tenders shows each one's status without scrolling sideways.
    visitor.set_viewport_size(PHONE)
    visitor.goto(f"{live}/tenders?phase=closed")
    row = visitor.locator("table.tender-list tbody tr", has_text=TITLE)
    assert row.locator("td:first-child .badge").inner_text() == "Awarded"  # above the title: no column to scroll to
    assert visitor.locator(".table-responsive").evaluate("table => table.scrollWidth <= table.clientWidth")
    shoot(visitor, "walk-tender-15-closed-tenders-phone")
    visitor.set_viewport_size(DESKTOP)

    # 13. Each bidder hears how it went; the losing bidder reads its own scores on its bid's page.
    walk.notified(haneul, ko("Lot %(lot)d of “%(tender)s” is awarded to your company's bid", lot=1, tender=TITLE),
                  HANEUL, "bid_awarded", locale="ko")
    assert ko("Your bid won this lot") in haneul.locator("main").inner_text()
    walk.notified(delta, f"Lot 1 of “{TITLE}” is awarded to another bidder", DELTA, "bid_not_awarded")
    scores = delta.locator("section", has_text="Your scores").inner_text()
    assert "Criterion 2: scored 60" in scores and "65.0" in scores and "Criterion 2: scored 90" not in scores
    shoot(delta, "walk-tender-16-delta-reads-its-scores-desktop")
    at_phone_width(delta, "tender-16-delta-reads-its-scores")

    # 14. The open data carries the award, and validates against the OCDS 1.1 schema.
    package = json.loads(visitor.request.get(f"{live}/ocds/{ocid}.json").text())
    award_release = next(release for release in package["releases"] if "award" in release["tag"])
    assert [supplier["name"] for supplier in award_release["awards"][0]["suppliers"]] == ["Haneul Sensing"]
    if HAS_SCHEMAS:
        assert schema_errors(package) == []

"""Challenges: drafts stay inside the city; published ones are upcoming, open, then closed."""
from datetime import date, timedelta

from sqlalchemy import select

from portal.challenges.models import Challenge, ChallengeConsultant
from portal.extensions import db
from portal.organisations.models import Organisation

from . import factories

TODAY = date.today()
FORM = {"title": "Flood alerts for semi-basement homes", "summary": "Residents need minutes of warning.",
        "language": "ko", "problem": "집중호우 때 반지하 주택이 침수됩니다.", "outcomes": "침수 10분 전 경보.",
        "title_ko": "반지하 침수 경보", "summary_ko": "", "sectors": ["safety", "water-waste"],
        "budget_min": "150000000", "budget_max": "400000000", "currency": "KRW",
        "opens": (TODAY - timedelta(days=1)).isoformat(), "closes": (TODAY + timedelta(days=60)).isoformat()}


def challenges(app):
    with app.app_context():
        return db.session.scalars(select(Challenge)).all()


def test_city_drafts_then_publishes(app, client, world, login):
    login(world["city"])
    forged = dict(FORM, status="published", organisation_id=world["other_city_org"])
    response = client.post("/challenges/new", data=forged)
    assert response.status_code == 302
    (challenge,) = challenges(app)
    assert challenge.status == "draft" and challenge.organisation_id == world["city_org"]
    key = challenge.key
    assert "This is a draft" in client.get(f"/challenges/{key}").get_data(as_text=True)
    assert "Flood alerts" not in client.get("/challenges").get_data(as_text=True)
    login(world["other_city"])
    assert client.get(f"/challenges/{key}").status_code == 404
    login(world["city"])
    assert client.post(f"/challenges/{key}/publish").status_code == 302
    client.post("/logout")
    listing = client.get("/challenges").get_data(as_text=True)
    assert "Flood alerts for semi-basement homes" in listing
    page = client.get(f"/challenges/{key}").get_data(as_text=True)
    assert "반지하 침수 경보" in page and "집중호우 때" in page
    assert "₩150,000,000" in page and "₩400,000,000" in page


def test_challenge_rules_are_all_reported_in_one_round(app, client, world, login):
    login(world["city"])
    bad = dict(FORM, budget_min="500", budget_max="100", currency="XYZ", sectors=[], title="",
               opens=TODAY.isoformat(), closes=(TODAY - timedelta(days=3)).isoformat())
    response = client.post("/challenges/new", data=bad)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for message in ("Not a valid choice", "The maximum must not be below the minimum.",
                    "The closing date must not be before the opening date.", "Choose at least one sector.",
                    "This field is required."):
        assert message in page, message
    response = client.post("/challenges/new", data=dict(FORM, opens="2027-02-30", budget_min="-1"))
    assert "Not a valid date value" in response.get_data(as_text=True)
    assert challenges(app) == []


def test_phases_follow_the_dates(app, client, world):
    with app.test_request_context():
        city = db.session.get(Organisation, world["city_org"])
        factories.challenge(city, title="Alpha upcoming", opens=TODAY + timedelta(days=5),
                            closes=TODAY + timedelta(days=40))
        factories.challenge(city, title="Beta open")
        factories.challenge(city, title="Gamma past", opens=TODAY - timedelta(days=40),
                            closes=TODAY - timedelta(days=2))
        closed_early = factories.challenge(city, title="Delta closed early")
        closed_early.status = Challenge.CLOSED
        factories.challenge(city, title="Epsilon draft", status=Challenge.DRAFT)
        db.session.commit()

    def titles(phase):
        page = client.get(f"/challenges?phase={phase}").get_data(as_text=True)
        return {t.split()[0] for t in ("Alpha upcoming", "Beta open", "Gamma past", "Delta closed",
                                       "Epsilon draft") if t in page}

    assert titles("upcoming") == {"Alpha"}
    assert titles("open") == {"Beta"}
    assert titles("closed") == {"Gamma", "Delta"}


def test_deadline_is_shown_in_the_citys_and_the_viewers_time_zone(app, client, world, login):
    with app.test_request_context():
        city = db.session.get(Organisation, world["city_org"])
        key = factories.challenge(city, closes=date(2030, 3, 1), opens=date(2030, 1, 1)).key
        db.session.commit()
    client.set_cookie("tz", "Europe/Copenhagen")
    page = client.get(f"/challenges/{key}").get_data(as_text=True)
    # End of 1 March in Seoul is 15:59 the same day in Copenhagen.
    assert "March 1, 2030, 11:59\u202fPM</time>" in page and "(Seoul)" in page
    assert "Your time: March 1, 2030, 3:59\u202fPM (Copenhagen)" in page
    client.post("/language", data={"language": "ko"})
    page = client.get(f"/challenges/{key}").get_data(as_text=True)
    assert "2030년 3월 1일 23:59</time>" in page and "2030년 3월 1일 15:59" in page


def test_a_visitor_whose_zone_is_not_known_yet_is_not_told_that_utc_is_their_time(app, client, world):
    with app.test_request_context():
        city = db.session.get(Organisation, world["city_org"])
        key = factories.challenge(city, closes=date(2030, 3, 1), opens=date(2030, 1, 1)).key
        db.session.commit()
    # The first page a browser sees: its script has not reported the zone yet.
    page = " ".join(client.get(f"/challenges/{key}").get_data(as_text=True).split())
    assert "In UTC: March 1, 2030, 2:59 PM</span>" in page and "Your time" not in page


def test_city_closes_early_and_only_drafts_publish(app, client, world, login):
    with app.test_request_context():
        key = factories.challenge(db.session.get(Organisation, world["city_org"])).key
        db.session.commit()
    login(world["city"])
    response = client.post(f"/challenges/{key}/publish")
    assert response.status_code == 422 and "Only a draft can be published." in response.get_data(as_text=True)
    assert client.post(f"/challenges/{key}/close").status_code == 302
    assert "Closed" in client.get(f"/challenges/{key}").get_data(as_text=True)


def test_publishing_a_draft_whose_deadline_passed_is_refused(app, client, world, login):
    with app.test_request_context():
        key = factories.challenge(db.session.get(Organisation, world["city_org"]), status=Challenge.DRAFT,
                                  opens=TODAY - timedelta(days=9), closes=TODAY - timedelta(days=1)).key
        db.session.commit()
    login(world["city"])
    response = client.post(f"/challenges/{key}/publish")
    assert response.status_code == 422
    assert "The closing date has passed" in response.get_data(as_text=True)
    assert challenges(app)[0].status == "draft"


def test_changing_the_city_time_zone_moves_the_deadline(app, client, world, login):
    with app.test_request_context():
        key = factories.challenge(db.session.get(Organisation, world["city_org"]),
                                  opens=date(2030, 1, 1), closes=date(2030, 3, 1)).key
        db.session.commit()
    login(world["city"])
    client.post("/organisations/seoul-test-city/edit", data={
        "name": "Seoul Test City", "country": "KR", "timezone": "UTC", "website": "", "description": "",
        "sectors": ["mobility"]})
    with app.app_context():
        challenge = db.session.scalar(select(Challenge).where(Challenge.key == key))
        assert challenge.closes_at.isoformat() == "2030-03-02T00:00:00+00:00"


def test_a_consultancy_dashboard_lists_only_the_challenges_it_may_open(app, client, world, login):
    with app.test_request_context():
        seoul = db.session.get(Organisation, world["city_org"])
        pending_city = factories.organisation("city", verified=False, name="Unverified Town")
        visible = factories.challenge(seoul, title="Open heat islands")
        draft = factories.challenge(seoul, title="Unpublished parking idea", status=Challenge.DRAFT)
        pending = factories.challenge(pending_city, title="Urgent account notice from an unverified town")
        for challenge in (visible, draft, pending):
            challenge.consultants.append(ChallengeConsultant(organisation_id=world["consultancy_org"]))
        db.session.commit()
        keys = {challenge.title: challenge.key for challenge in (visible, draft, pending)}
    login(world["consultant"])
    dashboard = client.get("/dashboard").get_data(as_text=True)
    for title, key in keys.items():
        opens = client.get(f"/challenges/{key}").status_code == 200
        assert (title in dashboard) is opens, title
    assert "Open heat islands" in dashboard
    assert "Unpublished parking idea" not in dashboard
    assert "Urgent account notice from an unverified town" not in dashboard


def test_unknown_filter_values_are_ignored_not_refused(app, client, world):
    with app.test_request_context():
        factories.challenge(db.session.get(Organisation, world["city_org"]), title="Safer school routes")
        db.session.commit()
    response = client.get("/challenges?sector=nonsense&country=ZZ&organisation=nobody&phase=sideways")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Safer school routes" in page and "were not valid" in page
    assert client.get("/organisations?kind=planet").status_code == 200

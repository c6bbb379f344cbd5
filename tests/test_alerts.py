"""Alerts: a company saves a search or follows a sector and is told when a new challenge matches."""
import json

from portal.alerts.models import Alert
from portal.challenges.models import Challenge
from portal.extensions import db
from portal.notifications.models import Notification
from portal.organisations.models import Organisation

from . import factories
from .test_challenges import FORM as CHALLENGE_FORM


def notified_titles(app, user_id):
    with app.app_context():
        rows = db.session.query(Notification).filter_by(user_id=user_id, kind="alert_match").all()
        return sorted(db.session.get(Challenge, row.record_id).title for row in rows)


def publish(app, client, login, world, **fields):
    login(world["city"])
    client.post("/challenges/new", data=dict(CHALLENGE_FORM, **fields))
    with app.app_context():
        key = db.session.query(Challenge).filter_by(title=fields["title"]).one().key
    client.post(f"/challenges/{key}/publish")
    return key


def test_a_saved_search_and_a_followed_sector_bring_notifications(app, client, world, login):
    login(world["company"])
    assert client.post("/alerts", data={"query": "flooding"}).status_code == 302
    login(world["other_company"])
    client.post("/alerts", data={"sector": "energy"})
    # A Korean challenge about 침수 reaches the English saved search through the glossary.
    publish(app, client, login, world, title="Semi-basement flood alerts", sectors=["safety"])
    publish(app, client, login, world, title="Heat pumps for schools", sectors=["energy"], language="en", title_ko="",
            problem="Old oil boilers.", outcomes="Lower bills.", summary="Replace boilers.")
    assert notified_titles(app, world["company"]) == ["Semi-basement flood alerts"]
    assert notified_titles(app, world["other_company"]) == ["Heat pumps for schools"]
    login(world["company"])
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'Notifications <span class="badge' in page
    page = client.get("/notifications").get_data(as_text=True)
    assert "Semi-basement flood alerts" in page and "matches your alert" in page
    client.post("/notifications/read")
    assert 'Notifications <span class="badge' not in client.get("/dashboard").get_data(as_text=True)


def test_every_word_of_a_saved_search_must_match(app, client, world, login):
    login(world["company"])
    client.post("/alerts", data={"query": "flood drone"})
    publish(app, client, login, world, title="Semi-basement flood alerts", sectors=["safety"])
    assert notified_titles(app, world["company"]) == []


def test_drafts_do_not_notify_and_nobody_is_told_twice(app, client, world, login, runner, tmp_path):
    login(world["company"])
    client.post("/alerts", data={"sector": "safety"})
    login(world["city"])
    client.post("/challenges/new", data=dict(CHALLENGE_FORM, title="Just a draft"))
    assert notified_titles(app, world["company"]) == []
    with app.test_request_context():
        city = db.session.get(Organisation, world["city_org"])
        from portal.alerts.services import notify_new_challenge

        challenge = factories.challenge(city, title="Twice told", sectors=["safety"])
        notify_new_challenge(challenge)
        notify_new_challenge(challenge)
        db.session.commit()
    assert notified_titles(app, world["company"]) == ["Twice told"]


def test_imported_and_newly_verified_challenges_notify(app, client, world, login, runner, tmp_path):
    login(world["company"])
    client.post("/alerts", data={"sector": "water-waste"})
    data = {"organisations": [{"key": "imp-city", "kind": "city", "name": "Imported City", "country": "SE"}],
            "solutions": [],
            "challenges": [{"key": "ch-imp", "organisation": "imp-city", "title": "Leaking water mains",
                            "summary": "Find leaks.", "problem": "Leaks.", "outcomes": "Fewer leaks.",
                            "language": "en", "sectors": ["water-waste"],
                            "budget": {"min": 1, "max": 2, "currency": "SEK"},
                            "opens": "2026-01-01", "closes": "2099-01-01"}]}
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data))
    assert runner.invoke(args=["import-json", str(path)]).exit_code == 0
    assert notified_titles(app, world["company"]) == ["Leaking water mains"]
    with app.test_request_context():
        pending_city = factories.organisation("city", verified=False, name="Pending Town")
        factories.challenge(pending_city, title="Storm drains", sectors=["water-waste"])
        db.session.commit()
        pending_id = pending_city.id
    assert notified_titles(app, world["company"]) == ["Leaking water mains"]
    login(world["admin"])
    client.post(f"/admin/organisations/{pending_id}/verify")
    assert notified_titles(app, world["company"]) == ["Leaking water mains", "Storm drains"]


def test_alert_input_is_checked(app, client, world, login):
    login(world["company"])
    response = client.post("/alerts", data={"query": "", "sector": ""})
    assert response.status_code == 422 and "Give words to look for" in response.get_data(as_text=True)
    response = client.post("/alerts", data={"query": "the and or", "sector": ""})
    assert response.status_code == 422 and "too common" in response.get_data(as_text=True)
    assert client.post("/alerts", data={"sector": "astrology"}).status_code == 422
    with app.app_context():
        assert db.session.query(Alert).count() == 0


def test_search_page_offers_to_save_the_search(client, world, login):
    login(world["company"])
    page = client.get("/search?q=flood").get_data(as_text=True)
    assert "Tell me about new challenges like this" in page
    login(world["city"])
    assert "Tell me about new challenges like this" not in client.get("/search?q=flood").get_data(as_text=True)

"""Notifications: what domains announce reaches people on the portal and by mail, as each person chose."""
import re

from sqlalchemy import select

from portal import signals
from portal.extensions import db
from portal.mail.models import OutgoingMail
from portal.notifications.models import Notification, NotificationPreference

from . import factories
from .test_alerts import publish


def pending_member(app, locale="en"):
    """(organisation id, member id) of a new company waiting for verification."""
    with app.test_request_context():
        organisation = factories.organisation("company", verified=False, name="Fjord Data")
        member = factories.user(organisation, email="member@fjord.example", locale=locale)
        db.session.commit()
        return organisation.id, member.id


def kinds_of(app, user_id):
    with app.app_context():
        return [n.kind for n in db.session.scalars(select(Notification).where(Notification.user_id == user_id))]


def test_a_rejection_reaches_the_members_with_the_reason(app, client, world, login, outbox):
    organisation_id, member_id = pending_member(app)
    login(world["admin"])
    reason = "We could not find <Fjord Data> in the company register."
    client.post(f"/admin/organisations/{organisation_id}/reject", data={"reason": reason})
    (message,) = outbox()
    assert message["To"] == "member@fjord.example"
    assert message["Subject"] == "Your organisation was not verified on CoCity"
    text, html = message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()
    assert reason in text and "We could not find &lt;Fjord Data&gt;" in html
    assert "http://localhost/organisations/fjord-data" in text
    assert re.search(r"http://localhost/account\b", text)  # where to change what arrives
    login(member_id)
    page = client.get("/notifications").get_data(as_text=True)
    assert "An administrator did not verify “Fjord Data”. The reason: We could not find &lt;Fjord Data&gt;" in page
    followed = client.get(re.search(r'href="(/notifications/\d+)"', page).group(1))
    assert followed.status_code == 302 and followed.headers["Location"] == "/organisations/fjord-data"


def test_the_portal_shows_notifications_in_the_readers_language(app, client, world, login):
    organisation_id, member_id = pending_member(app, locale="ko")
    login(world["admin"])
    client.post(f"/admin/organisations/{organisation_id}/verify")
    login(member_id)
    page = client.get("/notifications").get_data(as_text=True)
    assert "관리자가 “Fjord Data”을(를) 인증했습니다." in page


def test_each_person_chooses_how_each_kind_reaches_them(app, client, world, login, outbox):
    organisation_id, member_id = pending_member(app)
    login(member_id)
    page = client.get("/account").get_data(as_text=True)
    assert "Your organisation is verified" in page and "On the portal and by email" in page
    response = client.post("/account", data={"notify-section": "notifications",
                                              "notify-organisation_verified": "portal",
                                              "notify-organisation_rejected": "off", "notify-alert_match": "email"})
    assert response.status_code == 302
    login(world["admin"])
    client.post(f"/admin/organisations/{organisation_id}/verify")
    client.post(f"/admin/organisations/{organisation_id}/reject", data={"reason": "A second look."})
    assert kinds_of(app, member_id) == ["organisation_verified"]
    assert outbox() == []
    # Mail about the account itself always goes.
    client.post("/logout")
    client.post("/password/forgot", data={"email": "member@fjord.example"})
    assert [message["Subject"] for message in outbox()] == ["Reset your CoCity password"]


def test_a_choice_that_does_not_exist_is_refused_and_changes_nothing(app, client, world, login):
    login(world["company"])
    response = client.post("/account", data={"notify-section": "notifications",
                                              "notify-organisation_verified": "carrier-pigeon",
                                              "notify-organisation_rejected": "off", "notify-alert_match": "off"})
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(NotificationPreference)).all() == []


def test_an_alert_match_is_mailed_with_a_link_to_the_challenge(app, client, world, login, outbox):
    login(world["company"])
    client.post("/alerts", data={"query": "flooding"})
    key = publish(app, client, login, world, title="Semi-basement flood alerts", sectors=["safety"])
    (message,) = [m for m in outbox() if m["To"] == "company@example.org"]
    assert message["Subject"] == "A new challenge matches your alert on CoCity"
    text = message.get_body(("plain",)).get_content()
    assert "“Semi-basement flood alerts”, Seoul Test City" in text and "Your search: “flooding”" in text
    assert f"http://localhost/challenges/{key}" in text


def test_nothing_is_queued_when_the_change_is_refused(app, client, world, login):
    organisation_id, _member_id = pending_member(app)
    login(world["admin"])
    response = client.post(f"/admin/organisations/{organisation_id}/reject", data={"reason": ""})
    assert response.status_code == 302  # the queue page again, with the error
    with app.app_context():
        assert db.session.scalars(select(OutgoingMail)).all() == []
        assert db.session.scalars(select(Notification)).all() == []


def test_a_new_listener_hears_what_a_domain_announces(app, client, world, login):
    heard = []

    def listener(sender, challenge, **_data):
        heard.append((sender, challenge.title))

    signals.challenge_published.connect(listener, sender=app)
    try:
        publish(app, client, login, world, title="Quiet streets at night", sectors=["safety"])
    finally:
        signals.challenge_published.disconnect(listener, sender=app)
    assert heard == [(app, "Quiet streets at night")]


def test_following_a_notification_marks_it_read_and_only_its_reader_may(app, client, world, login):
    organisation_id, member_id = pending_member(app)
    login(world["admin"])
    client.post(f"/admin/organisations/{organisation_id}/verify")
    with app.app_context():
        notification_id = db.session.scalar(select(Notification.id).where(Notification.user_id == member_id))
    login(world["company"])
    assert client.get(f"/notifications/{notification_id}").status_code == 404
    login(member_id)
    assert '<span class="badge rounded-pill text-bg-danger">1' in client.get("/notifications").get_data(as_text=True)
    assert client.get(f"/notifications/{notification_id}").headers["Location"] == "/organisations/fjord-data"
    page = client.get("/notifications").get_data(as_text=True)
    assert "text-bg-danger" not in page and "list-group-item-warning" not in page
    with app.app_context():
        assert db.session.get(Notification, notification_id).read_at is not None

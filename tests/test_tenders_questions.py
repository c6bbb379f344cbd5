"""Questions and answers on a tender: verified companies ask until the clarification deadline, the city answers
in public, and who asked is shown to nobody but the asking organisation: not on any page, not in any
notification or mail, not in the versions the next amendment freezes."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.extensions import db
from portal.model_types import utcnow
from portal.notifications.models import Notification
from portal.notifications.services import describe
from portal.tenders import services
from portal.tenders.models import Question, Tender

from . import factories, tender_factories

QUESTION = "Can one company bid for both lots?"
ANSWER = "Yes: each lot is scored on its own."
PERSONAS = ("anonymous", "company", "other_company", "city", "other_city", "consultant", "admin")
# What would tell who asked: the asking company's name, its person's name and address.
ASKER = ("Alpha Sensing", "company@example.org")


def get(model, id):
    return db.session.get(model, id)


@pytest.fixture
def tender(app, world):
    """The city's tender, published a day ago: questions until 19 days from now."""
    with app.test_request_context():
        item = tender_factories.published(get(User, world["city"]), utcnow() - timedelta(days=1))
        db.session.commit()
        return item.id


def page_as(client, login, world, persona, tender):
    client.post("/logout")
    if persona != "anonymous":
        login(world[persona])
    return client.get(f"/tenders/{tender}").get_data(as_text=True)


def ask(client, login, world, tender, persona="company", text=QUESTION):
    login(world[persona])
    return client.post(f"/tenders/{tender}/questions", data={"text": text})


def notices(kind):
    return db.session.scalars(select(Notification).where(Notification.kind == kind)).all()


def test_a_company_asks_and_the_city_hears_of_it_without_learning_who(app, client, login, world, tender, outbox):
    response = ask(client, login, world, tender)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/tenders/{tender}#questions")
    own = client.get(f"/tenders/{tender}").get_data(as_text=True)
    assert QUESTION in own and "Your organisation asked this" in own and "Not answered yet." in own
    with app.test_request_context():
        (notice,) = notices("question_asked")
        assert notice.user_id == world["city"]
        text = describe(notice)
        assert "A company asked a question about your tender" in text
        assert not any(word in text or word in str(notice.params) for word in ASKER + ("Person",))
    mails = [message for message in outbox() if message["To"] == "city@example.org"]
    assert len(mails) == 1
    body = mails[0].get_body(preferencelist=("plain",)).get_content()
    assert not any(word in body for word in ASKER)
    # Unanswered, the question is the asking company's and the city's only; the city never sees who asked.
    for persona in PERSONAS:
        page = page_as(client, login, world, persona, tender)
        assert (QUESTION in page) is (persona in ("company", "city")), persona
        if persona != "company":
            assert not any(word in page for word in ASKER), persona
            assert "Your organisation asked this" not in page, persona


def test_the_answer_is_public_and_the_asker_anonymous_everywhere(app, client, login, world, tender, outbox):
    ask(client, login, world, tender)
    with app.app_context():
        question_id = db.session.scalar(select(Question.id))
    login(world["city"])
    response = client.post(f"/tenders/{tender}/questions/{question_id}/answer", data={"answer": ANSWER})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#question-{question_id}")
    again = client.post(f"/tenders/{tender}/questions/{question_id}/answer", data={"answer": "Again."})
    assert again.status_code == 409 and "answered already" in again.get_data(as_text=True)
    for persona in PERSONAS:
        page = page_as(client, login, world, persona, tender)
        assert QUESTION in page and ANSWER in page, persona
        assert ("Your organisation asked this" in page) is (persona == "company"), persona
        if persona != "company":
            assert not any(word in page for word in ASKER), persona
    with app.test_request_context():
        (notice,) = notices("question_answered")
        assert notice.user_id == world["company"] and notice.link == f"/tenders/{tender}#question-{question_id}"
        assert get(Question, question_id).answer == ANSWER
    assert [message["To"] for message in outbox() if "answered" in message["Subject"]] == ["company@example.org"]


def test_the_next_amendment_freezes_the_answers_without_the_asker(app, world, tender):
    with app.test_request_context():
        city, company = get(User, world["city"]), get(User, world["company"])
        item = get(Tender, tender)
        question = services.ask(company, item, QUESTION)
        assert item.versions[0].snapshot["clarifications"] == []
        services.answer(city, question, ANSWER)
        services.amend(city, item, services.data_of(item), item.revision, "The clarifications annex.")
        db.session.commit()
        (clarification,) = item.versions[1].snapshot["clarifications"]
        assert (clarification["question"], clarification["answer"]) == (QUESTION, ANSWER)
        assert not any(word in str(item.versions[1].snapshot) for word in ASKER)


def test_a_question_after_the_clarification_deadline_is_refused(app, client, login, world):
    with app.test_request_context():
        item = tender_factories.published(get(User, world["city"]), utcnow() - timedelta(days=25))
        db.session.commit()
        tender = item.id
        assert item.clarification_deadline < utcnow() < item.submission_deadline
    response = ask(client, login, world, tender)
    assert response.status_code == 409 and "Questions closed with the clarification deadline" in response.get_data(
        as_text=True)
    page = client.get(f"/tenders/{tender}").get_data(as_text=True)
    assert f'action="/tenders/{tender}/questions"' not in page
    assert "No question was answered." in page and "No answered questions yet." not in page  # none will be now
    with app.app_context():
        assert db.session.scalar(select(func.count(Question.id))) == 0


def test_answers_close_at_the_clarification_deadline(app, client, login, world):
    with app.test_request_context():
        now = utcnow()
        item = tender_factories.published(get(User, world["city"]), now - timedelta(days=25))
        question = services.ask(get(User, world["company"]), item, QUESTION, now=now - timedelta(days=24))
        db.session.commit()
        tender, question_id = item.id, question.id
    login(world["city"])
    page = client.get(f"/tenders/{tender}").get_data(as_text=True)
    assert "Answers closed on" in page and f"/questions/{question_id}/answer" not in page
    response = client.post(f"/tenders/{tender}/questions/{question_id}/answer", data={"answer": ANSWER})
    assert response.status_code == 409 and "Answers closed on" in response.get_data(as_text=True)
    with app.app_context():
        assert get(Question, question_id).answered_at is None


@pytest.mark.parametrize("persona", ["city", "other_city", "consultant", "admin"])
def test_only_members_of_verified_companies_ask(app, client, login, world, tender, persona):
    assert ask(client, login, world, tender, persona).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count(Question.id))) == 0


def test_a_pending_company_does_not_ask_and_nobody_asks_about_a_draft(app, client, login, world):
    with app.test_request_context():
        pending = factories.user(factories.organisation("company", verified=False)).id
        draft = tender_factories.draft(get(User, world["city"])).id
        published = tender_factories.published(get(User, world["city"])).id
        db.session.commit()
    login(pending)
    assert client.post(f"/tenders/{published}/questions", data={"text": QUESTION}).status_code == 403
    login(world["company"])
    assert client.post(f"/tenders/{draft}/questions", data={"text": QUESTION}).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count(Question.id))) == 0


def test_an_empty_question_or_answer_is_refused_with_a_reason(app, client, login, world, tender):
    response = ask(client, login, world, tender, text="  ")
    assert response.status_code == 422 and "This field is required." in response.get_data(as_text=True)
    ask(client, login, world, tender)
    with app.app_context():
        question_id = db.session.scalar(select(Question.id))
    login(world["city"])
    empty = client.post(f"/tenders/{tender}/questions/{question_id}/answer", data={"answer": ""})
    assert empty.status_code == 422 and "This field is required." in empty.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Question.id))) == 1
        assert get(Question, question_id).answered_at is None
    # Another city's member cannot answer, even by the address.
    login(world["other_city"])
    assert client.post(f"/tenders/{tender}/questions/{question_id}/answer", data={"answer": "No"}).status_code == 403

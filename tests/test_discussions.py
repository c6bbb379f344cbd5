"""Threads in a workspace: Markdown posts, mentions that notify, replies that tell the thread, members only."""
import pytest

from portal.accounts.models import User
from portal.discussions.models import Post, Thread
from portal.extensions import db
from portal.notifications.models import Notification, NotificationPreference
from portal.organisations.models import Organisation

from . import factories
from .conftest import log_in
from .test_markup import dangers


@pytest.fixture
def room(app, world):
    """Workspace A: the city (김하늘), the company (Hana Lee) and the consultancy (Mads Berg); workspace B: the city
    and the other company (Eve Outsider)."""
    with app.test_request_context():
        for persona, name in (("city", "김하늘"), ("company", "Hana Lee"), ("consultant", "Mads Berg"),
                              ("other_company", "Eve Outsider")):
            db.session.get(User, world[persona]).name = name
        city = db.session.get(Organisation, world["city_org"])
        first = factories.workspace(factories.challenge(city, title="Flooded alleys"),
                                    [db.session.get(Organisation, world["company_org"])],
                                    db.session.get(Organisation, world["consultancy_org"]))
        second = factories.workspace(factories.challenge(city, title="Night buses"),
                                     [db.session.get(Organisation, world["other_company_org"])])
        db.session.commit()
        return {"a": first.id, "b": second.id}


def client_of(app, world, persona):
    client = app.test_client()
    log_in(app, client, world[persona])
    return client


def start(client, workspace_id, title="Sensor placement", body="Where do the **sensors** go?"):
    return client.post(f"/workspaces/{workspace_id}/threads/new", data={"title": title, "body": body})


def only(app, model):
    with app.app_context():
        return db.session.scalars(db.select(model).order_by(model.id)).all()


def notices(app, world, persona):
    with app.app_context():
        return [(row.kind, row.link) for row in db.session.scalars(db.select(Notification).where(
            Notification.user_id == world[persona]).order_by(Notification.id))]


def test_a_thread_renders_markdown_and_a_mention_tells_the_mentioned_member(app, room, world, outbox):
    company = client_of(app, world, "company")
    response = start(company, room["a"], body="## Where\n\n@mads-berg, is *this* the [map](https://example.org/map)?")
    assert response.status_code == 302
    thread = only(app, Thread)[0]
    page = company.get(response.headers["Location"]).get_data(as_text=True)
    assert "<h2>Where</h2>" in page and "<em>this</em>" in page
    assert '<a href="https://example.org/map" rel="noopener noreferrer nofollow">map</a>' in page
    assert 'class="mention"' in page and ">@mads-berg</a>" in page
    assert f'href="/workspaces/{room["a"]}"' in page  # back to the workspace
    assert "@김하늘" in page  # the hint names who can be mentioned
    post = only(app, Post)[0]
    link = f"/workspaces/{room['a']}/threads/{thread.id}#post-{post.id}"
    assert notices(app, world, "consultant") == [("member_mentioned", link)]
    assert notices(app, world, "company") == [] and notices(app, world, "city") == []
    mail = outbox()[-1]
    assert mail["To"] == "consultant@example.org"
    assert "Hana Lee mentioned you" in mail.get_body(preferencelist=("plain",)).get_content()
    assert f"http://localhost{link}" in mail.get_body(preferencelist=("plain",)).get_content()


def test_a_reply_tells_the_people_who_wrote_in_the_thread_but_not_twice(app, room, world):
    company = client_of(app, world, "company")
    location = start(company, room["a"]).headers["Location"]
    city = client_of(app, world, "city")
    assert city.post(location, data={"body": "Near the pumping station."}).status_code == 302
    assert [kind for kind, _link in notices(app, world, "company")] == ["thread_post"]
    assert notices(app, world, "consultant") == []  # not in the thread, not mentioned
    # The company is mentioned in the next reply: it hears of it once, as a mention.
    assert city.post(location, data={"body": "@hana-lee, can you check?"}).status_code == 302
    assert [kind for kind, _link in notices(app, world, "company")] == ["thread_post", "member_mentioned"]
    assert notices(app, world, "city") == []  # never about one's own posts


def test_a_member_can_switch_thread_posts_off(app, room, world):
    with app.app_context():
        db.session.add(NotificationPreference(user_id=world["company"], kind="thread_post", channel="off"))
        db.session.commit()
    company = client_of(app, world, "company")
    location = start(company, room["a"]).headers["Location"]
    client_of(app, world, "city").post(location, data={"body": "Near the pumping station."})
    assert notices(app, world, "company") == []
    assert "A new post in a thread you wrote in" in company.get("/account").get_data(as_text=True)


def test_only_members_can_be_mentioned(app, room, world):
    company = client_of(app, world, "company")
    location = start(company, room["a"], body="Ask @eve-outsider and @nobody.").headers["Location"]
    page = company.get(location).get_data(as_text=True)
    assert "Ask @eve-outsider and @nobody." in page and 'class="mention"' not in page.split('id="reply-heading"')[0]
    assert notices(app, world, "other_company") == []


def test_hostile_posts_render_harmless(app, room, world):
    company = client_of(app, world, "company")
    hostile = ('<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)> '
               '<a href="https://e.example" onclick="alert(1)">raw</a>')
    location = start(company, room["a"], title="<script>alert('t')</script>", body=hostile).headers["Location"]
    page = company.get(location).get_data(as_text=True)
    article = page.split('<article')[1].split("</article>")[0]
    assert dangers(article) == []
    assert "&lt;script&gt;alert" in page  # shown as text, title included


@pytest.mark.parametrize("body", ["", "   \n\t  "])
def test_empty_posts_are_refused_and_change_nothing(app, room, world, body):
    company = client_of(app, world, "company")
    response = start(company, room["a"], body=body)
    assert response.status_code == 422
    assert "A post cannot be empty" in response.get_data(as_text=True)
    assert only(app, Thread) == []
    location = start(company, room["a"]).headers["Location"]
    response = company.post(location, data={"body": body})
    assert response.status_code == 422 and "A post cannot be empty" in response.get_data(as_text=True)
    assert len(only(app, Post)) == 1


def test_a_thread_needs_a_subject(app, room, world):
    response = start(client_of(app, world, "company"), room["a"], title="  ")
    assert response.status_code == 422 and "This field is required." in response.get_data(as_text=True)
    assert only(app, Thread) == []


def test_the_same_reply_sent_twice_is_kept_once(app, room, world):
    company = client_of(app, world, "company")
    location = start(company, room["a"]).headers["Location"]
    assert company.post(location, data={"body": "Agreed."}).status_code == 302
    response = company.post(location, data={"body": "Agreed. "})
    assert response.status_code == 422 and "You posted this text already" in response.get_data(as_text=True)
    assert len(only(app, Post)) == 2


def test_an_author_edits_their_post_which_shows_it_and_tells_only_the_newly_mentioned(app, room, world):
    company = client_of(app, world, "company")
    location = start(company, room["a"], body="Hello @mads-berg").headers["Location"]
    post = only(app, Post)[0]
    edit = f"/workspaces/{room['a']}/threads/{post.thread_id}/posts/{post.id}/edit"
    assert "Hello @mads-berg" in company.get(edit).get_data(as_text=True)
    assert company.post(edit, data={"body": "Hello @mads-berg and @김하늘"}).status_code == 302
    page = company.get(location).get_data(as_text=True)
    assert "edited" in page and ">@김하늘</a>" in page
    assert [kind for kind, _link in notices(app, world, "consultant")] == ["member_mentioned"]
    assert [kind for kind, _link in notices(app, world, "city")] == ["member_mentioned"]
    # Another member may read the post but not change it; an empty edit changes nothing.
    city = client_of(app, world, "city")
    assert city.get(edit).status_code == 403
    assert city.post(edit, data={"body": "Mine now"}).status_code == 403
    assert company.post(edit, data={"body": " "}).status_code == 422
    assert only(app, Post)[0].body == "Hello @mads-berg and @김하늘"


def test_outsiders_get_404_and_a_thread_is_not_found_under_another_workspace(app, room, world):
    company = client_of(app, world, "company")
    location = start(company, room["a"], title="Secret plan").headers["Location"]
    thread = only(app, Thread)[0]
    post = only(app, Post)[0]
    paths = [f"/workspaces/{room['a']}/threads", f"/workspaces/{room['a']}/threads/new", location,
             f"/workspaces/{room['a']}/threads/{thread.id}/posts/{post.id}/edit"]
    for persona in ("other_company", "other_city", "admin"):
        client = client_of(app, world, persona)
        for path in paths:
            assert client.get(path).status_code == 404, (persona, path)
        assert client.post(location, data={"body": "let me in"}).status_code == 404
    assert len(only(app, Post)) == 1
    city = client_of(app, world, "city")  # a member of both workspaces
    assert city.get(f"/workspaces/{room['b']}/threads/{thread.id}").status_code == 404
    assert "Secret plan" not in city.get(f"/workspaces/{room['b']}/threads").get_data(as_text=True)
    assert "Secret plan" in city.get(f"/workspaces/{room['a']}/threads").get_data(as_text=True)

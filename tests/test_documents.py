"""Requirement documents: revisions, comparison, restore, stale edits merged, agreement by the city, deletion."""
import re

import pytest

from portal.accounts.models import User
from portal.documents import diff
from portal.documents import services as document_services
from portal.documents.models import Document, DocumentRevision
from portal.extensions import db
from portal.organisations.models import Organisation
from portal.workspaces.models import Workspace

from . import factories
from .conftest import log_in
from .test_markup import dangers

FIRST = "# Requirements\n\nThe sensors report every 5 minutes.\nThey run on mains power."


@pytest.fixture
def room(app, world):
    """Workspace A: the city (Mina Park), the company (Hana Lee), the consultancy; B: the city and the other company."""
    with app.test_request_context():
        db.session.get(User, world["city"]).name = "Mina Park"
        db.session.get(User, world["company"]).name = "Hana Lee"
        db.session.get(User, world["consultant"]).name = "Mads Berg"
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


def create(client, workspace_id, title="Sensor requirements", body=FIRST):
    response = client.post(f"/workspaces/{workspace_id}/documents/new", data={"title": title, "body": body})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def revisions(app):
    with app.app_context():
        return [(row.number, row.body, row.author.name) for row in db.session.scalars(
            db.select(DocumentRevision).order_by(DocumentRevision.number))]


def document_row(app):
    with app.app_context():
        document = db.session.scalar(db.select(Document))
        db.session.expunge(document)
        return document


def edit_base(client, location):
    """The revision number the edit form carries."""
    page = client.get(f"{location}/edit").get_data(as_text=True)
    return re.search(r'name="base" type="hidden" value="(\d+)"', page).group(1)


def save(client, location, body, base, title="Sensor requirements"):
    return client.post(f"{location}/edit", data={"title": title, "body": body, "base": base})


def test_every_save_is_a_revision_with_its_author_and_the_history_lists_them(app, room, world):
    company = client_of(app, world, "company")
    location = create(company, room["a"])
    consultant = client_of(app, world, "consultant")
    base = edit_base(consultant, location)
    assert save(consultant, location, FIRST.replace("5 minutes", "minute"), base).status_code == 302
    assert [(number, author) for number, _body, author in revisions(app)] == [(1, "Hana Lee"), (2, "Mads Berg")]
    history = company.get(f"{location}/revisions").get_data(as_text=True)
    assert "Revision 2" in history and "Revision 1" in history and "Mads Berg" in history
    assert f'href="/workspaces/{room["a"]}"' in history
    # Saving the same text again makes no revision.
    response = save(company, location, FIRST.replace("5 minutes", "minute"), "2")
    assert response.status_code == 302 and len(revisions(app)) == 2


def test_two_revisions_side_by_side_show_deleted_and_inserted_words_without_colour(app, room, world):
    company = client_of(app, world, "company")
    location = create(company, room["a"])
    save(company, location, FIRST.replace("every 5 minutes", "every minute") + "\nBatteries last 5 years.", "1")
    page = company.get(f"{location}/compare?from=1&to=2").get_data(as_text=True)
    assert "The sensors report every <del>5 minutes.</del>" in page
    assert "The sensors report every <ins>minute.</ins>" in page
    assert "<ins>Batteries last 5 years.</ins>" in page
    assert 'class="visually-hidden">inserted</span>' in page and 'class="visually-hidden">changed</span>' in page
    assert "deleted text is struck through" in page


def test_the_diff_works_line_and_word_wise():
    rows = diff.side_by_side("a b c\nkeep\ngone", "a x c\nkeep\nnew\nmore")
    assert [row.kind for row in rows] == ["replace", "equal", "replace", "insert"]
    assert rows[0].left == [("equal", "a "), ("delete", "b"), ("equal", " c")]
    assert rows[0].right == [("equal", "a "), ("insert", "x"), ("equal", " c")]
    assert rows[3].right == [("insert", "more")] and rows[3].left_number is None
    assert not diff.changed(diff.side_by_side("same", "same"))


def test_an_old_revision_is_restored_as_a_new_one(app, room, world):
    company = client_of(app, world, "company")
    location = create(company, room["a"])
    save(company, location, "Everything rewritten.", "1")
    response = company.post(f"{location}/revisions/1/restore")
    assert response.status_code == 302
    assert [number for number, _body, _author in revisions(app)] == [1, 2, 3]
    assert revisions(app)[2][1] == FIRST
    assert "restored from revision 1" in company.get(f"{location}/revisions").get_data(as_text=True)
    assert "Everything rewritten." in company.get(f"{location}/revisions/2").get_data(as_text=True)


def test_a_stale_edit_is_refused_with_both_versions_and_saves_after_merging(app, room, world):
    company, consultant = client_of(app, world, "company"), client_of(app, world, "consultant")
    location = create(company, room["a"])
    # Both open the editor on revision 1.
    assert edit_base(company, location) == edit_base(consultant, location) == "1"
    theirs = FIRST.replace("mains power", "solar power")
    assert save(consultant, location, theirs, "1").status_code == 302
    mine = FIRST + "\nData goes to the city's open data portal."
    response = save(company, location, mine, "1")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Your changes are not saved yet." in page
    assert "Mads Berg saved revision 2" in page and "after you started from revision 1" in page
    assert "solar" in page and "<ins>Data goes to the city&#39;s open data portal.</ins>" in page
    assert 'name="base" type="hidden" value="2"' in page  # the form now builds on the latest revision
    assert [body for _number, body, _author in revisions(app)] == [FIRST, theirs]  # nothing of theirs was lost
    merged = theirs + "\nData goes to the city's open data portal."
    assert save(company, location, merged, "2").status_code == 302
    assert [body for _number, body, _author in revisions(app)] == [FIRST, theirs, merged]


def test_an_edit_without_a_base_is_treated_as_stale(app, room, world):
    company = client_of(app, world, "company")
    location = create(company, room["a"])
    assert save(company, location, "Other text", "").status_code == 409
    assert len(revisions(app)) == 1


@pytest.mark.parametrize(("title", "body", "message"), [
    ("Requirements", "  \n ", "A document cannot be empty"),
    ("", "Text", "This field is required."),
])
def test_empty_documents_are_refused(app, room, world, title, body, message):
    company = client_of(app, world, "company")
    response = company.post(f"/workspaces/{room['a']}/documents/new", data={"title": title, "body": body})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    location = create(company, room["a"])
    response = save(company, location, body, "1", title=title)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert len(revisions(app)) == 1


def test_hostile_documents_render_harmless_on_every_page(app, room, world):
    company = client_of(app, world, "company")
    hostile = ("<script>alert(1)</script>\n\n[x](javascript:alert(1))\n\n<iframe src=https://e.example></iframe>\n\n"
               '<a href="https://e.example" onclick="alert(1)">raw</a>')
    location = create(company, room["a"], title="<script>alert('t')</script>", body=hostile)
    save(company, location, hostile + "\n\n<img src=x onerror=alert(2)>", "1", title="<script>alert('t')</script>")
    for path in (location, f"{location}/revisions", f"{location}/revisions/1", f"{location}/compare?from=1&to=2"):
        page = company.get(path).get_data(as_text=True)
        content = page.split('<main id="content"')[1].split("</main>")[0]
        assert [danger for danger in dangers(content) if danger != "form"] == [], path  # the portal's own forms
        assert "&lt;script&gt;" in content, path


def test_the_city_agrees_a_revision_and_a_later_edit_ends_the_agreement(app, room, world):
    company, city = client_of(app, world, "company"), client_of(app, world, "city")
    location = create(company, room["a"])
    assert "Agree revision 1" not in company.get(location).get_data(as_text=True)
    assert company.post(f"{location}/agree", data={"base": "1"}).status_code == 403
    assert city.post(f"{location}/agree", data={"base": "1"}).status_code == 302
    assert "Revision 1 is agreed by Mina Park" in company.get(location).get_data(as_text=True)
    with app.test_request_context():
        workspace = db.session.get(Workspace, room["a"])
        assert document_services.agreed_document(workspace).agreed_number == 1
    save(company, location, FIRST + "\nOne more requirement.", "1")
    page = company.get(location).get_data(as_text=True)
    assert "the edit after it ended the agreement" in page
    assert "This edit ended the agreement on revision 1." in company.get(f"{location}/revisions").get_data(as_text=True)
    with app.test_request_context():
        assert document_services.agreed_document(db.session.get(Workspace, room["a"])) is None
    # The city agrees only what it read: a stale agreement is refused and changes nothing.
    response = city.post(f"{location}/agree", data={"base": "1"}, follow_redirects=True)
    assert "The document changed since you opened it" in response.get_data(as_text=True)
    assert document_row(app).agreed_number is None
    city.post(f"{location}/agree", data={"base": "2"})
    assert document_row(app).agreed_number == 2


def test_the_city_deletes_a_document_which_then_answers_404_with_the_reason(app, room, world):
    company, city = client_of(app, world, "company"), client_of(app, world, "city")
    location = create(company, room["a"], title="Old draft")
    save(company, location, "Second", "1", title="Old draft")
    assert company.post(f"{location}/delete").status_code == 403
    assert document_row(app).deleted_at is None
    response = city.post(f"{location}/delete", follow_redirects=True)
    assert "“Old draft” is deleted." in response.get_data(as_text=True)
    assert "Old draft" not in city.get(f"/workspaces/{room['a']}/documents").get_data(as_text=True)
    for path in (location, f"{location}/edit", f"{location}/revisions", f"{location}/revisions/1",
                 f"{location}/compare?from=1&to=2"):
        response = company.get(path)
        assert response.status_code == 404, path
        assert "“Old draft” was deleted by Mina Park" in response.get_data(as_text=True), path
        assert "Second" not in response.get_data(as_text=True)
    assert company.post(f"{location}/edit", data={"title": "x", "body": "y", "base": "2"}).status_code == 404
    assert company.post(f"{location}/revisions/1/restore").status_code == 404
    assert len(revisions(app)) == 2
    outsider = client_of(app, world, "other_company")
    response = outsider.get(location)
    assert response.status_code == 404 and "Old draft" not in response.get_data(as_text=True)


def test_outsiders_get_404_and_a_document_is_not_found_under_another_workspace(app, room, world):
    location = create(client_of(app, world, "company"), room["a"], title="Secret requirements")
    paths = [f"/workspaces/{room['a']}/documents", f"/workspaces/{room['a']}/documents/new", location,
             f"{location}/edit", f"{location}/revisions", f"{location}/revisions/1", f"{location}/compare"]
    for persona in ("other_company", "other_city", "admin"):
        client = client_of(app, world, persona)
        for path in paths:
            assert client.get(path).status_code == 404, (persona, path)
        assert save(client, location, "mine", "1").status_code == 404
    city = client_of(app, world, "city")
    document_id = location.rsplit("/", 1)[1]
    assert city.get(f"/workspaces/{room['b']}/documents/{document_id}").status_code == 404
    assert "Secret requirements" not in city.get(f"/workspaces/{room['b']}/documents").get_data(as_text=True)
    assert len(revisions(app)) == 1

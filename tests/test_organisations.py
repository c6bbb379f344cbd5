"""Organisations: public profiles, editing by members, the admin's verification queue."""
from portal.extensions import db
from portal.organisations.models import Organisation

from . import factories


def make_pending_company(app):
    with app.test_request_context():
        org = factories.organisation("company", verified=False, name="Pending Sensors", alliance_member=True)
        member = factories.user(org, email="pending@example.org")
        db.session.commit()
        return org.id, member.id


def test_profile_shows_members_and_verified_alliance_membership(app, client, world):
    with app.test_request_context():
        org = db.session.get(Organisation, world["company_org"])
        org.alliance_member = True
        db.session.commit()
    page = client.get("/organisations/alpha-sensing").get_data(as_text=True)
    assert "Alpha Sensing" in page and "Verified alliance member" in page
    assert "Person" in page  # the member's name; their email stays private
    assert "company@example.org" not in page


def test_unverified_organisation_is_hidden_from_the_public_but_not_its_members(app, client, login):
    org_id, member_id = make_pending_company(app)
    assert client.get("/organisations/pending-sensors").status_code == 404
    login(member_id)
    page = client.get("/organisations/pending-sensors").get_data(as_text=True)
    assert "has not verified your organisation yet" in page
    assert "Alliance membership not yet verified" in page
    assert "Verified alliance member" not in page


def test_admin_verifies_from_the_queue(app, client, world, login):
    org_id, _member = make_pending_company(app)
    login(world["admin"])
    assert "Pending Sensors" in client.get("/admin/organisations").get_data(as_text=True)
    assert client.post(f"/admin/organisations/{org_id}/verify").status_code == 302
    page = client.get("/admin/organisations").get_data(as_text=True)
    assert "Pending Sensors is verified." in page
    assert 'href="/organisations/pending-sensors"' not in page
    client.post("/logout")
    assert "Verified alliance member" in client.get("/organisations/pending-sensors").get_data(as_text=True)


def test_rejection_needs_a_reason_and_members_see_it(app, client, world, login):
    org_id, member_id = make_pending_company(app)
    login(world["admin"])
    response = client.post(f"/admin/organisations/{org_id}/reject", data={"reason": "  "}, follow_redirects=True)
    assert "This field is required." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Organisation, org_id).verification == Organisation.PENDING
    client.post(f"/admin/organisations/{org_id}/reject", data={"reason": "The website does not load."})
    login(member_id)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "The website does not load." in page
    # After fixing the profile the members ask for another review.
    assert client.post("/organisations/pending-sensors/request-review").status_code == 302
    with app.app_context():
        assert db.session.get(Organisation, org_id).verification == Organisation.PENDING


def test_members_edit_their_profile_but_cannot_change_kind_or_verification(app, client, world, login):
    login(world["company"])
    response = client.post("/organisations/alpha-sensing/edit", data={
        "name": "Alpha Sensing Ltd", "country": "FI", "timezone": "Europe/Helsinki",
        "website": "https://alpha.example", "description": "Sensors.", "sectors": ["safety"],
        "kind": "city", "verification": "verified", "key": "hijacked",
    })
    assert response.status_code == 302
    with app.app_context():
        org = db.session.get(Organisation, world["company_org"])
        assert (org.name, org.country, org.timezone, org.sectors) == (
            "Alpha Sensing Ltd", "FI", "Europe/Helsinki", ["safety"])
        assert (org.kind, org.key) == ("company", "alpha-sensing")


def test_profile_edit_errors_keep_input_and_change_nothing(app, client, world, login):
    login(world["company"])
    response = client.post("/organisations/alpha-sensing/edit", data={
        "name": "Renamed", "country": "KR", "timezone": "Asia/Seoul", "website": "ftp://alpha",
        "description": "", "sectors": ["not-a-sector"]})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="Renamed"' in page and "Enter a web address starting with https://." in page
    with app.app_context():
        assert db.session.get(Organisation, world["company_org"]).name == "Alpha Sensing"


def test_directory_lists_verified_organisations_by_kind(app, client, world):
    make_pending_company(app)
    page = client.get("/organisations?kind=city").get_data(as_text=True)
    assert "Seoul Test City" in page and "Alpha Sensing" not in page
    assert "Pending Sensors" not in client.get("/organisations").get_data(as_text=True)


def test_an_organisation_may_have_a_korean_name_that_korean_readers_see_first(app, client, world, login):
    login(world["company"])
    response = client.post("/organisations/alpha-sensing/edit", data={
        "name": "Alpha Sensing", "name_ko": "알파 센싱", "country": "KR", "timezone": "Asia/Seoul",
        "website": "", "description": "Sensors.", "sectors": ["safety"]})
    assert response.status_code == 302
    english = client.get("/organisations/alpha-sensing").get_data(as_text=True)
    assert english.index("Alpha Sensing</h1>") < english.index('<span lang="ko">알파 센싱</span>')
    client.post("/language", data={"language": "ko"})
    korean = client.get("/organisations/alpha-sensing").get_data(as_text=True)
    assert '<h1 class="h3 mb-1"><span lang="ko">알파 센싱</span></h1>' in korean
    directory = client.get("/organisations?kind=company").get_data(as_text=True)
    assert directory.index("알파 센싱") < directory.index("Alpha Sensing")
    found = client.get("/search?q=알파").get_data(as_text=True)
    assert '<span lang="ko">알파 센싱</span>' in found


def test_the_queue_warns_when_another_organisation_has_the_same_name(app, client, world, login):
    with app.test_request_context():
        factories.organisation("company", verified=False, name="  alpha   SENSING ")
        factories.organisation("company", verified=False, name="Alphabet Sensing")
        db.session.commit()
    login(world["admin"])
    page = client.get("/admin/organisations").get_data(as_text=True)
    warnings = page.split("another organisation has this name")
    assert len(warnings) == 2  # only the namesake of Alpha Sensing, not Alphabet Sensing
    assert 'href="/organisations/alpha-sensing"' in warnings[1].split("</p>")[0]

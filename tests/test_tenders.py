"""Tenders: a city builds one from a ready workspace or from scratch, publishes it as a frozen PDF, amends it,
cancels it or deletes its draft; the forms refuse what breaks a rule and change nothing."""
import hashlib
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from portal import create_app
from portal.accounts.models import User
from portal.config import ConfigError
from portal.extensions import db
from portal.model_types import utcnow
from portal.notifications.models import Notification
from portal.notifications.services import describe
from portal.organisations.models import Organisation
from portal.tenders import procedures, services
from portal.tenders.models import Lot, Tender, TenderVersion
from portal.workspaces.models import Workspace

from . import factories, tender_factories

SEOUL = ZoneInfo("Asia/Seoul")


def get(model, id):
    return db.session.get(model, id)


def clock(days, hour=12):
    """A time on the Seoul city's clock, `days` from today, as a form sends it."""
    day = datetime.now(SEOUL).date() + timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:00"


FORM = {"title": "Crossing sensors", "language": "en", "description": "Sensors that warn drivers.",
        "procedure": "open", "estimated_value": "500000", "currency": "EUR",
        "technical_specification": "Detect a child at 30 m.", "eligibility_criteria": "", "selection_criteria": "",
        "contract_terms": "", "publication_at": clock(1, 9), "clarification_deadline": clock(20, 17),
        "submission_deadline": clock(30), "opening_at": clock(30, 14),
        "lot-1-title": "", "lot-1-description": "", "lot-1-estimated_value": "",
        "criterion-1-kind": "price", "criterion-1-name": "Price", "criterion-1-description": "",
        "criterion-1-weight": "40", "criterion-2-kind": "quality", "criterion-2-name": "Detection",
        "criterion-2-description": "", "criterion-2-weight": "60"}


@pytest.fixture
def setup(app, world):
    """A ready-to-tender workspace of the city with the company in it (the other company is not)."""
    with app.test_request_context():
        city = get(User, world["city"])
        workspace = tender_factories.ready_workspace(get(Organisation, world["city_org"]), city,
                                                     [get(Organisation, world["company_org"])])
        db.session.commit()
        return dict(world, workspace=workspace.id, challenge=workspace.challenge_id)


def tender_count():
    return db.session.scalar(select(func.count(Tender.id)))


def create(client, login, setup, **fields):
    login(setup["city"])
    response = client.post("/tenders/new", data=dict(FORM, **fields))
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def publish(client, tender_id):
    with client.application.app_context():
        revision = get(Tender, tender_id).revision
    return client.post(f"/tenders/{tender_id}/publish", data={"revision": str(revision)})


def notified(user_id, kind):
    return db.session.scalars(select(Notification).where(Notification.user_id == user_id,
                                                         Notification.kind == kind)).all()


# ---------------------------------------------------------------- building

def test_building_from_a_ready_workspace_copies_what_it_should(app, client, login, setup):
    login(setup["city"])
    path = f"/workspaces/{setup['workspace']}/tender"
    hub = client.get(f"/workspaces/{setup['workspace']}").get_data(as_text=True)
    assert f'href="{path}"' in hub and "Build the tender" in hub
    page = client.get(path).get_data(as_text=True)
    # The agreed revision (2), not the first; the procedure and the value from the investment decision.
    assert "Warn within 30 s." in page and "Warn in 60 s." not in page
    assert '<option selected value="pcp">' in page and 'value="750000"' in page
    assert '<option selected value="KRW">' in page
    form = dict(FORM, title="Flood warnings", currency="KRW", procedure="pcp", estimated_value="750000",
                technical_specification="# Must\n\nWarn within 30 s.")
    form.update({f"term_phase{n}_{what}": str(value) for n, (contractors, months) in
                 enumerate(((4, 3), (3, 6), (2, 9)), start=1) for what, value in
                 (("contractors", contractors), ("months", months))})
    response = client.post(path, data=form)
    assert response.status_code == 302
    tender_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        tender = get(Tender, tender_id)
        assert (tender.workspace_id, tender.challenge_id) == (setup["workspace"], setup["challenge"])
        assert tender.ocid == f"ocds-c0c1ty-{tender.id}"
        assert (tender.procedure, tender.estimated_value, tender.currency) == ("pcp", 750000, "KRW")
        assert tender.procedure_terms["phase3_contractors"] == 2
        assert tender.fit_requirements == [{"category": "data-standard", "title": "KS X 6101 water levels",
                                            "text": "Levels every minute.",
                                            "answers": {"fits": 1, "needs-work": 0, "does-not-fit": 0}}]
        assert tender.status == "draft" and [lot.title for lot in tender.lots] == ["Flood warnings"]
    # The company's name and answer stay in the workspace; the hub now leads to the tender, once.
    page = client.get(f"/tenders/{tender_id}").get_data(as_text=True)
    assert "KS X 6101 water levels" in page and "Alpha Sensing" not in page and "adapter" not in page
    assert client.get(path).headers["Location"].endswith(f"/tenders/{tender_id}")
    again = client.post(path, data=form)
    assert again.status_code == 409 and "built from this workspace already" in again.get_data(as_text=True)
    with app.app_context():
        assert tender_count() == 1


def test_only_the_workspace_city_builds_and_only_once_it_is_ready(app, client, login, setup):
    path = f"/workspaces/{setup['workspace']}/tender"
    login(setup["company"])  # a member of the workspace, not its city
    assert client.get(path).status_code == 403
    assert "Build the tender" not in client.get(f"/workspaces/{setup['workspace']}").get_data(as_text=True)
    login(setup["other_city"])  # outside the workspace: it does not exist
    assert client.post(path, data=FORM).status_code == 404
    with app.app_context():
        get(Workspace, setup["workspace"]).stage = "pilot"
        db.session.commit()
    login(setup["city"])
    response = client.get(path)
    assert response.status_code == 403 and "not ready to tender" in response.get_data(as_text=True)
    with app.app_context():
        assert tender_count() == 0


def test_from_scratch_a_tender_without_lots_is_one_whole_lot_and_explicit_lots_keep_their_order(
        app, client, login, setup):
    whole = create(client, login, setup)
    split = create(client, login, setup, **{"lot-1-title": "Sensors", "lot-1-estimated_value": "300000",
                                           "lot-2-title": "", "lot-2-description": "", "lot-2-estimated_value": "",
                                           "lot-3-title": "Maintenance", "lot-3-description": "Five years."})
    with app.app_context():
        assert [(lot.number, lot.title, lot.estimated_value) for lot in get(Tender, whole).lots] == [
            (1, "Crossing sensors", 500000)]
        assert [(lot.number, lot.title) for lot in get(Tender, split).lots] == [(1, "Sensors"), (2, "Maintenance")]
        assert get(Tender, whole).workspace_id is None
    # The form shows no lot rows filled for the whole; the page lists the one lot.
    edit = client.get(f"/tenders/{whole}/edit").get_data(as_text=True)
    assert 'name="lot-1-title" value=""' in edit


def test_only_members_of_a_verified_city_build(app, client, login, setup):
    for persona in ("company", "consultant", "admin"):
        login(setup[persona])
        assert client.get("/tenders/new").status_code == 403, persona
        assert client.post("/tenders/new", data=FORM).status_code == 403, persona
    with app.test_request_context():
        pending = factories.organisation("city", verified=False, country="DK")
        member_id = factories.user(pending).id
        db.session.commit()
    login(member_id)
    assert client.post("/tenders/new", data=FORM).status_code == 403
    with app.app_context():
        assert tender_count() == 0


# ---------------------------------------------------------------- the form's rules

@pytest.mark.parametrize("fields, message", [
    ({"criterion-2-weight": "50"}, "The weights of the award criteria add up to 90; they must add up to 100."),
    ({"criterion-2-weight": "0"}, "Award criterion 2: the weight is a whole number from 1 to 100."),
    ({"criterion-1-name": "", "criterion-1-weight": "", "criterion-2-name": "", "criterion-2-weight": ""},
     "Give at least one award criterion."),
    ({"clarification_deadline": clock(26)},
     "Questions and answers must close at least six days before the submission deadline"),
    ({"opening_at": clock(29)}, "The opening cannot come before the submission deadline."),
    ({"clarification_deadline": clock(0, 8), "publication_at": clock(1, 9)},
     "The clarification deadline must come after the publication."),
    ({"lot-1-title": "", "lot-1-estimated_value": "100"}, "Lot 1: This field is required."),
    ({"lot-1-title": "Sensors", "lot-1-estimated_value": "600000"},
     "The lots&#39; estimated values add up to more than the tender&#39;s estimated value."),
    ({"procedure": "restricted", "term_candidates": "3"}, "A whole number from 5 to 50."),
    ({"procedure": "bto", "term_concession_years": "80"}, "A whole number from 1 to 50."),
    ({"procedure": "bto", "term_proposal_origin": "unsolicited"},
     "Say what preference the original proposer gets (0 for none)."),
    ({"procedure": "pcp", "term_phase1_contractors": "2", "term_phase2_contractors": "3"},
     "Phase 2 cannot have more contractors than phase 1"),
    ({"procedure": "pcp", "term_phase1_contractors": "3", "term_phase3_contractors": "1"},
     "Keep at least two contractors in the last phase"),
    ({"estimated_value": "-5"}, "Must be a whole, non-negative amount."),
    ({"title": ""}, "This field is required."),
])
def test_bad_input_gets_a_clear_message_and_writes_nothing(app, client, login, setup, fields, message):
    login(setup["city"])
    response = client.post("/tenders/new", data=dict(FORM, **fields))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert tender_count() == 0


def test_a_time_the_clocks_skip_is_refused(app, client, login, world):
    """Copenhagen's clocks jump from 02:00 to 03:00 on the last Sunday of March."""
    with app.test_request_context():
        copenhagen = get(Organisation, world["other_city_org"])
    year = utcnow().year + 1
    sunday = max(day for day in (datetime(year, 3, d) for d in range(25, 32)) if day.weekday() == 6)
    login(world["other_city"])
    response = client.post("/tenders/new", data=dict(
        FORM, publication_at=f"{sunday.date().isoformat()}T02:30", clarification_deadline=f"{year}-04-20T12:00",
        submission_deadline=f"{year}-05-01T12:00", opening_at=f"{year}-05-01T13:00"))
    assert copenhagen.timezone == "Europe/Copenhagen"
    assert response.status_code == 422 and "the clocks skip it" in response.get_data(as_text=True)


def test_the_instants_are_typed_on_the_citys_clock_and_stored_in_utc(app, client, login, setup):
    tender_id = create(client, login, setup, submission_deadline="2031-03-03T12:00",
                       opening_at="2031-03-03T14:00", clarification_deadline="2031-02-20T17:00",
                       publication_at="2031-01-10T09:00")
    with app.app_context():
        tender = get(Tender, tender_id)
        assert tender.submission_deadline == datetime(2031, 3, 3, 3, 0, tzinfo=ZoneInfo("UTC"))
    page = client.get(f"/tenders/{tender_id}").get_data(as_text=True)
    assert "Mar 3, 2031, 12:00" in page and "(Seoul)" in page
    assert 'value="2031-03-03T12:00"' in client.get(f"/tenders/{tender_id}/edit").get_data(as_text=True)


def test_the_form_keeps_only_the_chosen_procedures_terms(app, client, login, setup):
    tender_id = create(client, login, setup, procedure="open", term_concession_years="20", term_user_fees="High")
    with app.app_context():
        assert get(Tender, tender_id).procedure_terms == {}
    bto = create(client, login, setup, procedure="bto", term_concession_years="30", term_user_fees="Per ride",
                 term_proposal_origin="solicited", term_proposer_preference="5", term_candidates="9")
    with app.app_context():
        assert get(Tender, bto).procedure_terms == {"concession_years": 30, "user_fees": "Per ride",
                                                    "proposal_origin": "solicited"}
    page = client.get(f"/tenders/{bto}").get_data(as_text=True)
    assert "Concession term (years)" in page and "Solicited: the city proposed the project" in page


def test_without_javascript_another_procedures_terms_come_from_the_server_and_nothing_is_saved(
        app, client, login, setup):
    login(setup["city"])
    response = client.post("/tenders/new", data=dict(FORM, procedure="btl", action="procedure"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    shown = re.findall(r'<div data-procedures="([^"]*)">', page)
    assert shown and all("btl" in codes.split() for codes in shown)
    assert '<div data-procedures="pcp" hidden>' in page
    more = client.post("/tenders/new", data=dict(FORM, action="more-criteria"))
    assert more.status_code == 200 and 'name="criterion-3-weight"' in more.get_data(as_text=True)
    with app.app_context():
        assert tender_count() == 0


def test_a_save_made_on_an_older_page_is_refused(app, client, login, setup):
    tender_id = create(client, login, setup)
    assert client.post(f"/tenders/{tender_id}/edit", data=dict(FORM, title="First", revision="1")).status_code == 302
    stale = client.post(f"/tenders/{tender_id}/edit", data=dict(FORM, title="Second", revision="1"))
    assert stale.status_code == 409 and "Someone saved this tender after you opened it" in stale.get_data(as_text=True)
    with app.app_context():
        assert (get(Tender, tender_id).title, get(Tender, tender_id).revision) == ("First", 2)


# ---------------------------------------------------------------- publishing

def test_publishing_freezes_a_version_whose_sha256_is_that_of_the_download(app, client, login, setup, outbox):
    tender_id = create(client, login, setup)
    assert client.get(f"/tenders/{tender_id}/versions/1.pdf").status_code == 404
    response = publish(client, tender_id)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/tenders/{tender_id}")
    with app.app_context():
        tender = get(Tender, tender_id)
        (version,) = tender.versions
        assert tender.status == "published" and tender.publication_at == tender.published_at
        assert version.snapshot["submission_deadline"] == tender.submission_deadline.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert [criterion["weight"] for criterion in version.snapshot["criteria"]] == [40, 60]
        sha256 = version.sha256
    client.post("/logout")
    download = client.get(f"/tenders/{tender_id}/versions/1.pdf")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert hashlib.sha256(download.data).hexdigest() == sha256 and download.data.startswith(b"%PDF")
    assert sha256 in client.get(f"/tenders/{tender_id}").get_data(as_text=True)
    assert client.get(f"/tenders/{tender_id}/versions/2.pdf").status_code == 404


def test_an_incomplete_draft_is_not_published(app, client, login, setup):
    tender_id = create(client, login, setup, description="", submission_deadline="", opening_at="",
                       procedure="btl", term_concession_years="20")
    page = client.get(f"/tenders/{tender_id}").get_data(as_text=True)
    assert "Before it can be published" in page
    response = publish(client, tender_id)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Needed before the tender is published." in text and "BTL (build–transfer–lease) needs this." in text
    with app.app_context():
        assert get(Tender, tender_id).status == "draft" and not get(Tender, tender_id).versions


def test_publishing_a_draft_that_changed_since_it_was_read_is_refused(app, client, login, setup):
    tender_id = create(client, login, setup)
    client.post(f"/tenders/{tender_id}/edit", data=dict(FORM, title="Changed", revision="1"))
    response = client.post(f"/tenders/{tender_id}/publish", data={"revision": "1"})
    assert response.status_code == 409 and "read it again" in response.get_data(as_text=True)
    assert publish(client, tender_id).status_code == 302
    assert publish(client, tender_id).status_code == 409  # a second click publishes nothing more
    with app.app_context():
        assert db.session.scalar(select(func.count(TenderVersion.id))) == 1


def test_publishing_a_workspace_tender_tells_the_workspaces_companies(app, client, login, setup, outbox):
    login(setup["city"])
    with app.test_request_context():
        tender = tender_factories.draft(get(User, setup["city"]), get(Workspace, setup["workspace"]))
        db.session.commit()
        tender_id = tender.id
    assert publish(client, tender_id).status_code == 302
    with app.app_context():
        (notice,) = notified(setup["company"], "tender_published")
        assert notice.link == f"/tenders/{tender_id}"
        assert not notified(setup["other_company"], "tender_published")
    (mail,) = [message for message in outbox() if message["To"] == "company@example.org"
               and message["Subject"] == "A tender from your workspace is published on CoCity"]
    assert "published the tender “Crossing sensors for school routes”" in mail.get_body(
        preferencelist=("plain",)).get_content()


# ---------------------------------------------------------------- amending

def amend_form(tender_id, app, **fields):
    with app.test_request_context():
        tender = get(Tender, tender_id)
        data = services.data_of(tender)
        zone = tender.organisation.timezone
        revision = tender.revision
    form = {name: (value.strftime("%Y-%m-%dT%H:%M") if isinstance(value, datetime) else
                   "" if value is None else str(value))
            for name, value in data.items() if name not in ("lots", "criteria", "terms")}
    for number, lot in enumerate(data["lots"], start=1):
        form.update({f"lot-{number}-{name}": "" if value is None else str(value) for name, value in lot.items()})
    for number, row in enumerate(data["criteria"], start=1):
        form.update({f"criterion-{number}-{name}": str(value) for name, value in row.items()})
    form.update(revision=str(revision), change_note="Clarified the lots.")
    form.update(fields)
    assert zone
    return form


def published_tender(app, setup, now=None, **fields):
    with app.test_request_context():
        tender = tender_factories.published(get(User, setup["city"]), now, **fields)
        db.session.commit()
        return tender.id


def test_an_amendment_publishes_version_two_and_keeps_version_one(app, client, login, setup):
    tender_id = published_tender(app, setup)
    login(setup["city"])
    assert client.get(f"/tenders/{tender_id}/edit").status_code == 302  # a published tender is amended instead
    response = client.post(f"/tenders/{tender_id}/amend", data=amend_form(tender_id, app, **{
        "lot-2-title": "Maintenance and repairs"}))
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        tender = get(Tender, tender_id)
        assert [version.number for version in tender.versions] == [1, 2]
        assert tender.versions[1].change_note == "Clarified the lots." and tender.versions[1].extended_from is None
        assert tender.versions[1].snapshot["lots"][1]["title"] == "Maintenance and repairs"
        assert tender.versions[0].snapshot["lots"][1]["title"] == "Maintenance"
        first = tender.versions[0].sha256
    page = client.get(f"/tenders/{tender_id}").get_data(as_text=True)
    assert "Version 2 (PDF)" in page and "Version 1 (PDF)" in page and "Clarified the lots." in page
    assert hashlib.sha256(client.get(f"/tenders/{tender_id}/versions/1.pdf").data).hexdigest() == first


@pytest.mark.parametrize("fields, message", [
    ({"change_note": " "}, "Say what the amendment changes: bidders read it."),
    ({"lot-2-title": "", "lot-2-description": "", "lot-2-estimated_value": ""},
     "An amendment cannot remove a lot"),
    ({"submission_deadline": "2001-01-01T12:00"}, "An amendment cannot move this into the past."),
    ({"criterion-1-weight": "30"}, "they must add up to 100"),
])
def test_an_amendment_that_breaks_a_rule_changes_nothing(app, client, login, setup, fields, message):
    tender_id = published_tender(app, setup)
    login(setup["city"])
    response = client.post(f"/tenders/{tender_id}/amend", data=amend_form(tender_id, app, **fields))
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    with app.app_context():
        tender = get(Tender, tender_id)
        assert len(tender.versions) == 1 and tender.revision == 2 and len(tender.lots) == 2


def test_an_amendment_close_to_the_deadline_moves_it_so_six_days_remain(app, client, login, setup):
    """Published 25 days ago with the deadline in three days: an amendment today moves the deadline and the
    opening by the same time, to six days from now, and says so."""
    now = utcnow()
    tender_id = published_tender(app, setup, now=now - timedelta(days=27))
    with app.app_context():
        tender = get(Tender, tender_id)
        before = (tender.submission_deadline, tender.opening_at)
    assert before[0] - now < timedelta(days=6)
    login(setup["city"])
    response = client.post(f"/tenders/{tender_id}/amend", data=amend_form(tender_id, app))
    assert response.status_code == 302
    page = client.get(f"/tenders/{tender_id}").get_data(as_text=True)
    assert "Fewer than six days remained before the submission deadline" in page  # the flash
    assert "It came less than six days before the submission deadline" in page  # the version's note
    with app.app_context():
        tender = get(Tender, tender_id)
        moved = tender.submission_deadline - before[0]
        assert timedelta(days=6) <= tender.submission_deadline - now <= timedelta(days=6, hours=1)
        assert tender.opening_at - before[1] == moved and tender.versions[1].extended_from == before[0]
        assert tender.versions[1].snapshot["submission_deadline"] == tender.submission_deadline.strftime(
            "%Y-%m-%dT%H:%M:%SZ")


def test_the_workspaces_companies_hear_of_an_amendment_and_whether_the_deadline_moved(app, setup):
    with app.test_request_context():
        city = get(User, setup["city"])
        now = utcnow()
        tender = tender_factories.draft(city, get(Workspace, setup["workspace"]), **tender_factories.timeline(
            now - timedelta(days=27)))
        services.publish(city, tender, tender.revision, now=now - timedelta(days=27))
        services.amend(city, tender, services.data_of(tender), tender.revision, "Later deadline.")
        db.session.commit()
        (notice,) = notified(setup["company"], "tender_amended")
        assert notice.params["extended"] is True and notice.params["number"] == 2
        assert "(version 2); the submission deadline moved to" in describe(notice)
        assert not notified(setup["other_company"], "tender_amended")


def test_amendments_stop_at_the_submission_deadline(app, client, login, setup):
    tender_id = published_tender(app, setup, now=utcnow() - timedelta(days=31))
    login(setup["city"])
    assert client.get(f"/tenders/{tender_id}/amend").status_code == 302
    with app.test_request_context():
        tender = get(Tender, tender_id)
        with pytest.raises(services.Stale, match="submission deadline has passed"):
            services.amend(get(User, setup["city"]), tender, services.data_of(tender), tender.revision, "Late.")


def test_the_procedure_does_not_change_after_publication(app, setup):
    tender_id = published_tender(app, setup)
    with app.test_request_context():
        tender = get(Tender, tender_id)
        data = dict(services.data_of(tender), procedure="restricted", terms={"candidates": 5})
        with pytest.raises(services.Invalid, match="procedure cannot change"):
            services.amend(get(User, setup["city"]), tender, data, tender.revision, "Another procedure.")


# ---------------------------------------------------------------- cancelling and deleting

def test_the_city_cancels_a_published_tender_with_a_reason_everyone_reads(app, client, login, setup):
    tender_id = published_tender(app, setup)
    login(setup["city"])
    refused = client.post(f"/tenders/{tender_id}/cancel", data={"reason": " "})
    assert refused.status_code == 422 and "Say why you cancel the tender" in refused.get_data(as_text=True)
    assert client.post(f"/tenders/{tender_id}/cancel", data={"reason": "The budget was withdrawn."}).status_code == 302
    assert client.post(f"/tenders/{tender_id}/cancel", data={"reason": "Twice."}).status_code == 409
    client.post("/logout")
    page = client.get(f"/tenders/{tender_id}").get_data(as_text=True)
    assert "The budget was withdrawn." in page and "Cancelled" in page
    assert client.get(f"/tenders/{tender_id}/versions/1.pdf").status_code == 200  # still on the record
    assert "Crossing sensors" in client.get("/tenders?phase=closed").get_data(as_text=True)


def test_a_draft_is_deleted_and_a_published_tender_is_not(app, client, login, setup):
    published = published_tender(app, setup)
    draft = create(client, login, setup)
    assert client.get(f"/tenders/{draft}/delete").status_code == 200
    response = client.post(f"/tenders/{draft}/delete")
    assert response.status_code == 302 and response.headers["Location"].endswith("/tenders")
    assert client.post(f"/tenders/{published}/delete").status_code == 409
    with app.app_context():
        assert get(Tender, draft) is None and get(Tender, published) is not None
        assert db.session.scalar(select(func.count(Lot.id)).where(Lot.tender_id == draft)) == 0


# ---------------------------------------------------------------- procedures and settings

def test_every_procedure_maps_to_open_contracting():
    methods = {code: procedures.ocds_method(code) for code in procedures.PROCEDURES}
    assert methods == {"open": "open", "restricted": "selective", "neg-w-call": "selective",
                       "comp-dial": "selective", "innovation": "selective", "pcp": "open", "bto": "open",
                       "btl": "open", "bot": "open"}
    assert all(procedures.ocds_method_details(code) for code in procedures.PROCEDURES)
    assert "neg-w-call" in procedures.ocds_method_details("neg-w-call")
    assert procedures.ocds_award_criteria(["price"]) == "priceOnly"
    assert procedures.ocds_award_criteria(["cost", "cost"]) == "costOnly"
    assert procedures.ocds_award_criteria(["quality"]) == "qualityOnly"
    assert procedures.ocds_award_criteria(["price", "quality"]) == "ratedCriteria"
    assert procedures.ocds_award_criteria([]) is None


def test_a_workspaces_procurement_model_preselects_a_procedure():
    assert procedures.FROM_PROCUREMENT_MODEL == {"open-procedure": "open", "innovation-partnership": "innovation",
                                                 "pre-commercial": "pcp", "bto": "bto", "btl": "btl", "bot": "bot"}


def test_the_ocid_prefix_is_a_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_OCID_PREFIX", "ocds-213czf")
    assert create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path)}).config["PORTAL_OCID_PREFIX"] == "ocds-213czf"
    monkeypatch.setenv("PORTAL_OCID_PREFIX", "ocds 213czf")
    with pytest.raises(ConfigError, match="PORTAL_OCID_PREFIX"):
        create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path)})


def test_the_stored_pdf_is_removed_when_publishing_rolls_back(app, setup):
    from pathlib import Path
    with app.test_request_context():
        tender = tender_factories.draft(get(User, setup["city"]))
        db.session.commit()
        services.publish(get(User, setup["city"]), tender, tender.revision)
        path = Path(app.instance_path) / "uploads" / tender.versions[0].stored_file.storage_name
        assert path.exists()
        db.session.rollback()
        assert not path.exists()


def test_hostile_values_in_any_field_never_cause_a_server_error(app, client, login, setup):
    from .test_robustness import HOSTILE
    login(setup["city"])
    fields = [*FORM, "term_candidates", "term_concession_years", "term_user_fees", "term_proposal_origin",
              "term_phase1_contractors", "lot-2-title", "criterion-3-weight", "revision", "action"]
    for field in fields:
        for value in HOSTILE + ["2099-12-31T23:59", "0001-01-01T00:00", "9999-12-31T23:59"]:
            with app.app_context():
                before = tender_count()
            response = client.post("/tenders/new", data={**FORM, "procedure": "bto", field: value})
            assert response.status_code < 500, (field, value[:40])
            if response.status_code >= 400:
                with app.app_context():
                    assert tender_count() == before, (field, value[:40])
    for name in ("phase", "page"):
        for value in HOSTILE:
            assert client.get("/tenders", query_string={name: value}).status_code == 200, (name, value[:40])


def test_a_korean_reader_gets_a_korean_tender_in_korean(app, client, login, setup):
    with app.test_request_context():
        city = get(User, setup["city"])
        tender = tender_factories.published(
            city, title="반지하 침수 조기경보 실증", language="ko", description="침수를 1분 안에 알린다.",
            lots=[{"title": "센서", "description": "", "estimated_value": None}],
            criteria=[{"kind": "price", "name": "가격", "description": "", "weight": 30},
                      {"kind": "quality", "name": "기술 품질", "description": "", "weight": 70}],
            submission_deadline=datetime(2031, 3, 3, 14, 30, tzinfo=SEOUL),
            opening_at=datetime(2031, 3, 3, 15, 0, tzinfo=SEOUL),
            clarification_deadline=datetime(2031, 2, 20, 18, 0, tzinfo=SEOUL))
        reader = factories.user(get(Organisation, setup["company_org"]), locale="ko", name="김하늘")
        reader.timezone = "Asia/Seoul"
        db.session.commit()
        tender_id, reader_id = tender.id, reader.id
    login(reader_id)
    page = client.get(f"/tenders/{tender_id}").get_data(as_text=True)
    assert '<html lang="ko">' in page and '<h1 class="h3 mb-1" lang="ko">반지하 침수 조기경보 실증</h1>' in page
    for text in ("입찰 진행 중", "일반경쟁 입찰", "평가 기준", "배점", "입찰 마감", "개찰 일시", "질의응답",
                 "추정 가격", "입찰 공고문", "1판 (PDF)", "시에 질의하기"):
        assert text in page, text
    assert "2031. 3. 3. 14:30" in page  # Korean dates, on a 24-hour clock, in the city's zone
    assert "Submission deadline" not in page and "Award criteria" not in page
    listing = client.get("/tenders").get_data(as_text=True)
    assert "입찰 진행 중" in listing and "반지하 침수 조기경보 실증" in listing and ">입찰</a>" in listing


def test_a_workspace_has_one_live_tender_and_a_cancelled_one_frees_it(app, client, login, setup):
    from sqlalchemy.exc import IntegrityError
    with app.test_request_context():
        city, workspace = get(User, setup["city"]), get(Workspace, setup["workspace"])
        first = tender_factories.draft(city, workspace)
        # Two members building at once: the database refuses the second, whatever the service saw.
        second = Tender(organisation=city.organisation, created_by=city, title="Again", workspace_id=workspace.id)
        db.session.add(second)
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
        first = tender_factories.draft(city, get(Workspace, setup["workspace"]))
        services.publish(city, first, first.revision)
        services.cancel(city, first, "Rewritten from scratch.")
        db.session.commit()
    login(setup["city"])
    hub = client.get(f"/workspaces/{setup['workspace']}").get_data(as_text=True)
    assert f'href="/workspaces/{setup["workspace"]}/tender"' in hub
    assert client.post(f"/workspaces/{setup['workspace']}/tender", data=FORM).status_code == 302
    with app.app_context():
        assert sorted(db.session.scalars(select(Tender.status).where(
            Tender.workspace_id == setup["workspace"]))) == ["cancelled", "draft"]

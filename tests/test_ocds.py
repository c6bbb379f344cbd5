"""Open Contracting (OCDS 1.1) export: the command, the public packages, and what they may never say.

The packages are validated against the standard's own schemas, kept beside the project in
`../shared/ocds-1.1/` (or the folder OCDS_SCHEMA_DIR names); the tests that need them skip where they are absent.
"""
import functools
import json
import os
import re
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import render_template_string
from flask_babel import force_locale
from jsonschema import FormatChecker
from jsonschema.validators import validator_for
from referencing import Registry, Resource
from sqlalchemy import select

from portal import create_app
from portal.accounts.models import User
from portal.bids.models import Bid
from portal.extensions import db
from portal.model_types import utcnow
from portal.ocds.releases import iso
from portal.organisations.models import Organisation
from portal.tenders.models import Question, Tender

from . import factories
from .conftest import BASE_CONFIG, build_app

SCHEMA_DIR = Path(os.environ.get("OCDS_SCHEMA_DIR")
                  or Path(__file__).resolve().parents[1] / ".." / "shared" / "ocds-1.1").resolve()
HAS_SCHEMAS = (SCHEMA_DIR / "release-package-schema.json").is_file() and (SCHEMA_DIR / "release-schema.json").is_file()
if not HAS_SCHEMAS and os.environ.get("REQUIRE_OCDS_SCHEMAS"):
    raise RuntimeError(f"REQUIRE_OCDS_SCHEMAS is set but the OCDS 1.1 schemas are not in {SCHEMA_DIR}")
needs_schemas = pytest.mark.skipif(not HAS_SCHEMAS, reason=f"the OCDS 1.1 schemas are not in {SCHEMA_DIR} "
                                                           "(set OCDS_SCHEMA_DIR to the folder that holds them)")

# RFC 3339, which JSON Schema's date-time means: jsonschema checks it only with an optional package, so here.
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
SEALED_BIDDER = "Sealed Bidder Oy"
WITHDRAWN_BIDDER = "Withdrawn Bidder AB"


def format_checker():
    checker = FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def date_time(text):
        if isinstance(text, str):
            if not RFC3339.fullmatch(text):
                raise ValueError(f"{text!r} is not an RFC 3339 date-time with an offset")
            datetime.fromisoformat(text)
        return True

    @checker.checks("uri", raises=ValueError)
    def uri(text):
        if isinstance(text, str) and not (urlsplit(text).scheme and urlsplit(text).netloc):
            raise ValueError(f"{text!r} is not an absolute URI")
        return True

    return checker


@functools.cache
def validators():
    """Validators of a release package and of a release, the package's $ref to the release schema resolved
    from the local file (a registry that cannot retrieve anything, so no network)."""
    schemas = {name: json.loads((SCHEMA_DIR / f"{name}-schema.json").read_text(encoding="utf-8"))
               for name in ("release-package", "release")}
    registry = Registry().with_resources((schema["id"], Resource.from_contents(schema)) for schema in schemas.values())
    checker = format_checker()
    return {name: validator_for(schema)(schema, registry=registry, format_checker=checker)
            for name, schema in schemas.items()}


def schema_errors(document, schema="release-package"):
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in validators()[schema].iter_errors(document)]


@pytest.fixture
def tenders(app, world):
    """A tender in each state, with bids on every tender taking or past bids: published (still taking bids),
    closed (past the opening instant, not yet opened), amended (with an answered question), opened, awarded
    (in Korean, two lots), cancelled, and a draft."""
    now = utcnow()
    with app.test_request_context():
        city_org, city = db.session.get(Organisation, world["city_org"]), db.session.get(User, world["city"])
        companies = [db.session.get(Organisation, world[name]) for name in ("company_org", "other_company_org")]
        sealed_org = factories.organisation("company", name=SEALED_BIDDER, country="FI")
        withdrawn_org = factories.organisation("company", name=WITHDRAWN_BIDDER, country="SE")
        author = db.session.get(User, world["company"])
        made = {}

        def tender(name, **fields):
            made[name] = factories.tender_record(city_org, city, **fields)
            factories.tender_version(made[name], city)
            return made[name]

        def bids(item, organisations=(companies[0], sealed_org)):
            return [factories.bid_record(item, item.lots[0], organisation, author) for organisation in organisations]

        bids(tender("published", title="Quiet crossings"))
        past = {"publication_at": now - timedelta(days=40), "clarification_deadline": now - timedelta(days=20),
                "submission_deadline": now - timedelta(days=3), "opening_at": now - timedelta(days=2)}
        bids(tender("closed", title="Harbour sensors", **past))

        amended = tender("amended", title="Smart street lights", procedure="comp-dial",
                         criteria=(("quality", "Design", 70), ("quality", "Delivery", 30)))
        question = Question(tender=amended, organisation_id=world["company_org"], asked_by_id=world["company"],
                            text="Which poles?", asked_at=now - timedelta(days=25), answer="The old ones.",
                            answered_by_id=world["city"], answered_at=now - timedelta(days=24))
        unanswered = Question(tender=amended, organisation_id=world["other_company_org"], text="When?",
                              asked_by_id=world["other_company"], asked_at=now - timedelta(days=1))
        db.session.add_all([question, unanswered])
        amended.submission_deadline += timedelta(days=7)
        amended.opening_at += timedelta(days=7)
        factories.tender_version(amended, city, published_at=now - timedelta(days=20), change_note="A week more.")

        opened = tender("opened", title="Bus stop displays", status=Tender.OPENED, procedure="btl", **past)
        bids(opened)
        factories.bid_record(opened, opened.lots[0], withdrawn_org, author, status=Bid.WITHDRAWN)
        opened.opened_at, opened.opened_by = now - timedelta(days=1), city

        awarded = tender("awarded", title="침수 경보 센서", description="골목길 침수를 주민에게 알립니다.",
                         language="ko", currency="KRW", estimated_value=600_000_000, status=Tender.AWARDED,
                         lots=("센서 설치", "경보 앱"), criteria=(("price", "가격", 30), ("quality", "품질", 70)),
                         **past)
        winners = [factories.bid_record(awarded, awarded.lots[0], companies[0], author),
                   factories.bid_record(awarded, awarded.lots[1], companies[1], author),
                   factories.bid_record(awarded, awarded.lots[1], sealed_org, author)]
        awarded.opened_at, awarded.opened_by = now - timedelta(days=1), city
        factories.award_record(winners[0], city, 250_000_000, "가장 좋은 품질.", decided_at=now - timedelta(hours=5))
        factories.award_record(winners[1], city, 300_000_000, "Best price.", decided_at=now - timedelta(hours=4))

        cancelled = tender("cancelled", title="Snow melting", status=Tender.CANCELLED, procedure="pcp",
                           criteria=(("cost", "Life-cycle cost", 100),))
        cancelled.cancelled_at, cancelled.cancellation_reason = now - timedelta(days=2), "No budget."

        draft = factories.tender_record(city_org, city, status=Tender.DRAFT, title="Secret draft plan")
        bids(draft)
        made["draft"] = draft
        db.session.commit()
        return {name: {"id": item.id, "ocid": item.ocid, "title": item.title,
                       "deadlines": [iso(v.snapshot["submission_deadline"]) for v in item.versions]}
                for name, item in made.items()}


def get_package(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.content_type.startswith("application/json")
    return response.get_json(), response


def releases_of(package, ocid):
    return [release for release in package["releases"] if release["ocid"] == ocid]


def everything(app):
    """The export of every public tender as the command writes it, and as the page serves it."""
    text = app.test_cli_runner().invoke(args=["export-ocds"])
    assert text.exit_code == 0, text.output
    return json.loads(text.output), app.test_client().get("/ocds/releases.json").get_data(as_text=True)


@needs_schemas
def test_every_state_validates_against_the_ocds_schemas(app, client, tenders):
    package, _served = everything(app)
    assert schema_errors(package) == []
    assert {release["ocid"] for release in package["releases"]} == {
        tenders[name]["ocid"] for name in tenders if name != "draft"}
    for name in ("published", "closed", "amended", "opened", "awarded", "cancelled"):
        single, _ = get_package(client, f"/ocds/{tenders[name]['ocid']}.json")
        assert schema_errors(single) == [], name
        assert single["uri"] == f"http://localhost/ocds/{tenders[name]['ocid']}.json"
        for release in single["releases"]:
            assert schema_errors(release, "release") == [], release["id"]


@needs_schemas
def test_the_validation_itself_refuses_what_ocds_refuses(app, tenders):
    package, _ = everything(app)
    release = package["releases"][0]
    assert schema_errors(dict(release, date="2026-03-01 09:00"), "release"), "a date without T and offset"
    assert schema_errors(dict(release, tag=["opening"]), "release"), "a tag outside the closed codelist"
    bad_method = dict(release, tender=dict(release["tender"], procurementMethod="restricted"))
    assert schema_errors(bad_method, "release")
    assert schema_errors(dict(package, releases=[dict(release, tag=["opening"])]))  # through the package's $ref


def test_each_release_is_tagged_for_what_happened(app, tenders):
    package, _ = everything(app)
    tags = {name: [(release["id"].removeprefix(tenders[name]["ocid"]), release["tag"])
                   for release in releases_of(package, tenders[name]["ocid"])] for name in tenders}
    assert tags["published"] == [("-tender-1", ["tender"])]
    assert tags["amended"] == [("-tender-1", ["tender"]), ("-tender-2", ["tenderAmendment"])]
    assert tags["opened"] == [("-tender-1", ["tender"]), ("-opening", ["tenderUpdate"])]
    assert tags["awarded"] == [("-tender-1", ["tender"]), ("-opening", ["tenderUpdate"]), ("-award", ["award"])]
    assert tags["cancelled"] == [("-tender-1", ["tender"]), ("-cancellation", ["tenderCancellation"])]
    assert tags["draft"] == []
    statuses = [release["tender"]["status"] for release in releases_of(package, tenders["awarded"]["ocid"])]
    assert statuses == ["active", "active", "complete"]
    assert releases_of(package, tenders["cancelled"]["ocid"])[-1]["tender"]["status"] == "cancelled"


def test_a_release_says_what_its_version_published(app, tenders):
    package, _ = everything(app)
    first, second = releases_of(package, tenders["amended"]["ocid"])
    deadlines = tenders["amended"]["deadlines"]
    assert deadlines[0] != deadlines[1]  # the amendment gave a week more
    assert first["tender"]["tenderPeriod"]["endDate"] == deadlines[0]
    assert second["tender"]["tenderPeriod"]["endDate"] == deadlines[1]
    assert second["tender"]["amendments"] == [{
        "id": "amendment-2", "date": second["date"], "description": "A week more.",
        "amendsReleaseID": first["id"], "releaseID": second["id"]}]
    # The question was answered between the two versions; the one not answered yet is no enquiry.
    assert (first["tender"]["hasEnquiries"], second["tender"]["hasEnquiries"]) == (False, True)
    tender = second["tender"]
    assert tender["enquiryPeriod"]["endDate"].endswith("+00:00")
    assert tender["procurementMethod"] == "selective"
    assert tender["procurementMethodDetails"].startswith("Competitive dialogue")
    assert tender["awardCriteria"] == "qualityOnly"
    assert tender["awardCriteriaDetails"] == "Design (quality): 70%; Delivery (quality): 30%"
    assert tender["submissionMethod"] == ["electronicSubmission"]
    assert f"http://localhost/tenders/{tenders['amended']['id']}" in tender["submissionMethodDetails"]


@needs_schemas
def test_a_snapshot_that_lacks_fields_takes_them_from_the_tender(app, tenders):
    with app.app_context():
        version = db.session.get(Tender, tenders["published"]["id"]).versions[0]
        version.snapshot = {"title": "As first published", "lots": [{"title": "Sensors only"}], "procedure": "xyz"}
        db.session.commit()
    single, _ = get_package(app.test_client(), f"/ocds/{tenders['published']['ocid']}.json")
    tender = single["releases"][0]["tender"]
    assert (tender["title"], tender["lots"]) == ("As first published", [{"id": "lot-1", "title": "Sensors only"}])
    assert tender["tenderPeriod"]["endDate"] == tenders["published"]["deadlines"][0]
    assert "procurementMethod" not in tender  # a procedure OCDS has no name for is left out, not guessed
    assert schema_errors(single) == []


def test_documents_are_the_version_pdfs(app, tenders):
    with app.app_context():
        tender = db.session.get(Tender, tenders["amended"]["id"])
        hashes = [version.sha256 for version in tender.versions]
    package, _ = everything(app)
    documents = releases_of(package, tenders["amended"]["ocid"])[-1]["tender"]["documents"]
    base = f"http://localhost/tenders/{tenders['amended']['id']}/versions"
    assert [document["url"] for document in documents] == [f"{base}/1.pdf", f"{base}/2.pdf"]
    assert {document["documentType"] for document in documents} == {"tenderNotice"}
    assert {document["format"] for document in documents} == {"application/pdf"}
    assert [hashes[i] in document["description"] for i, document in enumerate(documents)] == [True, True]
    assert "A week more." in documents[1]["description"]
    assert all(document["datePublished"] for document in documents)
    # The first release knew only the first version.
    assert len(releases_of(package, tenders["amended"]["ocid"])[0]["tender"]["documents"]) == 1


def test_award_criteria_and_procedures_map_to_ocds_codes(app, tenders):
    package, _ = everything(app)
    tender_of = {name: releases_of(package, tenders[name]["ocid"])[-1]["tender"] for name in tenders if name != "draft"}
    assert tender_of["published"]["awardCriteria"] == "ratedCriteria"
    assert tender_of["published"]["awardCriteriaDetails"] == "Price (price): 40%; Quality of the service (quality): 60%"
    assert tender_of["cancelled"]["awardCriteria"] == "costOnly"
    assert (tender_of["published"]["procurementMethod"], tender_of["cancelled"]["procurementMethod"],
            tender_of["opened"]["procurementMethod"]) == ("open", "selective", "open")
    assert tender_of["opened"]["procurementMethodDetails"].startswith("Build-Transfer-Lease (BTL)")


def test_lots_items_awards_and_parties_in_korean(app, tenders):
    package, served = everything(app)
    award_release = releases_of(package, tenders["awarded"]["ocid"])[-1]
    assert award_release["language"] == "ko"
    tender = award_release["tender"]
    assert tender["title"] == "침수 경보 센서" and tender["description"] == "골목길 침수를 주민에게 알립니다."
    assert tender["value"] == {"amount": 600_000_000, "currency": "KRW"}
    assert [(lot["id"], lot["title"]) for lot in tender["lots"]] == [("lot-1", "센서 설치"), ("lot-2", "경보 앱")]
    assert [item["relatedLot"] for item in tender["items"]] == ["lot-1", "lot-2"]
    assert tender["awardCriteria"] == "ratedCriteria"
    awards = award_release["awards"]
    assert [(a["relatedLots"], a["suppliers"][0]["name"], a["value"]["amount"], a["status"]) for a in awards] == [
        (["lot-1"], "Alpha Sensing", 250_000_000, "active"), (["lot-2"], "Beta Robotics", 300_000_000, "active")]
    assert awards[0]["description"] == "가장 좋은 품질."
    roles = {party["name"]: party["roles"] for party in award_release["parties"]}
    assert roles == {"Seoul Test City": ["buyer", "procuringEntity"], "Alpha Sensing": ["tenderer", "supplier"],
                     "Beta Robotics": ["tenderer", "supplier"], SEALED_BIDDER: ["tenderer"]}
    buyer = award_release["parties"][0]
    assert award_release["buyer"] == {"id": buyer["id"], "name": "Seoul Test City"}
    assert buyer["address"] == {"countryName": "South Korea"}
    assert tender["numberOfTenderers"] == 3
    assert "\\u" not in served and "침수 경보 센서" in served  # UTF-8, not escapes


def test_who_bid_is_sealed_until_the_city_opens_the_bids(app, client, tenders):
    package, served = everything(app)
    for name in ("published", "closed", "amended", "cancelled"):  # bids exist on the first two
        single = client.get(f"/ocds/{tenders[name]['ocid']}.json").get_data(as_text=True)
        for text in (single, json.dumps(releases_of(package, tenders[name]["ocid"]), ensure_ascii=False)):
            for word in ("tenderer", "numberOfTenderers", SEALED_BIDDER, "Alpha Sensing"):
                assert word not in text, (name, word)
    opened = releases_of(package, tenders["opened"]["ocid"])
    before, after = opened[0], opened[-1]
    assert "tenderers" not in before["tender"] and "numberOfTenderers" not in before["tender"]
    assert [party["roles"] for party in before["parties"]] == [["buyer", "procuringEntity"]]
    assert after["tender"]["numberOfTenderers"] == 2
    assert sorted(t["name"] for t in after["tender"]["tenderers"]) == ["Alpha Sensing", SEALED_BIDDER]
    assert sorted(p["name"] for p in after["parties"] if p["roles"] == ["tenderer"]) == ["Alpha Sensing", SEALED_BIDDER]
    # Nobody learns of a bid withdrawn before the deadline, nor of a draft's bids.
    assert WITHDRAWN_BIDDER not in served and "Secret draft plan" not in served

    # The city opens the closed tender's bids: from then on its bidders are named.
    with app.app_context():
        closed = db.session.get(Tender, tenders["closed"]["id"])
        closed.status, closed.opened_at, closed.opened_by_id = Tender.OPENED, utcnow(), closed.created_by_id
        db.session.commit()
    single, _ = get_package(client, f"/ocds/{tenders['closed']['ocid']}.json")
    assert single["releases"][-1]["tender"]["numberOfTenderers"] == 2
    assert SEALED_BIDDER in json.dumps(single, ensure_ascii=False)


def test_the_tender_page_and_its_404s(app, client, tenders):
    single, response = get_package(client, f"/ocds/{tenders['published']['ocid']}.json")
    assert single["version"] == "1.1" and single["publisher"] == {"name": "CoCity", "uri": "http://localhost"}
    assert single["publishedDate"] == single["releases"][-1]["date"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    path = f"/ocds/{tenders['published']['ocid']}.json"
    again = client.get(path, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    for ocid in (tenders["draft"]["ocid"], "ocds-c0c1ty-999999", "releases-not-a-tender"):
        assert client.get(f"/ocds/{ocid}.json").status_code == 404, ocid


def test_the_ocid_prefix_follows_the_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_OCID_PREFIX", "ocds-zz9abc")
    app = create_app(dict(BASE_CONFIG, INSTANCE_PATH=str(tmp_path / "elsewhere"), TESTING=True))
    assert app.config["PORTAL_OCID_PREFIX"] == "ocds-zz9abc"
    monkeypatch.delenv("PORTAL_OCID_PREFIX")
    assert create_app(dict(BASE_CONFIG, INSTANCE_PATH=str(tmp_path / "default")))\
        .config["PORTAL_OCID_PREFIX"] == "ocds-c0c1ty"


def test_an_exported_ocid_carries_the_configured_prefix(instance_path):
    from .conftest import ON_POSTGRES, _empty_postgres

    app = build_app(instance_path, PORTAL_OCID_PREFIX="ocds-t3st42", OCDS_PUBLISHER="City of Seoul")
    if ON_POSTGRES:
        _empty_postgres(app)
    with app.test_request_context():
        city = factories.organisation("city")
        tender = factories.tender_record(city, factories.user(city))
        factories.tender_version(tender, tender.created_by)
        db.session.commit()
        ocid = tender.ocid
    package, _ = everything(app)
    assert ocid.startswith("ocds-t3st42-") and package["publisher"]["name"] == "City of Seoul"
    assert [(release["ocid"], release["id"]) for release in package["releases"]] == [(ocid, f"{ocid}-tender-1")]
    assert app.test_client().get(f"/ocds/{ocid}.json").status_code == 200
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_export_ocds_writes_a_file_or_says_why_not(app, runner, tenders, tmp_path):
    target = tmp_path / "ocds.json"
    result = runner.invoke(args=["export-ocds", "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"11 releases of 6 tenders written to {target}"
    written = json.loads(target.read_text(encoding="utf-8"))
    assert written["releases"] == everything(app)[0]["releases"]
    assert "침수 경보 센서" in target.read_text(encoding="utf-8")
    missing = tmp_path / "no-such-folder" / "ocds.json"
    result = runner.invoke(args=["export-ocds", "--out", str(missing)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"error: {missing}: No such file or directory"]
    assert not missing.parent.exists()


def test_export_ocds_needs_the_public_address(instance_path):
    app = build_app(instance_path)
    app.config["BASE_URL"] = None  # as in production without PORTAL_BASE_URL
    result = app.test_cli_runner().invoke(args=["export-ocds"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == ["error: PORTAL_BASE_URL is not set: set it to the portal's "
                                                  "public address, for example https://cocity.example.org."]


def test_the_link_on_the_tender_page(app, tenders):
    template = '{% include "ocds/_tender_link.html" ignore missing %}'
    with app.test_request_context():
        published = db.session.get(Tender, tenders["published"]["id"])
        html = render_template_string(template, tender=published)
        assert f'href="/ocds/{published.ocid}.json"' in html and "Open data (OCDS)" in html
        with force_locale("ko"):
            assert "공개 데이터 (OCDS)" in render_template_string(template, tender=published)
        draft = db.session.get(Tender, tenders["draft"]["id"])
        assert render_template_string(template, tender=draft).strip() == ""


@needs_schemas
def test_the_demo_export_validates(app, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    package, _ = everything(app)
    if not package["releases"]:
        pytest.skip("the demo has no public tender yet")
    assert schema_errors(package) == []
    with app.app_context():
        drafts = db.session.scalars(select(Tender.ocid).where(Tender.status == Tender.DRAFT)).all()
    assert not {release["ocid"] for release in package["releases"]} & set(drafts)

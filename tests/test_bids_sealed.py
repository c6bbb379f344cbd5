"""The sealed-bid rule against every role and every path: before the opening nobody but the bidder reads a bid,
its files, or learns that it exists.

A unique marker sits in every field and file of a bid (its price's digits, each response, a Korean one among
them, the consortium partners' names, the files' names and contents). Before the city opened the tender, every
page of the role table, every page and download the app has for the tender and the bid, search, every POST a
role might try, the notifications, the mail outbox, every column of every table and every file in the instance
folder are swept as every role: the marker appears nowhere but in the bidder's own views. The tender's pages
look the same to everyone else with the bids as without them (no count, no bidder's name). After the opening
the city's declared evaluator reads it, and still nothing else does.
"""
import io
import json
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote_plus

import pytest
from flask import render_template
from flask_login import login_user
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal.accounts.models import User
from portal.bids import services as bids
from portal.bids.models import Bid
from portal.extensions import db
from portal.model_types import utcnow
from portal.organisations.models import Organisation
from portal.tenders.models import Tender

from . import factories
from .conftest import World
from .test_access import CASES, PERSONAS, build_references

MARK = "qzx7seal"
PRICE = 7391846205
KOREAN = "봉인표식칠"
PDF_BODY = f"%PDF-1.4\n% {MARK}pdfbody\n%%EOF\n".encode()
TEXT_BODY = f"Method statement {MARK}textbody\n".encode()
# What must not leak, as text and as bytes: the marker, the price however a page might write it, the Korean.
NEEDLES = (MARK, str(PRICE), f"{PRICE:,}", f"{PRICE:,}".replace(",", "."), f"{PRICE:,}".replace(",", " "), KOREAN)
OTHERS = [persona for persona in PERSONAS if persona != "company"]  # the company is the bidder
# The names a route may give the tender, the bid, its files and the lot; a rule with any other argument is the
# role table's to walk.
ARGUMENTS = {"tender_id", "bid_id", "file_id", "lot_id", "ocid"}
# Commands that write what the portal publishes, with where they write it, where the app has them.
COMMANDS = {"export-ocds": lambda ocid, out: ["--out", str(out)],
            "render-tender": lambda ocid, out: [ocid, "--out", str(out)]}


def leaks(data):
    """The needles found in `data` (text or bytes), case-insensitively."""
    if isinstance(data, bytes | bytearray | memoryview):
        data = bytes(data).decode("utf-8", "replace")
    text = data.lower()
    return [needle for needle in NEEDLES if needle.lower() in text]


def search_page(app, sweep, persona, query):
    """The search page for `query` as a fresh visit of `persona` sees it, with the query itself (which the page
    repeats) written as QUERY."""
    text = client_as(app, sweep, persona).get(f"/search?q={quote_plus(query)}").get_data(as_text=True)
    return normalised(text.replace(quote_plus(query), "QUERY").replace(query, "QUERY"))


def normalised(html):
    """A page without what changes between two requests of it (the CSRF token)."""
    return re.sub(r'(name="csrf_token" value=")[^"]*"', r'\1"', html)


@pytest.fixture
def sweep(app):
    """The role table's world (every page it knows, with its records), and a tender of the city whose
    deadline has passed and whose opening instant has not: the marked bid of the company and a second bid
    come in below, after the tender's pages were recorded without them."""
    with app.test_request_context():
        built = World()
        db.session.commit()
        world = {name: value.id for name, value in vars(built).items()}
    refs, sessions = build_references(app, world)
    with app.test_request_context():
        city = db.session.get(User, world["city"])
        tender = factories.tender_for_bids(db.session.get(Organisation, world["city_org"]), city,
                                           title="Harbour flood gates", now=utcnow() - timedelta(days=8),
                                           opening_after=timedelta(days=2))
        third = factories.organisation("company", name="Delta Gates", country="FI")
        third_person = factories.user(third, email="delta@example.org")
        db.session.commit()
        ids = {"tender": tender.id, "third_person": third_person.id}
    return {"world": world, "refs": refs, "sessions": sessions, "ids": ids}


def client_as(app, sweep, persona):
    client = app.test_client()
    if persona != "anonymous":
        with client.session_transaction() as session:
            session["_user_id"] = sweep["sessions"][persona]
            session["_fresh"] = True
    return client


def tender_paths(app, tender_id, bid_id=None, file_ids=(), method="GET"):
    """Every path of the app whose rule takes only the tender (by id, ocid or lot), the bid and its files, for
    `method`."""
    with app.app_context():
        tender = db.session.get(Tender, tender_id)
        known = {"tender_id": tender_id, "bid_id": bid_id, "lot_id": tender.lots[0].id, "ocid": tender.ocid}
    paths = []
    for rule in app.url_map.iter_rules():
        if method not in rule.methods or not rule.arguments or not rule.arguments <= ARGUMENTS:
            continue
        if "bid_id" in rule.arguments and bid_id is None:
            continue
        for file_id in (file_ids if "file_id" in rule.arguments else (None,)):
            values = dict(known, file_id=file_id)
            paths.append(rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1])
    return sorted(set(paths))


def command_leaks(app, folder, tender_id):
    """(command, needles or a bidder's name) for what the publishing commands write about the tender."""
    with app.app_context():
        ocid = db.session.get(Tender, tender_id).ocid
    found = []
    for name, arguments in COMMANDS.items():
        if name not in app.cli.commands:
            continue
        out = folder / f"{name}.out"
        result = app.test_cli_runner().invoke(args=[name, *arguments(ocid, out)])
        written = out.read_bytes() if out.exists() else b""
        if written.startswith(b"%PDF") and shutil.which("pdftotext"):
            written += subprocess.run(["pdftotext", str(out), "-"], capture_output=True, check=False).stdout
        text = result.output + written.decode("utf-8", "replace")
        if hits := leaks(text) + [bidder for bidder in ("Delta Gates",) if bidder in text]:
            found.append((name, hits))
    return found


def table_paths(refs):
    """Every GET of the role table, with its references filled in."""
    return sorted({case.path.format(**refs) for case in CASES if case.method == "GET"})


def panel_as(app, user_id, tender_id):
    """The bids panel of the tender page as the user sees it (None: nobody signed in)."""
    with app.test_request_context():
        if user_id is not None:
            login_user(db.session.get(User, user_id))
        return render_template("bids/_tender_panel.html", tender=db.session.get(Tender, tender_id))


def submit_marked_bids(app, sweep):
    """The company's bid, a marker in every field and file, and a second company's bid; their ids and files."""
    world, tender_id = sweep["world"], sweep["ids"]["tender"]
    with app.test_request_context():
        tender = db.session.get(Tender, tender_id)
        quality, price = tender.criteria
        then = utcnow() - timedelta(days=3)
        marked = bids.submit(db.session.get(User, world["company"]), tender, tender.lots[0].id, {
            "price": PRICE, "partners": [f"{MARK.title()} Partner AB", f"{KOREAN} 컨소시엄"],
            "responses": {quality.id: f"Our {MARK} quality answer, in plain words.",
                          price.id: f"{KOREAN}: 가격 설명 {MARK} price"}},
            [FileStorage(stream=io.BytesIO(PDF_BODY), filename=f"{MARK}-method.pdf"),
             FileStorage(stream=io.BytesIO(TEXT_BODY), filename=f"{MARK}-{KOREAN}.txt")], now=then)
        other = bids.submit(db.session.get(User, sweep["ids"]["third_person"]), tender, tender.lots[0].id, {
            "price": 1000, "partners": [], "responses": {quality.id: "Gates.", price.id: "Cheap."}}, now=then)
        db.session.commit()
        in_order = bids.file_names(db.session.get(User, world["company"]), marked)  # as uploaded
        return {"bid": marked.id, "other": other.id, "files": [item.id for item, _name in in_order],
                "digest": marked.digest}


def database_leaks(app):
    """(table, column, needles) for every value of every table that holds a needle."""
    found = []
    with app.app_context():
        with db.engine.connect() as connection:
            for table in db.metadata.sorted_tables:
                for row in connection.execute(table.select()).mappings():
                    for column, value in row.items():
                        if value is None:
                            continue
                        if isinstance(value, dict | list):
                            value = json.dumps(value, ensure_ascii=False)
                        elif not isinstance(value, bytes | bytearray | memoryview):
                            value = str(value)
                        if hits := leaks(value):
                            found.append((table.name, column, hits))
        db.session.remove()
        db.engine.dispose()  # SQLite folds its write-ahead log into the file, which the next check reads
    return found


def folder_leaks(app):
    """(file, needles) for every file in the instance folder whose raw bytes hold a needle."""
    return [(str(path.relative_to(app.instance_path)), hits) for path in Path(app.instance_path).rglob("*")
            if path.is_file() and (hits := leaks(path.read_bytes()))]


def test_before_the_opening_a_bid_shows_only_to_its_bidder(app, sweep, tmp_path):
    tender_id, world = sweep["ids"]["tender"], sweep["world"]
    before = {(persona, path): normalised(client_as(app, sweep, persona).get(path).get_data(as_text=True))
              for persona in OTHERS for path in tender_paths(app, tender_id)}
    panels = {persona: panel_as(app, world.get(persona), tender_id) for persona in PERSONAS}
    marked = submit_marked_bids(app, sweep)
    bid_id, file_ids = marked["bid"], marked["files"]

    # The bidder reads its own bid, its files and its receipt.
    bidder = client_as(app, sweep, "company")
    own = bidder.get(f"/bids/{bid_id}").get_data(as_text=True)
    assert MARK in own and f"{PRICE:,}" in own and KOREAN in own and f"{MARK.title()} Partner AB" in own
    assert [bidder.get(f"/bids/{bid_id}/files/{file_id}").data for file_id in file_ids] == [PDF_BODY, TEXT_BODY]
    assert marked["digest"] in bidder.get(f"/bids/{bid_id}/receipt").get_data(as_text=True)

    # Everyone else: every page the role table knows, every page and download for this tender and bid, search.
    paths = table_paths(sweep["refs"]) + tender_paths(app, tender_id, bid_id, file_ids)
    assert any("/files/" in path for path in paths) and f"/bids/{bid_id}" in paths
    for persona in OTHERS:
        client = client_as(app, sweep, persona)
        for path in paths:
            response = client.get(path)
            assert response.status_code < 500, (persona, path)
            assert not leaks(response.data), (persona, path)
        # Searching for what the bid says finds what a search for a word stored nowhere finds: nothing.
        for query, control in ((MARK, "qzx7none"), (str(PRICE), "1111111111"), (KOREAN, "없는표식어"),
                               ("Partner AB", "Partner ZZ")):
            assert search_page(app, sweep, persona, query) == search_page(app, sweep, persona, control), (
                persona, query)
        for path in (f"/bids/{bid_id}", f"/bids/{bid_id}/receipt", f"/bids/{bid_id}/files/{file_ids[0]}"):
            assert client.get(path).status_code in (302, 404), (persona, path)  # as if it did not exist
        # The tender's pages and its bids panel are the same as before any bid came in: no count, no name.
        # (A fresh session, as before: the sweep's refused pages left messages waiting in this one.)
        for path in tender_paths(app, tender_id):
            after = normalised(client_as(app, sweep, persona).get(path).get_data(as_text=True))
            assert after == before[(persona, path)], (persona, path)
            assert "Alpha Sensing" not in after and "Delta Gates" not in after, (persona, path)
        assert panel_as(app, world.get(persona), tender_id) == panels[persona], persona

    # Whatever another role might POST to the tender's and the bid's addresses is refused and reveals nothing.
    with app.app_context():
        state = lambda: [(bid.status, bid.revision, bid.digest, bid.tender.status)  # noqa: E731
                         for bid in db.session.scalars(select(Bid).where(Bid.tender_id == tender_id))]
        unchanged = state()
    for persona in OTHERS:
        client = client_as(app, sweep, persona)
        for path in tender_paths(app, tender_id, bid_id, file_ids, method="POST"):
            response = client.post(path, data={"confirm": "y", "user_id": str(world["city"])}
                                   if persona == "city" and path.endswith("/evaluators") else {})
            assert response.status_code < 500 and not leaks(response.data), (persona, path)
    with app.app_context():
        assert state() == unchanged
        assert db.session.get(Tender, tender_id).opened_at is None

    # The notifications, the mail outbox, every column of every table and every file of the instance folder.
    with app.app_context():
        from portal.notifications.models import Notification
        told = set(db.session.scalars(select(Notification.user_id).where(Notification.record_type == "bid",
                                                                         Notification.record_id == bid_id)))
    assert told == {world["company"]}
    assert command_leaks(app, tmp_path, tender_id) == []  # the open-data export and the PDF, where the app has them
    assert database_leaks(app) == []
    assert folder_leaks(app) == []
    assert any(Path(app.instance_path, "sealed").iterdir())  # the files are there, sealed


def test_after_the_opening_the_citys_declared_evaluator_reads_it_and_nobody_else(app, sweep):
    tender_id, world = sweep["ids"]["tender"], sweep["world"]
    marked = submit_marked_bids(app, sweep)
    bid_id, file_ids = marked["bid"], marked["files"]
    city = client_as(app, sweep, "city")
    assert city.post(f"/tenders/{tender_id}/bids/open").status_code == 409  # the opening instant is ahead
    with app.app_context():
        tender = db.session.get(Tender, tender_id)
        tender.opening_at = utcnow() - timedelta(minutes=1)  # time passes
        db.session.commit()
    assert city.post(f"/tenders/{tender_id}/bids/open").status_code == 302
    # Opened: the city learns who bid, but reads no content before its evaluator declared.
    listing = city.get(f"/tenders/{tender_id}/bids").get_data(as_text=True)
    assert "Alpha Sensing" in listing and "Delta Gates" in listing and not leaks(listing)
    assert not leaks(city.get(f"/bids/{bid_id}").data)
    city.post(f"/tenders/{tender_id}/bids/evaluators", data={"user_id": str(world["city"])})
    city.post(f"/tenders/{tender_id}/bids/declaration", data={"confirm": "y"})
    page = city.get(f"/bids/{bid_id}").get_data(as_text=True)
    assert MARK in page and f"{PRICE:,}" in page and KOREAN in page and marked["digest"] in page
    assert city.get(f"/bids/{bid_id}/files/{file_ids[0]}").data == PDF_BODY
    # Nobody else: not another city, a company, the consultant, an administrator or the public.
    for persona in ("anonymous", "other_company", "other_city", "consultant", "admin"):
        client = client_as(app, sweep, persona)
        for path in tender_paths(app, tender_id, bid_id, file_ids) + ["/dashboard", "/notifications"]:
            response = client.get(path)
            assert response.status_code < 500 and not leaks(response.data), (persona, path)
        assert search_page(app, sweep, persona, MARK) == search_page(app, sweep, persona, "qzx7none"), persona
    # Bids are never indexed, opened or not.
    assert search_page(app, sweep, "city", MARK) == search_page(app, sweep, "city", "qzx7none")
    assert database_leaks(app) == [] and folder_leaks(app) == []

"""Fixtures: an isolated database per test, clients, role fixtures, the outbox."""
import base64
import email
import email.policy
import os
import shutil
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask_migrate import stamp
from sqlalchemy import text
from werkzeug.serving import make_server

from portal import create_app
from portal.accounts import services as account_services
from portal.extensions import db

from . import factories

POSTGRES_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = POSTGRES_URL.startswith("postgres")

BASE_CONFIG = {
    "TESTING": True,
    "WTF_CSRF_ENABLED": False,
    # Argon2id still, at a cost that keeps the suite fast; a test checks the defaults.
    "PASSWORD_HASH_TIME_COST": 1,
    "PASSWORD_HASH_MEMORY_KIB": 1024,
    "SECRET_KEY": "test-secret",
    "BASE_URL": "http://localhost",  # the test client's host; mailed links start with it
    "BID_KEY": base64.b64encode(os.urandom(32)).decode(),  # a key of this run's own, as production has one
}


def build_app(instance_path, **overrides):
    """An app on the test database with `overrides` applied."""
    config = dict(BASE_CONFIG, INSTANCE_PATH=str(instance_path))
    config.update(overrides)
    return create_app(config)


def _create_schema(app):
    with app.app_context():
        if ON_POSTGRES:
            with db.engine.begin() as connection:
                connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
            db.drop_all()
        db.create_all()
        stamp(revision="head")
        db.engine.dispose()


@pytest.fixture(scope="session")
def template_instance(tmp_path_factory):
    """A folder whose database has the current schema, created once per run."""
    folder = tmp_path_factory.mktemp("template")
    _create_schema(build_app(folder))
    return folder


def _empty_postgres(app):
    with app.app_context():
        names = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
        with db.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
def instance_path(tmp_path, template_instance):
    """A fresh instance folder holding a copy of the template database."""
    folder = tmp_path / "instance"
    folder.mkdir()
    if not ON_POSTGRES:
        shutil.copy(template_instance / "portal.sqlite3", folder / "portal.sqlite3")
    return folder


@pytest.fixture
def app(instance_path):
    app = build_app(instance_path)
    if ON_POSTGRES:
        _empty_postgres(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def ctx(app):
    """An application context for tests that call services directly."""
    with app.test_request_context():
        yield
        db.session.rollback()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class World:
    """Two cities, two companies, a consultancy and an admin, each with one member."""

    def __init__(self):
        self.city_org = factories.organisation("city", name="Seoul Test City", country="KR")
        self.other_city_org = factories.organisation("city", name="Copenhagen Test City", country="DK",
                                                     timezone="Europe/Copenhagen")
        self.company_org = factories.organisation("company", name="Alpha Sensing", country="KR")
        self.other_company_org = factories.organisation("company", name="Beta Robotics", country="SE")
        self.consultancy_org = factories.organisation("consultancy", name="Gamma Advisory", country="DK")
        self.city = factories.user(self.city_org, email="city@example.org")
        self.other_city = factories.user(self.other_city_org, email="othercity@example.org")
        self.company = factories.user(self.company_org, email="company@example.org")
        self.other_company = factories.user(self.other_company_org, email="othercompany@example.org")
        self.consultant = factories.user(self.consultancy_org, email="consultant@example.org")
        self.admin = factories.user(None, email="admin@example.org", is_admin=True)

    def persona(self, name):
        return None if name == "anonymous" else getattr(self, name)


@pytest.fixture
def world(app):
    with app.test_request_context():
        built = World()
        db.session.commit()
        ids = {name: value.id for name, value in vars(built).items()}
    return ids


def log_in(app, client, user_id):
    """Give `client` a live session for the user, as a successful login would."""
    from portal.accounts.models import User

    with app.test_request_context():
        token = account_services.start_session(db.session.get(User, user_id))
        db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    return token


@pytest.fixture
def login(app, client):
    """login(user_id): log the test client in."""
    return lambda user_id: log_in(app, client, user_id)


def read_outbox(app):
    """The messages `app` has sent so far, oldest first."""
    folder = Path(app.instance_path) / "outbox"
    files = sorted(folder.glob("*.eml"), key=lambda path: path.stat().st_mtime_ns) if folder.exists() else []
    return [email.message_from_bytes(path.read_bytes(), policy=email.policy.default) for path in files]


@pytest.fixture
def outbox(app):
    """outbox(): the messages the portal has sent so far, oldest first."""
    return lambda: read_outbox(app)


# ---------------------------------------------------------------- the browser tests' server and browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def live_server(app):
    """The app served on a free local port in a thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield chromium
        chromium.close()


# ---------------------------------------------------------------- the walks' cast

TODAY = date.today()
CITY, HANEUL, NORDVAND, DELTA, NORDBRO = (
    "signe@kk.example", "jiwoo@haneul.example", "mads@nordvand.example", "elsa@deltapumps.example",
    "karin@nordbro.example")
CHALLENGE = "Flood warnings for low-lying streets"


@pytest.fixture
def people(app):
    """Copenhagen with its flood challenge; Haneul Sensing (a Korean company whose engineer uses the Korean
    interface, with a published solution), Nordvand Operations, Delta Pumps and Nordbro Advisory, one person each."""
    with app.test_request_context():
        city = factories.organisation("city", name="City of Copenhagen", country="DK", timezone="Europe/Copenhagen",
                                      sectors=["environment"])
        haneul = factories.organisation("company", name="Haneul Sensing", name_ko="하늘센싱", country="KR",
                                        sectors=["environment", "ai-data"])
        nordvand = factories.organisation("company", name="Nordvand Operations", country="DK",
                                          sectors=["water-waste"])
        delta = factories.organisation("company", name="Delta Pumps", country="SE", sectors=["water-waste"])
        nordbro = factories.organisation("consultancy", name="Nordbro Advisory", country="DK")
        factories.user(city, email=CITY, name="Signe Berg")
        factories.user(haneul, email=HANEUL, name="Park Ji-woo", locale="ko")
        factories.user(nordvand, email=NORDVAND, name="Mads Holm")
        factories.user(delta, email=DELTA, name="Elsa Lind")
        factories.user(nordbro, email=NORDBRO, name="Karin Dahl")
        factories.solution(haneul, title="Street-level flood sensors",
                           summary="Water level sensors in manholes warn residents before low-lying streets flood.",
                           description="Radar sensors in manholes measure rising water and send warnings.",
                           sectors=["environment", "safety"], countries=["KR", "DK"], tags=["flood", "sensors"])
        factories.challenge(city, title=CHALLENGE, summary="Warn residents before cloudbursts flood their streets.",
                            problem="Cloudbursts flood basements and low-lying streets within minutes, and "
                                    "residents get no warning.",
                            outcomes="Residents of low-lying streets are warned ten minutes before the water rises.",
                            sectors=["environment", "safety"], currency="DKK", budget_min=1_000_000,
                            budget_max=5_000_000, closes=TODAY + timedelta(days=40))
        db.session.commit()

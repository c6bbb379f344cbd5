"""Schema migrations, the outdated-schema guard, and SQLite under concurrent writers."""
import multiprocessing
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

from portal.database import UPGRADE_COMMAND
from portal.extensions import db

from .conftest import ON_POSTGRES, POSTGRES_URL, build_app


@pytest.fixture
def empty_database(tmp_path):
    """(instance folder, database URL) of a database with no tables at all."""
    folder = tmp_path / "fresh"
    if not ON_POSTGRES:
        yield folder, None
        return
    name = f"cocity_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    yield folder, url.replace("postgresql://", "postgresql+psycopg://")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def fresh_app(empty_database):
    folder, url = empty_database
    overrides = {"SQLALCHEMY_DATABASE_URI": url} if url else {}
    return build_app(folder, **overrides)


def test_migrations_build_exactly_the_models_schema(empty_database):
    app = fresh_app(empty_database)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert differences == []
        if ON_POSTGRES:
            assert _search_storage() == EXPECTED_SEARCH_STORAGE
        downgrade(revision="base")
        upgrade()
        db.engine.dispose()


# What compare_metadata does not see: how PostgreSQL stores the search documents' rows (see
# portal/search/models.py), as the migrations and as the models (which the tests' databases come from) set it.
EXPECTED_SEARCH_STORAGE = (["toast_tuple_target=128"], {"ref": "p", "kind": "p", "language": "p", "sectors": "p",
                                                         "countries": "p", "trl": "p", "title": "x", "body": "x",
                                                         "terms": "x"})


def _search_storage():
    with db.engine.connect() as connection:
        options = connection.scalar(text("SELECT reloptions FROM pg_class WHERE oid = 'search_documents'::regclass"))
        storage = dict(connection.execute(text(
            "SELECT attname, attstorage FROM pg_attribute WHERE attrelid = 'search_documents'::regclass "
            "AND attname = ANY(:names)"), {"names": list(EXPECTED_SEARCH_STORAGE[1])}).all())
    return options, storage


@pytest.mark.skipif(not ON_POSTGRES, reason="about how PostgreSQL stores rows")
def test_the_models_store_search_documents_as_the_migrations_do(app):
    with app.app_context():
        assert _search_storage() == EXPECTED_SEARCH_STORAGE


def test_an_outdated_database_says_which_command_upgrades_it(empty_database, tmp_path):
    app = fresh_app(empty_database)
    response = app.test_client().get("/")
    assert response.status_code == 503
    assert UPGRADE_COMMAND in response.get_data(as_text=True)
    result = app.test_cli_runner().invoke(args=["import-json", str(tmp_path / "x.json")])
    assert result.exit_code == 1 and UPGRADE_COMMAND in result.output
    # The command it names brings the database up to date, and the portal works.
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert app.test_client().get("/").status_code == 200
    with app.app_context():
        db.engine.dispose()


def _read_then_write(instance_path, rounds, errors):
    from portal.accounts.models import LoginFailure

    app = build_app(instance_path)
    try:
        with app.app_context():
            for _ in range(rounds):
                seen = db.session.query(LoginFailure).count()
                db.session.add(LoginFailure(email=f"after-{seen}@example.org", address="127.0.0.1"))
                db.session.commit()
    except Exception as error:  # reported to the parent, which fails the test
        errors.put(repr(error))


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's locking is what this test is about")
def test_sqlite_read_then_write_transactions_do_not_fail_under_concurrency(app, instance_path):
    from portal.accounts.models import LoginFailure

    spawn = multiprocessing.get_context("spawn")
    errors = spawn.Queue()
    workers = [spawn.Process(target=_read_then_write, args=(str(instance_path), 40, errors)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    reported = [errors.get() for _ in range(errors.qsize())] if not errors.empty() else []
    assert reported == []
    with app.app_context():
        assert db.session.query(LoginFailure).count() == 160
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_alert_notifications_become_general_notifications(empty_database):
    from portal.alerts.services import create_alert
    from portal.notifications.models import Notification
    from portal.notifications.services import describe

    from . import factories

    app = fresh_app(empty_database)
    with app.app_context():
        upgrade()
        with app.test_request_context():
            city = factories.organisation("city", name="Migrating City")
            challenge = factories.challenge(city, title="Flood sensors for alleys")
            company = factories.user(factories.organisation("company"))
            alert = create_alert(company, "flood")
            ids = {"user": company.id, "challenge": challenge.id, "alert": alert.id, "key": challenge.key}
            db.session.commit()
        downgrade(revision="0006")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO notifications (user_id, challenge_id, alert_id, created_at) "
                "VALUES (:user, :challenge, :alert, CURRENT_TIMESTAMP)"), ids)
        upgrade()
        with app.test_request_context():
            (notification,) = db.session.scalars(db.select(Notification)).all()
            assert (notification.user_id, notification.kind, notification.record_id, notification.link) == (
                ids["user"], "alert_match", ids["challenge"], f"/challenges/{ids['key']}")
            assert notification.params["query"] == "flood"
            assert describe(notification) == "“Flood sensors for alleys” by Migrating City matches your alert"
        db.session.remove()
        db.engine.dispose()

"""Database wiring: SQLite behaviour, one commit per request, schema version check."""
from pathlib import Path

from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app, has_request_context, render_template, request
from flask_babel import gettext as _
from sqlalchemy import event

from .extensions import db

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
READ_ONLY_METHODS = {"GET", "HEAD", "OPTIONS"}
UPGRADE_COMMAND = "cocity db upgrade"  # the installed command; `flask --app app db upgrade` in a checkout


def configure_sqlite(engine):
    """WAL, foreign keys, and write transactions that take the lock up front.

    pysqlite's own transaction handling starts with a deferred BEGIN, so a
    read-then-write transaction can fail with "database is locked" when another
    writer slipped in between. We take over BEGIN and make it IMMEDIATE for every
    transaction that may write; requests that only read keep a deferred BEGIN so
    readers never queue behind writers.
    """

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        if has_request_context() and request.method in READ_ONLY_METHODS:
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def schema_heads():
    """(database revision heads, migration script heads)."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    script_heads = set(ScriptDirectory.from_config(config).get_heads())
    with db.engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current, script_heads


def schema_is_current():
    """Whether the database carries the newest migration (checked once per process)."""
    if current_app.extensions.get("portal_schema_current"):
        return True
    current, expected = schema_heads()
    ok = current == expected
    if ok:
        current_app.extensions["portal_schema_current"] = True
    return ok


def configure_database(app):
    """Bind SQLAlchemy and Flask-Migrate; commit or roll back once per request."""
    from .extensions import migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            configure_sqlite(db.engine)

    @app.before_request
    def require_current_schema():
        if app.config.get("SCHEMA_CHECK", True) and not schema_is_current():
            return render_template(
                "errors/schema.html", command=UPGRADE_COMMAND,
                title=_("The database needs an upgrade"),
            ), 503
        return None

    @app.after_request
    def finish_transaction(response):
        # Success commits; any 4xx/5xx answer (form errors are 422) rolls back,
        # so a rejected request never leaves half its writes behind.
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

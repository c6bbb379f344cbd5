"""CoCity: a public–private partnership matchmaking and procurement portal."""
import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as portal_config

PACKAGE_DIR = Path(__file__).resolve().parent


def web_folder(name):
    """templates/ or static/: the copy an installed package carries, else the checkout's top-level folder."""
    installed = PACKAGE_DIR / name
    return installed if installed.is_dir() else PACKAGE_DIR.parent / name


def create_app(test_config=None, *, require_settings=True):
    """Build the application; `test_config` overrides configuration (tests use it).

    Missing required settings (the secret key) raise ConfigError, unless `require_settings`
    is false: commands that do not need them can then run, and the app refuses every request.
    """
    test_config = dict(test_config or {})
    instance_path = test_config.pop("INSTANCE_PATH", None) or os.environ.get("PORTAL_INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_path=str(Path(instance_path).resolve()) if instance_path else None,
        instance_relative_config=False,
        template_folder=str(web_folder("templates")),
        static_folder=str(web_folder("static")),
    )
    portal_config.load(app, test_config)
    if require_settings:
        portal_config.require_settings(app)
    else:
        refuse_requests_while_settings_are_missing(app)
    if app.config["PROXY_HOPS"]:
        # Behind a proxy the client address comes from X-Forwarded-For; login
        # throttling counts per address, so it must see the real one.
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    configure_extensions(app)
    configure_blueprints(app)
    configure_subscriptions(app)
    configure_cli(app)
    return app


def refuse_requests_while_settings_are_missing(app):
    """Answer every request 500 and log why, rather than serve without a secret key."""
    missing = portal_config.missing_settings(app)
    if not missing:
        return

    @app.before_request
    def refuse():
        app.logger.error("error: %s", missing[0])
        return "This site is not configured yet; its log says why.\n", 500, {"Content-Type": "text/plain"}


def configure_extensions(app):
    from .accounts.views import configure_login
    from .bids import models as bid_models  # noqa: F401
    from .database import configure_database
    from .discussions import models as discussion_models  # noqa: F401
    from .documents import models as document_models  # noqa: F401
    from .errors import register_error_handlers
    from .extensions import bootstrap, csrf
    from .files import models as file_models  # noqa: F401
    from .i18n import configure_i18n
    from .mail.views import configure_mail
    from .notifications.views import configure_notifications
    from .proposals import models as proposal_models  # noqa: F401 (their tables, before any views use them)
    from .search import indexing, models  # noqa: F401 (feeds the index after each commit; its table)
    from .security import configure_security
    from .tenders import models as tender_models  # noqa: F401
    from .workspace_files import models as workspace_file_models  # noqa: F401
    from .workspaces import models as workspace_models  # noqa: F401

    configure_security(app)  # before CSRF, which parses the form
    configure_database(app)
    csrf.init_app(app)
    bootstrap.init_app(app)
    configure_login(app)
    configure_notifications(app)
    configure_mail(app)
    configure_i18n(app)
    register_error_handlers(app)


def configure_blueprints(app):
    from .accounts.views import admin_bp as accounts_admin
    from .accounts.views import bp as accounts
    from .alerts.views import bp as alerts
    from .bids.views import bp as bids
    from .challenges.views import bp as challenges
    from .mail.views import admin_bp as mail_admin
    from .main.views import bp as main
    from .ocds.views import bp as ocds
    from .organisations.views import admin_bp as organisations_admin
    from .organisations.views import bp as organisations
    from .proposals.views import bp as proposals
    from .search.views import bp as search
    from .solutions.views import bp as solutions
    from .tenders.views import bp as tenders
    from .workspaces.views import bp as workspaces

    for blueprint in (main, accounts, accounts_admin, organisations, organisations_admin,
                      solutions, challenges, search, alerts, mail_admin, workspaces, proposals, ocds, bids, tenders):
        app.register_blueprint(blueprint)
    configure_collaboration(app)


def configure_collaboration(app):
    """The tools inside a workspace: files, threads and requirement documents."""
    from .discussions.views import bp as discussions
    from .documents.views import bp as documents
    from .markup import configure_markup
    from .workspace_files.views import bp as workspace_files

    configure_markup(app)
    for blueprint in (workspace_files, discussions, documents):
        app.register_blueprint(blueprint)


def configure_subscriptions(app):
    """Connect, for this app, each domain that listens to the signals it reacts to (portal/signals.py)."""
    from .alerts.services import subscribe as alerts_subscribe
    from .bids.services import subscribe as bids_subscribe  # its notices too
    from .challenges.services import subscribe as challenges_subscribe
    from .discussions.notices import subscribe as discussions_subscribe
    from .documents.notices import subscribe as documents_subscribe
    from .notifications.services import subscribe as notifications_subscribe
    from .proposals.notices import subscribe as proposals_subscribe
    from .tenders.notices import subscribe as tenders_subscribe
    from .workspaces.services import subscribe as workspaces_subscribe  # its notices too

    alerts_subscribe(app)
    challenges_subscribe(app)
    notifications_subscribe(app)
    proposals_subscribe(app)
    workspaces_subscribe(app)
    discussions_subscribe(app)
    documents_subscribe(app)
    bids_subscribe(app)
    tenders_subscribe(app)


def configure_cli(app):
    from .cli import register_commands

    register_commands(app)

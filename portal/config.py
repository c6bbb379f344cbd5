"""Configuration defaults; the environment overrides them (see DESIGN.md)."""
import base64
import binascii
import hashlib
import os
import re
from pathlib import Path
from urllib.parse import urlsplit


class ConfigError(RuntimeError):
    """The configuration cannot run the portal safely."""


# Settings the portal cannot serve without outside debug mode and tests, with what to do about each.
REQUIRED_SETTINGS = {
    "SECRET_KEY": "PORTAL_SECRET_KEY is not set: set it to a long random string "
                  "(python3 -c 'import secrets; print(secrets.token_hex(32))').",
    "BASE_URL": "PORTAL_BASE_URL is not set: set it to the portal's public address, "
                "for example https://cocity.example.org.",
    "BID_KEY": "PORTAL_BID_KEY is not set: set it to 32 random bytes in base64 "
               "(python3 -c 'import base64, secrets; print(base64.b64encode(secrets.token_bytes(32)).decode())') "
               "and keep it outside the database and the instance folder: sealed bids are read with it.",
}
# Debug mode and tests seal bids with this key when PORTAL_BID_KEY is not set, as they sign sessions with a
# development secret: known to anyone who reads this file, so never a key for real bids.
DEVELOPMENT_BID_KEY = base64.b64encode(hashlib.sha256(b"CoCity development-only bid key").digest()).decode()


def whole_number(variable, default):
    """The environment variable `variable` as a whole number, or ConfigError naming it."""
    value = os.environ.get(variable, default)
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{variable} must be a whole number, not {value!r}.") from None


def database_url(instance_path: str) -> str:
    """The SQLAlchemy URL: DATABASE_URL if set, else SQLite in the instance folder."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "portal.sqlite3")
    # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load(app, overrides=None):
    """Fill app.config from defaults, the environment and test overrides."""
    overrides = dict(overrides or {})
    config = app.config
    config.update(
        SQLALCHEMY_DATABASE_URI=database_url(app.instance_path),
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
        SEARCH_BACKEND=os.environ.get("PORTAL_SEARCH_BACKEND", "whoosh"),
        MATCHING_STRATEGY="text-and-fit",
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,  # a page that takes uploads raises it (portal/files)
        MAX_UPLOAD_BYTES=whole_number("PORTAL_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)),
        MAX_FORM_MEMORY_SIZE=1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_LIFETIME_DAYS=14,
        WTF_CSRF_TIME_LIMIT=None,
        BABEL_DEFAULT_LOCALE="en",
        BABEL_DEFAULT_TIMEZONE="UTC",
        BABEL_TRANSLATION_DIRECTORIES="translations",
        BOOTSTRAP_SERVE_LOCAL=True,
        LANGUAGES=["en", "ko"],
        # Argon2id; the defaults are the RFC 9106 "low memory" profile.
        PASSWORD_HASH_TIME_COST=3,
        PASSWORD_HASH_MEMORY_KIB=65536,
        LOGIN_WINDOW_MINUTES=15,
        LOGIN_MAX_FAILURES_PER_ACCOUNT=5,
        LOGIN_MAX_FAILURES_PER_ADDRESS=30,
        PASSWORD_RESET_MAX_AGE=3600,
        INVITATION_DAYS=14,
        INVITATIONS_PER_DAY=20,  # per organisation, so a member cannot turn the portal into a mailer
        MAIL_SERVER=os.environ.get("PORTAL_MAIL_SERVER"),
        MAIL_PORT=whole_number("PORTAL_MAIL_PORT", "587"),
        MAIL_USERNAME=os.environ.get("PORTAL_MAIL_USERNAME"),
        MAIL_PASSWORD=os.environ.get("PORTAL_MAIL_PASSWORD"),
        MAIL_USE_TLS=os.environ.get("PORTAL_MAIL_USE_TLS", "1") == "1",
        MAIL_SENDER=os.environ.get("PORTAL_MAIL_SENDER", "CoCity <no-reply@cocity.example>"),
        MAIL_MAX_ATTEMPTS=8,
        MAIL_RETRY_SECONDS=60,  # doubled after every failed attempt
        MAIL_CLAIM_MINUTES=15,  # a message "sending" longer than this was interrupted
        PAGE_SIZE=20,
        # The Open Contracting id of a tender is this prefix, a hyphen and the tender's number; register a
        # prefix of your own with the Open Contracting Partnership before publishing open data.
        PORTAL_OCID_PREFIX=os.environ.get("PORTAL_OCID_PREFIX", "ocds-c0c1ty"),
        PROXY_HOPS=whole_number("PORTAL_PROXY_HOPS", "0"),
        # Who publishes the Open Contracting release packages.
        OCDS_PUBLISHER=os.environ.get("PORTAL_OCDS_PUBLISHER", "CoCity"),
        # Days between an award and the contract, in which losing bidders may challenge it.
        STANDSTILL_DAYS=whole_number("PORTAL_STANDSTILL_DAYS", "10"),
    )
    config.update(overrides)
    secret = overrides.get("SECRET_KEY") or os.environ.get("PORTAL_SECRET_KEY")
    if not secret and (app.debug or config.get("TESTING")):
        secret = "development-only-secret"
    config["SECRET_KEY"] = secret
    bid_key = overrides.get("BID_KEY") or os.environ.get("PORTAL_BID_KEY")
    if not bid_key and (app.debug or config.get("TESTING")):
        bid_key = DEVELOPMENT_BID_KEY
    config["BID_KEY"] = check_bid_key(bid_key) if bid_key else None
    if config["STANDSTILL_DAYS"] < 0:
        raise ConfigError(f"PORTAL_STANDSTILL_DAYS must be 0 or more, not {config['STANDSTILL_DAYS']}.")
    configure_base_url(app, overrides.get("BASE_URL") or os.environ.get("PORTAL_BASE_URL"))
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]{0,80}", config["PORTAL_OCID_PREFIX"]):
        raise ConfigError(f"PORTAL_OCID_PREFIX must be letters, digits and hyphens, such as ocds-213czf, "
                          f"not {config['PORTAL_OCID_PREFIX']!r}.")
    if "SESSION_COOKIE_SECURE" not in overrides:
        config["SESSION_COOKIE_SECURE"] = not (app.debug or config.get("TESTING"))
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # Writers queue behind each other instead of failing at once.
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}


def check_bid_key(value):
    """The bid key `value` if it is 32 bytes in base64; ConfigError otherwise (without repeating the key)."""
    try:
        key = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        key = None
    if key is None or len(key) != 32:
        raise ConfigError("PORTAL_BID_KEY must be 32 bytes written in base64 (44 characters ending in '='); "
                          "the value set is not.")
    return value.strip()


def configure_base_url(app, base_url):
    """Set BASE_URL, the public address links in mail are built from, and refuse requests for other hosts."""
    config = app.config
    local = app.debug or config.get("TESTING")
    if not base_url:
        if not local:
            config["BASE_URL"] = None  # a required setting: require_settings says what to do
            return
        base_url = "http://localhost" if config.get("TESTING") else "http://127.0.0.1:5000"
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ConfigError(f"PORTAL_BASE_URL must be an http(s) address such as https://cocity.example.org, "
                          f"not {base_url!r}.")
    config["BASE_URL"] = base_url.rstrip("/")
    config["PREFERRED_URL_SCHEME"] = parts.scheme
    if "TRUSTED_HOSTS" not in config or config["TRUSTED_HOSTS"] is None:
        # Host headers are the client's to choose; only the portal's own name is served.
        config["TRUSTED_HOSTS"] = [parts.hostname] + (["127.0.0.1", "localhost"] if local else [])


def missing_settings(app):
    """What to do about each required setting that `app` lacks, outside debug mode and tests."""
    if app.debug or app.config.get("TESTING"):
        return []
    return [advice for name, advice in REQUIRED_SETTINGS.items() if not app.config.get(name)]


def require_settings(app):
    """Raise ConfigError for the first required setting that `app` lacks."""
    missing = missing_settings(app)
    if missing:
        raise ConfigError(missing[0])

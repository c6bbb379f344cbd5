"""Languages, time zones and locale-aware formatting for templates and forms."""
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime as babel_format_datetime
from babel.dates import get_timezone_location
from flask import current_app, has_request_context, request, session
from flask_babel import format_currency, format_date, get_locale, get_timezone
from flask_login import current_user

from .model_types import utcnow
from .taxonomy import SECTORS, country_codes
from .validation import available_timezones

TIMEZONE_COOKIE = "tz"


def select_locale():
    """The user's preference, then the session's choice, then the browser's."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return "en"  # the command line speaks English
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("locale") in languages:
        return session["locale"]
    return request.accept_languages.best_match(languages) or "en"


def select_timezone():
    """The user's zone, else the browser's (reported by a small script), else UTC."""
    if not has_request_context():
        return "UTC"
    if current_user.is_authenticated:
        return current_user.timezone
    zone = request.cookies.get(TIMEZONE_COOKIE, "")
    return zone if zone in available_timezones() else "UTC"


def country_name(code):
    """A country's name in the current language."""
    return Locale.parse(str(get_locale())).territories.get(code, code)


def country_choices():
    """(code, name) pairs for every ISO country, sorted by name in the current language."""
    names = Locale.parse(str(get_locale())).territories
    return sorted(((code, names.get(code, code)) for code in country_codes()), key=lambda pair: pair[1])


def timezone_choices():
    """(zone, zone) pairs of IANA names, regions first."""
    zones = sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
    return [("UTC", "UTC")] + [(zone, zone.replace("_", " ")) for zone in zones]


def sector_label(slug):
    return SECTORS.get(slug, slug)


def zone_label(zone_name):
    """A readable name for a time zone, e.g. 'Seoul' or '서울'."""
    try:
        return get_timezone_location(ZoneInfo(zone_name), locale=str(get_locale()), return_city=True)
    except (LookupError, ValueError):
        return zone_name


def format_instant(moment, zone_name, format="medium"):
    """A point in time shown in the given zone, in the current language."""
    return babel_format_datetime(moment, format=format, tzinfo=ZoneInfo(zone_name), locale=str(get_locale()))


def format_money(amount, currency):
    """An amount of money in the current language, without decimals."""
    return format_currency(amount, currency, format="¤#,##0", currency_digits=False)


def viewer_zone():
    """The viewer's time zone name."""
    return str(get_timezone())


def configure_i18n(app):
    """Flask-Babel selectors plus template helpers."""
    from .extensions import babel

    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.globals.update(
        country_name=country_name, sector_label=sector_label, zone_label=zone_label,
        format_instant=format_instant, format_money=format_money, viewer_zone=viewer_zone,
        format_date=format_date, current_locale=lambda: str(get_locale()), now_utc=utcnow,
    )

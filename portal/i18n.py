"""Languages, time zones and locale-aware formatting for templates and forms."""
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from babel.dates import get_timezone_location
from babel.numbers import format_decimal, get_currency_symbol
from flask import current_app, has_request_context, request, session
from flask_babel import format_date, get_locale, get_timezone
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
    return _reported_zone() or "UTC"


def _reported_zone():
    """The zone the browser's script reported, if it did and it is one."""
    zone = request.cookies.get(TIMEZONE_COOKIE, "")
    return zone if zone in available_timezones() else None


def country_name(code):
    """A country's name in the current language."""
    return _territories(str(get_locale())).get(code, code)


def country_choices():
    """(code, name) pairs for every ISO country, sorted by name in the current language."""
    return _country_choices(str(get_locale()))


@lru_cache(maxsize=4)
def _territories(locale):
    return _locale(locale).territories


@lru_cache(maxsize=4)
def _country_choices(locale):
    names = _territories(locale)
    return tuple(sorted(((code, names.get(code, code)) for code in country_codes()), key=lambda pair: pair[1]))


def timezone_choices():
    """(zone, label) pairs: "Asia/Seoul" shown as "Asia/Seoul (서울)" in Korean."""
    return _timezone_choices(str(get_locale()))


@lru_cache(maxsize=4)
def _timezone_choices(locale):
    zones = sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
    choices = [("UTC", "UTC")]
    for zone in zones:
        try:
            city = get_timezone_location(ZoneInfo(zone), locale=locale, return_city=True)
        except (LookupError, ValueError):
            city = None
        label = zone.replace("_", " ")
        choices.append((zone, f"{label} ({city})" if city and city not in label else label))
    return choices


def sector_label(slug):
    return SECTORS.get(slug, slug)


def zone_label(zone_name):
    """A readable name for a time zone, e.g. 'Seoul' or '서울'."""
    return _zone_label(zone_name, str(get_locale()))


# Babel looks these up anew on every call; a listing page asks for them on every card.
@lru_cache(maxsize=1024)
def _zone_label(zone_name, locale):
    try:
        return get_timezone_location(ZoneInfo(zone_name), locale=locale, return_city=True)
    except (LookupError, ValueError):
        return zone_name


@lru_cache(maxsize=4)
def _locale(identifier):
    return Locale.parse(identifier)


@lru_cache(maxsize=256)
def _currency_symbol(currency, locale):
    return get_currency_symbol(currency, locale=locale)


# Korean readers expect deadlines on a 24-hour clock ("23:59"); CLDR's short
# Korean pattern would print "PM 11:59".
TIME_PATTERNS = {"ko": "HH:mm"}


def format_instant(moment, zone_name, format="long"):
    """A point in time in the given zone and the current language: "March 1, 2030, 11:59 PM"."""
    locale = _locale(str(get_locale()))
    local = moment.astimezone(ZoneInfo(zone_name))
    day = babel_format_date(local, format, locale=locale)
    clock = babel_format_time(local, TIME_PATTERNS.get(locale.language, "short"), locale=locale)
    return str(locale.datetime_formats[format]).replace("{1}", day).replace("{0}", clock)


def format_money(amount, currency):
    """A whole amount of money in the current language: "₩150,000,000", "DKK 1,500,000".

    Budgets are whole amounts, so the locale's decimals would only add noise;
    CLDR separates a letter code from the number, which Babel's patterns do not.
    """
    locale = str(get_locale())
    symbol = _currency_symbol(currency, locale)
    number = format_decimal(amount, locale=locale)
    return f"{symbol}\xa0{number}" if symbol[-1:].isalpha() else f"{symbol}{number}"


def viewer_zone():
    """The viewer's time zone name."""
    return str(get_timezone())


def viewer_zone_known():
    """Whether viewer_zone() is the viewer's own: chosen on their account or reported by their browser (whose
    first page comes before its script could report it)."""
    if not has_request_context():
        return False
    return current_user.is_authenticated or _reported_zone() is not None


def configure_i18n(app):
    """Flask-Babel selectors plus template helpers."""
    from .extensions import babel

    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.globals.update(
        country_name=country_name, sector_label=sector_label, zone_label=zone_label,
        format_instant=format_instant, format_money=format_money, viewer_zone=viewer_zone,
        viewer_zone_known=viewer_zone_known,
        format_date=format_date, current_locale=lambda: str(get_locale()), now_utc=utcnow,
    )

"""Field rules shared by forms, services and the importer.

Each check returns an error message or None, so services can collect every
problem in one pass and the importer can name the failing field.
"""
import re
import unicodedata
import zoneinfo
from datetime import date
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from .taxonomy import CONTENT_LANGUAGES, ORGANISATION_KINDS, SECTORS, country_codes, currency_codes

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Invisible format characters (Unicode category Cf) that text needs: the zero-width joiner builds emoji
# such as "woman technologist" and the non-joiner shapes some scripts; tag characters spell subdivision
# flags (Scotland, Wales). Korean needs none. Every other one, the right-to-left override (U+202E) first,
# only hides or reorders what a title or name says.
NEEDED_FORMAT_CHARS = frozenset("\u200c\u200d") | frozenset(map(chr, range(0xE0020, 0xE0080)))


def invisible_format_chars(value):
    """The invisible format characters in `value` that titles and names may not hold."""
    return sorted({c for c in value if unicodedata.category(c) == "Cf" and c not in NEEDED_FORMAT_CHARS})


def check_text(value, max_length, required=True, multiline=False):
    """A string of at most max_length characters, without control characters."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return _l("This field is required.") if required else None
    if not isinstance(value, str):
        return _l("Must be text.")
    if len(value) > max_length:
        return _l("At most %(n)d characters.", n=max_length)
    text = value if not multiline else value.replace("\n", "").replace("\r", "").replace("\t", "")
    if CONTROL_CHARS.search(text) or (not multiline and ("\n" in value or "\r" in value)):
        return _l("Contains characters that are not allowed.")
    if not multiline and (hidden := invisible_format_chars(value)):
        return _l("Contains invisible formatting characters (%(codes)s) that can hide or reverse the text; "
                  "remove them.", codes=", ".join(f"U+{ord(c):04X}" for c in hidden))
    return None


def check_key(value):
    """A stable external id: lowercase letters, digits and hyphens."""
    if not isinstance(value, str) or not KEY_PATTERN.match(value):
        return _l("Use 1–80 lowercase letters, digits and hyphens.")
    return None


def check_choice(value, choices):
    """One of the given choices."""
    if value not in choices:
        return _l("Not a valid choice.")
    return None


def check_kind(value):
    return check_choice(value, ORGANISATION_KINDS)


def check_language(value):
    return check_choice(value, CONTENT_LANGUAGES)


def check_country(value):
    """An ISO 3166-1 alpha-2 code."""
    if not isinstance(value, str) or value not in country_codes():
        return _l("Not an ISO 3166-1 alpha-2 country code.")
    return None


def check_countries(values, required=False):
    """A list of ISO country codes."""
    if not isinstance(values, list):
        return _l("Must be a list of country codes.")
    if required and not values:
        return _l("Choose at least one country.")
    bad = [v for v in values if check_country(v)]
    if bad:
        return _l("Not ISO 3166-1 alpha-2 country codes: %(codes)s", codes=", ".join(map(str, bad)))
    return None


def check_currency(value):
    """An ISO 4217 code."""
    if not isinstance(value, str) or value not in currency_codes():
        return _l("Not an ISO 4217 currency code.")
    return None


def check_sectors(values, required=True):
    """Sector slugs of the taxonomy; at least one unless not required."""
    if not isinstance(values, list):
        return _l("Must be a list of sectors.")
    if required and not values:
        return _l("Choose at least one sector.")
    bad = [v for v in values if v not in SECTORS]
    if bad:
        return _l("Unknown sectors: %(slugs)s", slugs=", ".join(map(str, bad)))
    return None


def check_trl(value):
    """A technology readiness level, 1 to 9."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 9:
        return _l("Must be a whole number from 1 to 9.")
    return None


def check_url(value, required=False):
    """An http(s) URL."""
    if not value:
        return _l("This field is required.") if required else None
    if not isinstance(value, str) or len(value) > 300:
        return _l("At most %(n)d characters.", n=300)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        return _l("Enter a web address starting with https://.")
    return None


def check_email(value):
    """A syntactically valid email address (no DNS look-up)."""
    if not isinstance(value, str) or len(value) > 254:
        return _l("Enter a valid email address.")
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return _l("Enter a valid email address.")
    return None


def check_timezone(value):
    """An IANA time zone name."""
    if not isinstance(value, str) or value not in available_timezones():
        return _l("Not a known time zone.")
    return None


def check_tags(values):
    """Up to 20 short lowercase tags."""
    if not isinstance(values, list) or len(values) > 20:
        return _l("At most 20 tags.")
    for tag in values:
        if not isinstance(tag, str) or not tag.strip() or len(tag) > 40 or CONTROL_CHARS.search(tag):
            return _l("Each tag is 1–40 characters.")
    return None


def check_amount(value):
    """A non-negative whole amount of money."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10**15:
        return _l("Must be a whole, non-negative amount.")
    return None


def parse_date(value):
    """An ISO 8601 date from a string or date; None when it is not one."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


EARLIEST_DAY, LATEST_DAY = date(2000, 1, 1), date(2099, 12, 31)


def check_day(value):
    """An ISO 8601 date this century (far dates break time zone arithmetic)."""
    day = parse_date(value)
    if day is None:
        return _l("Enter a date as YYYY-MM-DD.")
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        return _l("Enter a date between %(first)s and %(last)s.", first=EARLIEST_DAY.isoformat(),
                  last=LATEST_DAY.isoformat())
    return None


_TIMEZONES = None


def available_timezones():
    """IANA zone names known to this Python."""
    global _TIMEZONES
    if _TIMEZONES is None:
        _TIMEZONES = frozenset(zoneinfo.available_timezones())
    return _TIMEZONES

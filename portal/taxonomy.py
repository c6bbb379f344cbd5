"""Fixed vocabularies: sectors, languages, organisation kinds, countries, currencies."""
from functools import lru_cache

import pycountry
from flask_babel import lazy_gettext as _l

SECTORS = {
    "mobility": _l("Mobility"),
    "safety": _l("Safety"),
    "energy": _l("Energy"),
    "environment": _l("Environment"),
    "water-waste": _l("Water and waste"),
    "health": _l("Health"),
    "buildings": _l("Buildings"),
    "governance": _l("Governance"),
    "connectivity": _l("Connectivity"),
    "robotics": _l("Robotics"),
    "ai-data": _l("AI and data"),
    "citizen-services": _l("Citizen services"),
}

CONTENT_LANGUAGES = {"en": _l("English"), "ko": _l("Korean")}

ORGANISATION_KINDS = {
    "city": _l("City"),
    "company": _l("Company"),
    "consultancy": _l("Consultancy"),
}

# The zone a new organisation starts with; members can pick another.
COUNTRY_TIMEZONES = {
    "KR": "Asia/Seoul",
    "DK": "Europe/Copenhagen",
    "SE": "Europe/Stockholm",
    "NO": "Europe/Oslo",
    "FI": "Europe/Helsinki",
    "IS": "Atlantic/Reykjavik",
}


def default_timezone(country):
    """The usual time zone of a country, UTC when we do not know one."""
    return COUNTRY_TIMEZONES.get(country, "UTC")


@lru_cache(maxsize=1)
def country_codes():
    """ISO 3166-1 alpha-2 codes."""
    return frozenset(country.alpha_2 for country in pycountry.countries)


@lru_cache(maxsize=1)
def currency_codes():
    """ISO 4217 alphabetic codes."""
    return frozenset(currency.alpha_3 for currency in pycountry.currencies)


def sort_sectors(slugs):
    """Sector slugs in taxonomy order, without duplicates."""
    order = list(SECTORS)
    return sorted(set(slugs), key=order.index)

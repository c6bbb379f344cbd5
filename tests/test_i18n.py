"""Languages: complete English and Korean catalogues, a switcher, remembered preferences."""
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from portal.accounts.models import User
from portal.extensions import db

from . import factories
from .factories import PASSWORD

ROOT = Path(__file__).resolve().parents[1]
KOREAN = ROOT / "portal" / "translations" / "ko" / "LC_MESSAGES" / "messages.po"


def source_messages():
    """Every translatable string in the code and templates, found as `pybabel extract` finds them."""
    with open(ROOT / "babel.cfg") as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = dict(DEFAULT_KEYWORDS, _l=None, lazy_gettext=None)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords,
        directory_filter=lambda path: not Path(path).name.startswith((".", "__")),
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_korean_catalogue_translates_every_message():
    with open(KOREAN, "rb") as handle:
        catalogue = read_po(handle)
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue
                  if m.id and not m.fuzzy and (all(m.string) if isinstance(m.string, tuple) else m.string)}
    missing = source_messages() - translated
    assert len(source_messages()) > 250
    assert missing == set(), "run the catalogue update in the README and translate these"


def test_the_language_switch_is_remembered_for_visitors(client):
    assert ">Challenges<" in client.get("/").get_data(as_text=True)
    client.post("/language", data={"language": "ko", "next": "/solutions"})
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="ko">' in page and ">과제<" in page and ">솔루션<" in page


def test_browser_language_is_the_default(client):
    page = client.get("/login", headers={"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert ">로그인<" in page


def test_a_users_preference_wins_and_is_saved(app, client, world):
    with app.test_request_context():
        db.session.get(User, world["company"]).locale = "ko"
        db.session.commit()
    client.post("/login", data={"email": "company@example.org", "password": PASSWORD})
    assert ">대시보드<" in client.get("/dashboard", headers={"Accept-Language": "en"}).get_data(as_text=True)
    client.post("/language", data={"language": "en"})
    with app.app_context():
        assert db.session.get(User, world["company"]).locale == "en"


def test_money_and_dates_follow_the_language(app, client, world):
    from portal.organisations.models import Organisation

    with app.test_request_context():
        city = db.session.get(Organisation, world["other_city_org"])
        key = factories.challenge(city, budget_min=1500000, budget_max=2500000, currency="DKK").key
        db.session.commit()
    english = client.get(f"/challenges/{key}").get_data(as_text=True)
    assert "DKK\xa01,500,000" in english or "DKK 1,500,000" in english
    client.post("/language", data={"language": "ko"})
    korean = client.get(f"/challenges/{key}").get_data(as_text=True)
    assert "DKK\xa01,500,000" in korean or "DKK 1,500,000" in korean
    assert "년" in korean and "월" in korean  # Korean date format
    assert "덴마크" in korean  # the country's name in Korean


def test_form_errors_are_translated(client):
    client.post("/language", data={"language": "ko"})
    page = client.post("/register", data={"email": "x"}).get_data(as_text=True)
    assert "This field is required." not in page

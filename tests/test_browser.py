"""In a real browser: a city registers, drafts and publishes a challenge, an admin
verifies the city, and a visitor finds the challenge in the public list.

Drives Debian's Chromium through Playwright; screenshots at phone and desktop
widths land in test-artifacts/screenshots/ for people to look at.
"""
import os
from datetime import date, timedelta
from pathlib import Path

import pytest

from portal.challenges.models import Challenge
from portal.extensions import db
from portal.solutions.models import Solution

from . import factories
from .conftest import CHROMIUM

SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}

if not CHROMIUM and os.environ.get("REQUIRE_BROWSER"):
    raise RuntimeError("REQUIRE_BROWSER is set but Chromium is not installed")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM, reason="Chromium is not installed (apt-get install chromium)"),
]


def shoot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_city_registers_publishes_and_the_public_sees_it(app, live_server, browser):
    with app.test_request_context():
        factories.user(None, email="admin@example.org", is_admin=True)
        db.session.commit()

    city = browser.new_page(viewport=DESKTOP, locale="en-GB")
    city.goto(f"{live_server}/register")
    city.get_by_label("Your name").fill("Signe Berg")
    city.get_by_label("Email").fill("signe@aarhus.example")
    city.get_by_label("Password", exact=True).fill("a long city password")
    city.get_by_label("Repeat the password").fill("a long city password")
    city.get_by_label("Your organisation is a").select_option("city")
    city.get_by_label("Organisation name").fill("Aarhus Climate Office")
    city.get_by_label("Country").select_option("DK")
    city.get_by_label("Environment").check()
    shoot(city, "register-desktop")
    city.get_by_role("button", name="Register").click()
    city.get_by_text("has not verified your organisation yet").first.wait_for()  # the click only starts loading

    city.get_by_role("link", name="Post a challenge").click()
    today = date.today()
    city.get_by_label("Title (English)").fill("Cooler streets in heatwaves")
    city.get_by_label("Summary (English)").fill("Find shade and cooling for the hottest streets.")
    city.get_by_label("The problem", exact=True).fill("Heat islands form in the inner city every July.")
    city.get_by_label("Outcomes you want").fill("Two degrees cooler streets by 2028.")
    city.get_by_label("Environment").check()
    city.get_by_label("Budget from").fill("500000")
    city.get_by_label("Budget up to").fill("2000000")
    city.get_by_label("Currency").select_option("DKK")
    city.get_by_label("Opens on").fill((today - timedelta(days=1)).isoformat())
    city.get_by_label("Closes on").fill((today + timedelta(days=45)).isoformat())
    city.get_by_role("button", name="Save draft").click()
    city.get_by_text("This is a draft").first.wait_for()  # the click only starts loading
    city.get_by_role("button", name="Publish").click()
    city.get_by_text("The challenge is published.").first.wait_for()  # the click only starts loading

    admin = browser.new_page(viewport=DESKTOP)
    admin.goto(f"{live_server}/login")
    admin.get_by_label("Email").fill("admin@example.org")
    admin.get_by_label("Password").fill(factories.PASSWORD)
    admin.get_by_role("button", name="Log in").click()
    admin.goto(f"{live_server}/admin/organisations")
    shoot(admin, "verification-queue-desktop")
    admin.get_by_role("button", name="Verify").click()
    admin.get_by_text("Aarhus Climate Office is verified.").first.wait_for()  # the click only starts loading

    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        visitor = browser.new_page(viewport=viewport, timezone_id="Asia/Seoul")
        visitor.goto(f"{live_server}/challenges")
        visitor.get_by_role("link", name="Cooler streets in heatwaves").wait_for()
        shoot(visitor, f"challenges-{name}")
        visitor.get_by_role("link", name="Cooler streets in heatwaves").click()
        visitor.get_by_role("heading", name="Cooler streets in heatwaves").wait_for()  # the click only starts loading
        # The page says when it closes in Aarhus and in the visitor's own zone.
        assert "(Copenhagen)" in visitor.content() and "(Seoul)" in visitor.content()
        shoot(visitor, f"challenge-{name}")
        visitor.close()


def test_pages_work_in_korean_at_phone_width(app, live_server, browser, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    page = browser.new_page(viewport=PHONE, locale="ko-KR")
    page.goto(f"{live_server}/")
    page.get_by_role("button", name="메뉴").click()
    assert page.get_by_role("link", name="과제").first.is_visible()
    shoot(page, "home-ko-phone")
    page.goto(f"{live_server}/solutions?sector=mobility")
    shoot(page, "solutions-ko-phone")
    page.get_by_role("button", name="메뉴").click()
    page.get_by_role("button", name="English").click()
    assert page.get_by_role("heading", name="Solutions").is_visible()
    # Every control is reachable and visibly focused from the keyboard.
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")


LONG_URL = "https://data.example.org/download?dataset=" + "0123456789abcdef" * 12


def log_in_as(browser, live_server, email, viewport, locale="en"):
    """A page logged in as `email`, showing the interface in `locale`."""
    page = browser.new_page(viewport=viewport, timezone_id="Asia/Seoul")
    page.goto(f"{live_server}/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(factories.PASSWORD)
    page.locator("form[method=post] button.btn-primary").click()
    page.wait_for_url(f"{live_server}/dashboard")
    if locale == "ko":
        with page.expect_navigation():  # the switch may sit in the folded phone menu
            page.evaluate("document.querySelector('.language-switch button[value=ko]').click()")
    return page


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_long_unbroken_words_wrap_at_phone_width(app, live_server, browser):
    with app.test_request_context():
        city_org = factories.organisation("city", name="Busan Open Data Office", country="KR")
        company_org = factories.organisation("company", name="Longword Sensing", country="KR",
                                             description=LONG_URL)
        factories.user(city_org, email="city@example.org")
        factories.user(company_org, email="company@example.org")
        factories.challenge(city_org, title=f"Open data {LONG_URL[:150]}",
                            summary=f"See {LONG_URL}", problem=f"Drivers see nothing: {LONG_URL}",
                            sectors=["mobility", "safety"])
        factories.solution(company_org, title=f"Open data {LONG_URL[:150]}", summary=f"See {LONG_URL}",
                           description=f"Crossing sensors: {LONG_URL}")
        db.session.commit()
        challenge_key = db.session.scalar(db.select(Challenge.key))
        solution_key = db.session.scalar(db.select(Solution.key))

    for locale in ("en-GB", "ko-KR"):
        visitor = browser.new_page(viewport=PHONE, locale=locale)
        for path in ("/challenges", "/solutions", f"/challenges/{challenge_key}", f"/solutions/{solution_key}",
                     "/organisations", "/organisations/longword-sensing", "/search?q=open+data"):
            visitor.goto(f"{live_server}{path}")
            shoot(visitor, f"long-words{path.split('?')[0].replace('/', '-')}-{locale[:2]}-phone")
            assert page_width(visitor) <= PHONE["width"], (locale, path)
        visitor.close()
    for email, path in (("company@example.org", "/dashboard"), ("city@example.org", "/dashboard"),
                        ("city@example.org", f"/challenges/{challenge_key}")):
        page = log_in_as(browser, live_server, email, PHONE)
        page.goto(f"{live_server}{path}")
        assert page_width(page) <= PHONE["width"], (email, path)
        shoot(page, f"long-words-{email.split('@')[0]}-{path.strip('/').replace('/', '-')}-phone")
        page.close()


def header_height(page):
    return page.evaluate("document.querySelector('header').getBoundingClientRect().height")


@pytest.mark.parametrize("locale", ["en", "ko"])
def test_header_is_one_row_on_desktop_and_a_menu_on_phones(app, live_server, browser, locale):
    with app.test_request_context():
        city_org = factories.organisation("city", name="Copenhagen Climate Office", country="DK")
        factories.user(city_org, email="city@example.org", name="Signe Berg-Christensen")
        factories.user(None, email="admin@example.org", name="Administrator Kim", is_admin=True)
        db.session.commit()
    for email in ("admin@example.org", "city@example.org"):
        desktop = log_in_as(browser, live_server, email, DESKTOP, locale)
        desktop.goto(f"{live_server}/challenges")
        shoot(desktop, f"header-{email.split('@')[0]}-{locale}-desktop")
        assert header_height(desktop) < 80, email  # one row; a second one would add about 40 px
        assert page_width(desktop) <= DESKTOP["width"], email  # and nothing pushed past the edge
        assert desktop.get_by_role("link", name="과제" if locale == "ko" else "Challenges").first.is_visible()
        desktop.close()

    phone = log_in_as(browser, live_server, "admin@example.org", PHONE, locale)
    phone.goto(f"{live_server}/challenges")
    shoot(phone, f"header-admin-{locale}-phone")
    assert header_height(phone) < 80
    users = phone.locator("header").get_by_role("link", name="사용자" if locale == "ko" else "Users")
    assert not users.is_visible()
    phone.locator("header").get_by_role("button", name="메뉴" if locale == "ko" else "Menu").click()
    users.wait_for(state="visible")
    phone.locator("#site-menu.show").wait_for()  # opened, not still sliding
    shoot(phone, f"header-admin-{locale}-phone-menu")


def test_header_menu_works_without_javascript(app, live_server, browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/")
    shoot(page, "header-no-javascript-phone")
    assert page.locator("header").get_by_role("link", name="Solutions").is_visible()
    assert page.locator("header").get_by_role("link", name="Log in").is_visible()
    context.close()

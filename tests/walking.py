"""What the walks through the browser share: a Walk (logging people in, reading the interface in Korean, finding
a notification and its mail), and clicking through to a page. Their cast is the `people` fixture in conftest.py.
"""
import pytest
from flask_babel import force_locale, gettext

from portal.notifications.kinds import KINDS

from . import factories
from .conftest import read_outbox
from .test_browser import CHROMIUM, DESKTOP, PHONE, shoot

BASE_URL = "http://localhost"  # the tests' PORTAL_BASE_URL: links in mail start with it
# A walk's module marks: `pytestmark = WALK_MARKS`.
WALK_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM, reason="Chromium is not installed (apt-get install chromium)"),
]


class Walk:
    """What the steps share: the app (for the outbox and translations) and the live server's address."""

    def __init__(self, app, live_server, browser):
        self.app, self.live, self.browser = app, live_server, browser

    def ko(self, message, **params):
        """`message` as the Korean interface says it."""
        with self.app.test_request_context(), force_locale("ko"):
            return gettext(message, **params)

    def subject(self, kind, locale="en"):
        with self.app.test_request_context(), force_locale(locale):
            return str(KINDS[kind].subject)

    def log_in(self, email):
        page = self.browser.new_page(viewport=DESKTOP, timezone_id="Europe/Copenhagen")
        page.goto(f"{self.live}/login")
        page.locator("#email").fill(email)
        page.locator("#password").fill(factories.PASSWORD)
        page.locator("form[method=post] button.btn-primary").click()
        page.wait_for_url(f"{self.live}/dashboard")
        return page

    def notified(self, page, text, email, kind, locale="en", open_it=True):
        """The person finds an unread notification saying `text` on the Notifications page (from the header),
        follows it to its page, which marks it read, and finds the same news in their mail with a link to that
        page. Without `open_it` they come back to the Notifications page."""
        page.locator("header a[href$='/notifications']").first.click()
        item = page.locator("main li.list-group-item", has_text=text)
        item.wait_for()
        assert "list-group-item-warning" in item.get_attribute("class")  # marked as unread
        unread = page.locator("header .badge").first.inner_text()
        item.get_by_role("link").click()
        page.wait_for_url(lambda url: "/notifications" not in url)
        href = page.url.removeprefix(self.live)
        mail = [message for message in read_outbox(self.app)
                if message["To"] == email and message["Subject"] == self.subject(kind, locale)]
        assert mail, (self.subject(kind, locale), [message["Subject"] for message in read_outbox(self.app)
                                                   if message["To"] == email])
        bodies = [message.get_body(preferencelist=("plain",)).get_content() for message in mail]
        assert any(f"{BASE_URL}{href}" in body for body in bodies), (href, bodies)
        badge = page.locator("header .badge")
        assert (badge.first.inner_text() if badge.count() else "0").split()[0] == str(int(unread.split()[0]) - 1)
        if not open_it:
            page.go_back()
            item.wait_for()
        return href


def click(page, locator, then):
    """Click `locator` and wait for the text `then` on the page it leads to (a click only starts loading)."""
    locator.click()
    page.get_by_text(then).first.wait_for()


def at_phone_width(page, name):
    page.set_viewport_size(PHONE)
    shoot(page, f"walk-{name}-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
    page.set_viewport_size(DESKTOP)

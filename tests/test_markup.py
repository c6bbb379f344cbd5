"""Markdown that members write: rendered as CommonMark, sanitised, with @mentions of the people allowed."""
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest

from portal.markup import Mentionable, handle_for, handles, render, sanitise


class Elements(HTMLParser):
    """The (tag, attributes) of every element in a piece of HTML, as a browser would build them."""

    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(str(html))

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def dangers(html):
    """What in `html` could run script: forbidden elements, event handlers, script or data links."""
    found = []
    for tag, attributes in Elements(html).found:
        if tag in ("script", "style", "iframe", "img", "object", "embed", "form", "svg"):
            found.append(tag)
        found += [name for name in attributes if name.startswith("on") or name in ("style", "target")]
        href = (attributes.get("href") or "").strip().lower()
        if href and not href.startswith(("http://", "https://", "mailto:", "/")):
            found.append(href)
    return found


PEOPLE = {"hana-lee": Mentionable(1, "Hana Lee · Alpha Sensing", "/organisations/alpha-sensing"),
          "김하늘": Mentionable(2, "김하늘 · 서울시", "/organisations/seoul")}


@pytest.mark.parametrize("text", [
    "<script>alert(document.cookie)</script>",
    "<style>body{display:none}</style>",
    "<iframe src='https://evil.example'></iframe>",
    '<img src=x onerror="alert(1)">',
    '<a href="https://example.org" onclick="alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '[x](https://example.org "a" onmouseover="alert(1)")',
])
def test_hostile_markdown_renders_harmless(text):
    html, _mentioned = render(text)
    assert dangers(html) == [], html
    assert dangers(render(f"Hi @hana-lee {text}", PEOPLE)[0]) == []


def test_the_sanitiser_cleans_html_that_did_not_come_from_markdown():
    html = sanitise('<p onclick="x">a<script>alert(1)</script></p><a href="javascript:alert(1)">b</a>'
                    '<a href="https://example.org" target="_top" style="color:red">c</a><iframe></iframe>')
    assert html == ('<p>a</p><a rel="noopener noreferrer nofollow">b</a>'
                    '<a href="https://example.org" rel="noopener noreferrer nofollow">c</a>')


def test_markdown_keeps_what_people_use_and_links_are_safe():
    html, _mentioned = render("## Plan\n\n**bold** *it* ~~gone~~ `code`\n\n- one\n- two\n\n> quoted\n\n"
                              "| system | fits |\n|---|---|\n| SCADA | yes |\n\n[site](https://example.org)")
    for piece in ("<h2>Plan</h2>", "<strong>bold</strong>", "<em>it</em>", "<s>gone</s>", "<code>code</code>",
                  "<li>one</li>", "<blockquote>", "<table>", "<td>SCADA</td>",
                  '<a href="https://example.org" rel="noopener noreferrer nofollow">site</a>'):
        assert piece in html


def test_mentions_of_allowed_people_become_links_and_are_reported():
    html, mentioned = render("Thanks @hana-lee and @김하늘, ask @nobody; not `@hana-lee`, not a@hana-lee.org, "
                             "not [@hana-lee](https://example.org).", PEOPLE)
    assert set(mentioned) == {"hana-lee", "김하늘"}
    assert ('<a class="mention" href="/organisations/alpha-sensing" title="Hana Lee · Alpha Sensing" '
            'rel="noopener noreferrer nofollow">@hana-lee</a>') in html
    assert ">@김하늘</a>" in html
    assert "ask @nobody;" in html and "<code>@hana-lee</code>" in html
    assert html.count('class="mention"') == 2


def test_a_mention_cannot_smuggle_markup_through_a_label():
    people = {"eve": Mentionable(3, '"><script>alert(1)</script>', "/organisations/eve")}
    html, mentioned = render("hi @eve", people)
    assert "<script" not in html and set(mentioned) == {"eve"}


def test_handles_come_from_names_and_stay_unique():
    assert handle_for("Hana Lee") == "hana-lee"
    assert handle_for("김 하늘") == "김-하늘"
    assert handle_for("  O'Brien, Seán ") == "o-brien-seán"
    assert handle_for("!!!") == "member"
    people = [SimpleNamespace(id=7, name="Hana Lee"), SimpleNamespace(id=3, name="hana lee"),
              SimpleNamespace(id=9, name="Jun")]
    assert {handle: person.id for handle, person in handles(people).items()} == {
        "hana-lee": 3, "hana-lee-2": 7, "jun": 9}

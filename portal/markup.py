"""Markdown that members write (posts, requirement documents), rendered to HTML that is safe to show.

markdown-it-py parses CommonMark (with tables and strikethrough) with raw HTML switched off and images
left out (the portal's content policy would block outside images anyway); nh3 (the Ammonia sanitiser) then
keeps only the tags and attributes listed here. Whatever the text holds, the result has no script, style
or frame, no event handler attribute and no link but http(s), mailto and the portal's own relative ones;
every link carries rel="noopener noreferrer nofollow", so a page it opens cannot reach back to the portal
and no ranking is lent to it. Links open in the same tab, as the reader chose.

@mentions: given the people who may be mentioned ({handle: Mentionable}), `@handle` in running text
(not in code, not inside a link) becomes a highlighted link, and `render` reports who was mentioned.
"""
import re
import unicodedata
from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

TAGS = {"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code", "pre",
        "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td"}
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer nofollow"
# A mention: @ not glued to a word, an address or a path, then a handle (letters of any script, digits,
# inner hyphens); trailing punctuation is not part of it.
MENTION = re.compile(r"(?<![\w@/.-])@(\w(?:[\w-]*\w)?)")

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]).disable("image")


@dataclass(frozen=True)
class Mentionable:
    """Someone who may be mentioned: the handle's owner, shown as `label`, linked to `url`."""

    user_id: int
    label: str
    url: str


def handle_for(name):
    """A handle made of a person's name: lowercase words joined by hyphens, in any script ("hana-lee", "김하늘")."""
    words = re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", name or "").lower())
    return "-".join(words) or "member"


def handles(people):
    """{handle: person} for `people` (objects with `id` and `name`), each handle unique: people whose names
    give the same handle get -2, -3... in the order of their ids, so a handle stays put as others join."""
    taken = {}
    for person in sorted(people, key=lambda person: person.id):
        base = handle_for(person.name)
        handle, number = base, 1
        while handle in taken:
            number += 1
            handle = f"{base}-{number}"
        taken[handle] = person
    return taken


def _link_mentions(state):
    """A core rule: turn @handle in text tokens outside links into mention links; note who was mentioned."""
    mentionable = state.env.get("mentionable") or {}
    if not mentionable:
        return
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children, inside_link = [], 0
        for token in block.children:
            if token.type == "link_open":
                inside_link += 1
            elif token.type == "link_close":
                inside_link -= 1
            if token.type != "text" or inside_link or "@" not in token.content:
                children.append(token)
                continue
            children.extend(_split_mentions(token.content, mentionable, state.env["mentioned"]))
        block.children = children


def _split_mentions(text, mentionable, mentioned):
    tokens, start = [], 0
    for match in MENTION.finditer(text):
        person = mentionable.get(match.group(1).lower())
        if person is None:
            continue
        tokens.append(_text(text[start:match.start()]))
        mentioned[match.group(1).lower()] = person
        html = Token("html_inline", "", 0)
        html.content = str(Markup('<a class="mention" href="{}" title="{}">@{}</a>').format(
            person.url, person.label, match.group(1)))
        tokens.append(html)
        start = match.end()
    tokens.append(_text(text[start:]))
    return [token for token in tokens if token.type != "text" or token.content]


def _text(content):
    token = Token("text", "", 0)
    token.content = content
    return token


_parser.core.ruler.push("mentions", _link_mentions)


def sanitise(html):
    """Only the allowed tags and attributes of `html`; links get the safe rel."""
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel=LINK_REL,
                     allowed_classes={"a": {"mention"}}, strip_comments=True)


def render(text, mentionable=None):
    """(safe HTML of the Markdown `text`, {handle: Mentionable} of the people it mentions)."""
    env = {"mentionable": mentionable or {}, "mentioned": {}}
    html = _parser.render(text or "", env)
    return Markup(sanitise(html)), env["mentioned"]


def markdown(text, mentionable=None):
    """The Jinja filter: `{{ post.body | markdown(mentionable) }}`."""
    return render(text, mentionable)[0]


def configure_markup(app):
    app.add_template_filter(markdown, "markdown")

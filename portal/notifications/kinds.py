"""The kinds of notification: what each says, the mail it sends, and how it reaches people by default.

Adding a kind is one `register(Kind(...))` here, its two mail templates
(templates/email/<name>.txt and .html) and a `notify(...)` call where it happens.
"""
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

EMAIL, PORTAL, OFF = "email", "portal", "off"
CHANNELS = {EMAIL: _l("On the portal and by email"), PORTAL: _l("On the portal only"), OFF: _l("Not at all")}


@dataclass(frozen=True)
class Kind:
    name: str
    label: str  # what the preferences page calls it
    subject: str  # the mail's subject: the portal's own words, never a user's
    describe: Callable[[dict], str]  # the notification's line on the portal, from its params
    default: str = EMAIL


KINDS = {}


def register(kind):
    """Make a kind of notification known to the portal and the preferences page."""
    KINDS[kind.name] = kind
    return kind


def in_reader_language(params, field):
    """params[field], or its Korean version params[field + '_ko'] for a Korean reader who has one."""
    korean = params.get(f"{field}_ko")
    return korean if korean and str(get_locale()) == "ko" else params.get(field, "")


register(Kind(
    "organisation_verified", _l("Your organisation is verified"), _l("Your organisation is verified on CoCity"),
    lambda params: _("An administrator verified “%(organisation)s”; everyone can see it now.",
                     organisation=params["organisation"]),
))
register(Kind(
    "organisation_rejected", _l("Your organisation is not verified"),
    _l("Your organisation was not verified on CoCity"),
    lambda params: _("An administrator did not verify “%(organisation)s”. The reason: %(reason)s",
                     organisation=params["organisation"], reason=params["reason"]),
))
register(Kind(
    "alert_match", _l("A new challenge matches one of your alerts"),
    _l("A new challenge matches your alert on CoCity"),
    lambda params: _("“%(title)s” by %(organisation)s matches your alert",
                     title=in_reader_language(params, "title"), organisation=params["organisation"]),
))


# Inside a workspace.
register(Kind(
    "member_mentioned", _l("Someone mentions you in a workspace"), _l("You were mentioned in a CoCity workspace"),
    lambda params: _("%(author)s mentioned you in “%(thread)s” (%(workspace)s)", author=params["author"],
                     thread=params["thread"], workspace=params["workspace"]),
))
register(Kind(
    "thread_post", _l("A new post in a thread you wrote in"), _l("A new post in a CoCity workspace thread"),
    lambda params: _("%(author)s wrote in “%(thread)s” (%(workspace)s)", author=params["author"],
                     thread=params["thread"], workspace=params["workspace"]),
))

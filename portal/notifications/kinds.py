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


# ---------------------------------------------------------------- proposals and consortia

def _partner_role(params):
    from ..proposals.services import role_label
    return role_label(params["role"])


register(Kind(
    "proposal_submitted", _l("A company sent a proposal to your challenge"),
    _l("A new proposal for your challenge on CoCity"),
    lambda params: _("%(lead)s sent the proposal “%(proposal)s” for your challenge “%(challenge)s”",
                     lead=in_reader_language(params, "lead"), proposal=params["proposal"],
                     challenge=in_reader_language(params, "challenge")),
))
register(Kind(
    "proposal_withdrawn", _l("A company withdrew its proposal to your challenge"),
    _l("A proposal for your challenge was withdrawn on CoCity"),
    lambda params: _("%(lead)s withdrew the proposal “%(proposal)s” for your challenge “%(challenge)s”",
                     lead=in_reader_language(params, "lead"), proposal=params["proposal"],
                     challenge=in_reader_language(params, "challenge")),
))
register(Kind(
    "proposal_shortlisted", _l("A city shortlisted your proposal"),
    _l("Your proposal is on the shortlist on CoCity"),
    lambda params: _("Your proposal “%(proposal)s” for “%(challenge)s” is on the city’s shortlist",
                     proposal=params["proposal"], challenge=in_reader_language(params, "challenge")),
))
register(Kind(
    "proposal_declined", _l("A city declined your proposal"),
    _l("Your proposal was declined on CoCity"),
    lambda params: _("The city declined your proposal “%(proposal)s” for “%(challenge)s”. The reason: %(reason)s",
                     proposal=params["proposal"], challenge=in_reader_language(params, "challenge"),
                     reason=params["reason"]),
))
register(Kind(
    "partner_invited", _l("An invitation to join a consortium"),
    _l("An invitation to join a consortium on CoCity"),
    lambda params: _("%(lead)s invites your organisation into its consortium for “%(challenge)s” as "
                     "%(role)s with a %(share)d %% share",
                     lead=in_reader_language(params, "lead"), challenge=in_reader_language(params, "challenge"),
                     role=_partner_role(params), share=params["share"]),
))
register(Kind(
    "partner_answered", _l("A partner answered your consortium invitation"),
    _l("A partner answered your consortium invitation on CoCity"),
    lambda params: (_("%(partner)s confirmed its place in your consortium for “%(challenge)s”",
                      partner=in_reader_language(params, "partner"),
                      challenge=in_reader_language(params, "challenge"))
                    if params["answer"] == "confirmed" else
                    _("%(partner)s declined your invitation to the consortium for “%(challenge)s”",
                      partner=in_reader_language(params, "partner"),
                      challenge=in_reader_language(params, "challenge"))),
))


# ---------------------------------------------------------------- workspaces

def _workspace_role(role):
    from ..workspaces.labels import member_role_label
    return member_role_label(role)


def _stage(stage):
    from ..workspaces.labels import stage_label
    return stage_label(stage)


register(Kind(
    "workspace_member_invited", _l("Your organisation is invited into a co-creation workspace"),
    _l("You are invited into a co-creation workspace on CoCity"),
    lambda params: _("%(city)s invited your organisation as %(role)s into the workspace “%(workspace)s”",
                     city=in_reader_language(params, "city"), role=_workspace_role(params["role"]),
                     workspace=params["workspace"]),
))
register(Kind(
    "workspace_gate_passed", _l("A workspace you are in moves to another stage"),
    _l("A co-creation workspace moved to another stage on CoCity"),
    lambda params: _("“%(workspace)s” moved from %(from_stage)s to %(to_stage)s",
                     workspace=params["workspace"], from_stage=_stage(params["from_stage"]),
                     to_stage=_stage(params["to_stage"])),
))


# ---------------------------------------------------------------- inside a workspace

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


# ---------------------------------------------------------------- agreed documents and the facilitator's tools

def _day(params, field="day"):
    from datetime import date

    from flask_babel import format_date
    return format_date(date.fromisoformat(params[field]), "medium")


register(Kind(
    "document_agreed", _l("A requirement document in your workspace is agreed"),
    _l("A requirement document was agreed in a CoCity workspace"),
    lambda params: _("%(actor)s agreed revision %(number)d of “%(document)s” (%(workspace)s)",
                     actor=params["actor"], number=params["number"], document=params["document"],
                     workspace=params["workspace"]),
))
register(Kind(
    "decision_logged", _l("A decision is logged in a workspace you are in"),
    _l("A decision was logged in a CoCity workspace"),
    lambda params: _("%(actor)s logged the decision “%(title)s” (%(workspace)s)", actor=params["actor"],
                     title=params["title"], workspace=params["workspace"]),
))
register(Kind(
    "milestone_assigned", _l("You or your organisation own a new milestone"),
    _l("A milestone in a CoCity workspace is yours"),
    lambda params: (_("%(actor)s made you the owner of the milestone “%(title)s”, due %(day)s (%(workspace)s)",
                      actor=params["actor"], title=params["title"], day=_day(params), workspace=params["workspace"])
                    if params.get("personal") else
                    _("%(actor)s made %(organisation)s the owner of the milestone “%(title)s”, due %(day)s "
                      "(%(workspace)s)", actor=params["actor"], organisation=in_reader_language(params, "organisation"),
                      title=params["title"], day=_day(params), workspace=params["workspace"])),
))
register(Kind(
    "action_assigned", _l("Someone gives you an action in a workspace"),
    _l("You have a new action in a CoCity workspace"),
    lambda params: _("%(actor)s gave you an action due %(day)s (%(workspace)s): %(description)s",
                     actor=params["actor"], day=_day(params), workspace=params["workspace"],
                     description=params["description"]),
))


# ---------------------------------------------------------------- assignments, fit, investment, documents

register(Kind(
    "consultancy_assigned", _l("A city assigns your consultancy to a challenge"),
    _l("Your consultancy is assigned to a challenge on CoCity"),
    lambda params: _("%(city)s assigned your consultancy to facilitate its challenge “%(challenge)s”",
                     city=in_reader_language(params, "city"), challenge=in_reader_language(params, "challenge")),
))
register(Kind(
    "workspace_fit_items", _l("The city asks how your solution fits its systems"),
    _l("The city asks how your solution fits, on CoCity"),
    lambda params: _("%(city)s listed what a solution must fit in “%(workspace)s”; answer for your company",
                     city=in_reader_language(params, "city"), workspace=params["workspace"]),
))
register(Kind(
    "workspace_fit_answered", _l("A company answers the city system fit table"),
    _l("A company answered the fit table on CoCity"),
    lambda params: _("%(organisation)s answered %(count)d fit items in “%(workspace)s”",
                     organisation=in_reader_language(params, "organisation"), count=params["count"],
                     workspace=params["workspace"]),
))
register(Kind(
    "workspace_investment", _l("The city records its decision to invest"),
    _l("An investment decision in a CoCity workspace"),
    lambda params: (_("%(city)s changed its investment decision in “%(workspace)s”: %(budget_line)s",
                      city=in_reader_language(params, "city"), workspace=params["workspace"],
                      budget_line=params["budget_line"])
                    if params.get("changed") else
                    _("%(city)s recorded its decision to invest in “%(workspace)s”: %(budget_line)s",
                      city=in_reader_language(params, "city"), workspace=params["workspace"],
                      budget_line=params["budget_line"])),
))
register(Kind(
    "document_revised", _l("Someone saves a document you wrote in"),
    _l("A new revision of a CoCity requirement document"),
    lambda params: _("%(author)s saved revision %(number)d of “%(document)s” (%(workspace)s)",
                     author=params["author"], number=params["number"], document=params["document"],
                     workspace=params["workspace"]),
))


# ---------------------------------------------------------------- sealed bids: told to the bidder only

def _received(params):
    from datetime import datetime

    from ..i18n import format_instant
    return format_instant(datetime.fromisoformat(params["received_at"]), params["zone"], "medium")


register(Kind(
    "bid_received", _l("Your company's bid is received (the receipt)"), _l("Your bid is received on CoCity"),
    lambda params: _("Your bid on lot %(lot)d of “%(tender)s” was received on %(when)s and sealed. Its fingerprint "
                     "(SHA-256): %(digest)s", lot=params["lot"], tender=params["tender"], when=_received(params),
                     digest=params["digest"]),
))
register(Kind(
    "bid_withdrawn", _l("Someone withdraws your company's bid"), _l("Your company's bid was withdrawn on CoCity"),
    lambda params: _("%(actor)s withdrew your company's bid on lot %(lot)d of “%(tender)s”", actor=params["actor"],
                     lot=params["lot"], tender=params["tender"]),
))
register(Kind(
    "bid_reconfirmation_needed", _l("A tender your company bid on is amended"),
    _l("A tender you bid on was amended: reconfirm your bid on CoCity"),
    lambda params: _("“%(tender)s” was amended. Before the deadline, confirm that your bid on lot %(lot)d still "
                     "stands, or replace it", tender=params["tender"], lot=params["lot"]),
))
register(Kind(
    "evaluator_named", _l("You are named to evaluate a tender's bids"),
    _l("You are an evaluator of a tender on CoCity"),
    lambda params: _("You are named to evaluate the bids of “%(tender)s”. Declare that you have no conflict of "
                     "interest before you see any bid", tender=params["tender"]),
))
register(Kind(
    "bid_awarded", _l("Your company wins a lot it bid on"), _l("Your bid won on CoCity"),
    lambda params: _("Lot %(lot)d of “%(tender)s” is awarded to your company's bid", lot=params["lot"],
                     tender=params["tender"]),
))
register(Kind(
    "bid_not_awarded", _l("A lot your company bid on goes to another bidder"),
    _l("A tender you bid on was awarded on CoCity"),
    lambda params: _("Lot %(lot)d of “%(tender)s” is awarded to another bidder. Your bid's page shows your own "
                     "scores", lot=params["lot"], tender=params["tender"]),
))


# ---------------------------------------------------------------- tenders

def _deadline(params):
    from datetime import datetime

    from ..i18n import format_instant, zone_label
    return f"{format_instant(datetime.fromisoformat(params['deadline']), params['zone'], 'medium')} " \
           f"({zone_label(params['zone'])})"


register(Kind(
    "question_asked", _l("A company asks a question about your tender"),
    _l("A question about your tender on CoCity"),
    lambda params: _("A company asked a question about your tender “%(tender)s”; answer it in public before "
                     "answers close", tender=params["tender"]),
))
register(Kind(
    "question_answered", _l("The city answers your organisation's question about a tender"),
    _l("Your question about a tender is answered on CoCity"),
    lambda params: _("%(city)s answered your organisation’s question about “%(tender)s” in public",
                     city=in_reader_language(params, "city"), tender=params["tender"]),
))
register(Kind(
    "tender_published", _l("A tender is built from a workspace you were in"),
    _l("A tender from your workspace is published on CoCity"),
    lambda params: _("%(city)s published the tender “%(tender)s”; tenders are due by %(deadline)s",
                     city=in_reader_language(params, "city"), tender=params["tender"], deadline=_deadline(params)),
))
register(Kind(
    "tender_amended", _l("A tender from a workspace you were in is amended"),
    _l("A tender from your workspace is amended on CoCity"),
    lambda params: (_("%(city)s amended the tender “%(tender)s” (version %(number)d); the submission deadline "
                      "moved to %(deadline)s", city=in_reader_language(params, "city"), tender=params["tender"],
                      number=params["number"], deadline=_deadline(params))
                    if params.get("extended") else
                    _("%(city)s amended the tender “%(tender)s” (version %(number)d)",
                      city=in_reader_language(params, "city"), tender=params["tender"], number=params["number"])),
))

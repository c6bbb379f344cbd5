"""Every rule of the URL map, walked as seven personas, against the role table of DESIGN.md.

A route without an entry here fails `test_every_route_is_in_the_table`, so a new
page cannot ship without someone deciding who may use it.

The table's world is built once per run; a request that commits a write gets the
next row a fresh copy of it, so rows that only read cost one request each.
"""
import fnmatch
import io
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from sqlalchemy import event, func, select, text
from werkzeug.datastructures import FileStorage

from portal.accounts import services as account_services
from portal.accounts.models import LoginFailure, User, UserSession
from portal.alerts import services as alert_services
from portal.alerts.models import Alert
from portal.challenges.models import Challenge, ChallengeConsultant
from portal.extensions import db
from portal.notifications.models import Notification
from portal.organisations.models import Organisation
from portal.proposals.models import ConsortiumPartner, Proposal, ProposalNote
from portal.solutions.models import Solution

from . import factories
from .conftest import ON_POSTGRES, World, _empty_postgres, build_app, read_outbox

PERSONAS = ("anonymous", "company", "other_company", "city", "other_city", "consultant", "admin")
IGNORED_ENDPOINTS = {"static", "bootstrap.static"}
LOGIN = "/login?next={path}"  # where a page that needs a login sends anonymous visitors


@dataclass(frozen=True)
class Effect:
    """What a POST changes: `probe(refs, user_id)` reads it in an app context. After the request of a
    persona in `by` it must equal `after`; after anyone else's it must be as it was before."""

    probe: Callable[[dict, Any], Any]
    after: Any
    by: tuple = ()  # the personas whose request takes effect; by default those answered below 400, not sent to log in


@dataclass(frozen=True)
class Case:
    endpoint: str
    method: str
    path: str  # may name references: {solution}, {draft}, ...
    expected: str  # one status per persona, in PERSONAS order
    data: tuple = ()  # form fields; names and values may name references too
    to: str = ""  # where a signed-in persona's redirect goes: a glob of path and query; may name references
    anonymous_to: str = LOGIN  # where an anonymous visitor's redirect goes; {path} is the quoted request path
    effect: Effect | None = None  # what a successful POST changes

    def __str__(self):
        return f"{self.method} {self.path}"


def same(status):
    return " ".join([status] * len(PERSONAS))


def status_of(model, ref):
    """A probe: the status of the `model` whose key is the reference `ref`."""
    return lambda refs, _user: db.session.scalar(select(model.status).where(model.key == refs[ref]))


def user_locale(_refs, user_id):
    return db.session.scalar(select(User.locale).where(User.id == user_id))


def live_sessions(_refs, user_id):
    return db.session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == user_id))


def login_failures(_refs, _user):
    return db.session.scalar(select(func.count()).select_from(LoginFailure))


def other_company_active(refs, _user):
    return db.session.scalar(select(User.active).where(User.id == refs["other_company_id"]))


def pending_verification(refs, _user):
    return db.session.scalar(select(Organisation.verification).where(Organisation.id == refs["pending_id"]))


def has_energy_alert(_refs, user_id):
    return db.session.scalar(select(func.count()).select_from(Alert).where(
        Alert.user_id == user_id, Alert.sector == "energy")) > 0


def alert_exists(refs, _user):
    return db.session.get(Alert, refs["alert_id"]) is not None


def unread_notifications(_refs, user_id):
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)))


def notification_read(refs, _user):
    return db.session.get(Notification, refs["notification_id"]).read_at is not None


def consultancy_assigned(ref):
    """A probe: whether the consultancy facilitates the challenge whose key is the reference `ref`."""
    return lambda refs, _user: db.session.scalar(
        select(func.count()).select_from(ChallengeConsultant).join(Challenge).where(
            Challenge.key == refs[ref], ChallengeConsultant.organisation_id == refs["consultancy_id"])) > 0


def workspace_stage(refs, _user):
    from portal.workspaces.models import Workspace
    return db.session.scalar(select(Workspace.stage).where(Workspace.id == refs["workspace_id"]))


def workspace_of_challenge(ref):
    """A probe: whether the challenge whose key is the reference `ref` has a workspace."""
    def probe(refs, _user):
        from portal.workspaces.models import Workspace
        return db.session.scalar(select(func.count()).select_from(Workspace).join(Challenge).where(
            Challenge.key == refs[ref])) > 0
    return probe


def in_workspace(organisation_ref):
    """A probe: whether the organisation named by the reference is a member of the table's workspace."""
    def probe(refs, _user):
        from portal.workspaces.models import WorkspaceMember
        return db.session.get(WorkspaceMember, (refs["workspace_id"], refs[organisation_ref])) is not None
    return probe


def rows_in_workspace(model_name):
    """A probe: how many records of the workspaces model `model_name` the table's workspace holds."""
    def probe(refs, _user):
        from portal.workspaces import models
        model = getattr(models, model_name)
        return db.session.scalar(select(func.count()).select_from(model).where(
            model.workspace_id == refs["workspace_id"]))
    return probe


def fit_item_title(refs, _user):
    from portal.workspaces.models import FitItem
    return db.session.scalar(select(FitItem.title).where(FitItem.id == refs["ws_fit_item_id"]))


def company_fit_verdict(refs, _user):
    from portal.workspaces.models import FitAnswer
    return db.session.scalar(select(FitAnswer.verdict).where(FitAnswer.item_id == refs["ws_fit_item_id"],
                                                             FitAnswer.organisation_id == refs["company_org_id"]))


def action_done(refs, _user):
    from portal.workspaces.models import ActionItem
    return db.session.scalar(select(ActionItem.done_at).where(ActionItem.id == refs["ws_action_id"])) is not None


WS_DAY = date.today().isoformat()
WS_INVESTMENT = (("budget_line", "Pilots 2027"), ("amount", "500000"), ("currency", "EUR"),
                 ("funding_source", "City budget"), ("procurement_model", "pre-commercial"),
                 ("approved_by_name", "A. Park"), ("approved_by_role", "Mayor"), ("approved_on", WS_DAY))
MEMBERS_ONLY = "302 200 404 200 404 200 404"  # the city, the invited company and the facilitator
CITY_ONLY = "302 403 404 302 404 403 404"  # members in another role are refused, outsiders never find it
CITY_AND_FACILITATOR = "302 403 404 302 404 302 404"


def posts_in_thread(refs, _user):
    from portal.discussions.models import Post
    return db.session.scalar(select(func.count()).select_from(Post).where(Post.thread_id == refs["thread_id"]))


def post_body(refs, _user):
    from portal.discussions.models import Post
    return db.session.scalar(select(Post.body).where(Post.id == refs["post_id"]))


def document_field(name):
    """A probe: the column `name` of the document `refs["document_id"]`."""
    def probe(refs, _user):
        from portal.documents.models import Document
        return db.session.scalar(select(getattr(Document, name)).where(Document.id == refs["document_id"]))
    return probe


SIGNED_IN = PERSONAS[1:]
PROPOSAL_FORM = (("title", "Quiet sensors"), ("language", "en"), ("approach", "Sensors at every crossing."),
                 ("currency", "EUR"), ("cost_estimate", "100000"), ("timeline", "Six months."), ("team", "Four."))


def own_proposals_on(ref):
    """A probe: how many proposals the user's organisation has for the challenge whose key is `ref`."""
    def probe(refs, user_id):
        organisation_id = db.session.scalar(select(User.organisation_id).where(User.id == user_id))
        return db.session.scalar(select(func.count(Proposal.id)).join(Challenge).where(
            Challenge.key == refs[ref], Proposal.organisation_id == organisation_id))
    return probe


def proposal_status(ref):
    return lambda refs, _user: db.session.scalar(select(Proposal.status).where(Proposal.id == refs[ref]))


def partner_count(ref):
    return lambda refs, _user: db.session.scalar(select(func.count(ConsortiumPartner.id)).where(
        ConsortiumPartner.proposal_id == refs[ref]))


def invite_status(refs, _user):
    return db.session.scalar(select(ConsortiumPartner.status).where(ConsortiumPartner.id == refs["invite_id"]))


def note_count(refs, _user):
    return db.session.scalar(select(func.count(ProposalNote.id)).where(ProposalNote.proposal_id == refs["proposal_id"]))

def attachment_count(ref):
    """A probe: how many attachments the proposal whose id is the reference `ref` holds."""
    def probe(refs, _user):
        from portal.proposals.models import ProposalAttachment
        return db.session.scalar(select(func.count(ProposalAttachment.id)).where(
            ProposalAttachment.proposal_id == refs[ref]))
    return probe


def proposal_exists(ref):
    return lambda refs, _user: db.session.get(Proposal, refs[ref]) is not None


BID_FORM = (("lot_id", "{bid_lot_id}"), ("price", "5000"), ("response_{bid_quality_id}", "Sensors at every crossing."),
            ("response_{bid_price_criterion_id}", "A fixed price."))
SCORE_FORM = (("score_{opened_quality_id}", "55"), ("comment_{opened_quality_id}", "Plain."),
              ("score_{opened_price_criterion_id}", "55"), ("comment_{opened_price_criterion_id}", "Fair."))


def own_bids_on(ref):
    """A probe: how many live bids the user's organisation has on the tender whose id is the reference `ref`."""
    def probe(refs, user_id):
        from portal.bids.models import Bid
        organisation_id = db.session.scalar(select(User.organisation_id).where(User.id == user_id))
        return db.session.scalar(select(func.count(Bid.id)).where(
            Bid.tender_id == refs[ref], Bid.organisation_id == organisation_id, Bid.status == Bid.SUBMITTED))
    return probe


def bid_field(ref, name):
    def probe(refs, _user):
        from portal.bids.models import Bid
        return db.session.scalar(select(getattr(Bid, name)).where(Bid.id == refs[ref]))
    return probe


def tender_status(ref):
    def probe(refs, _user):
        from portal.tenders.models import Tender
        return db.session.scalar(select(Tender.status).where(Tender.id == refs[ref]))
    return probe


def evaluator_count(ref):
    def probe(refs, _user):
        from portal.bids.models import Evaluator
        return db.session.scalar(select(func.count()).select_from(Evaluator).where(Evaluator.tender_id == refs[ref]))
    return probe


def city_declared(refs, _user):
    from portal.bids.models import Evaluator
    return db.session.get(Evaluator, (refs["bid_tender_id"], refs["city_id"])).declared_at is not None


def scores_of(ref):
    def probe(refs, _user):
        from portal.bids.models import Score
        return sorted(db.session.scalars(select(Score.score).where(Score.bid_id == refs[ref])))
    return probe


def _tender_times():
    """A tender timeline as the form sends it, on the Seoul city's clock: questions for three weeks, tenders due a
    month from now."""
    from datetime import timedelta
    today = date.today()
    return tuple((name, f"{(today + timedelta(days=days)).isoformat()}T{hour}:00") for name, days, hour in (
        ("publication_at", 1, "09"), ("clarification_deadline", 21, "17"), ("submission_deadline", 30, "12"),
        ("opening_at", 30, "14")))


TENDER_FORM = (("title", "Quiet buses"), ("language", "en"), ("description", "Electric buses."),
               ("procedure", "open"), ("estimated_value", "900000"), ("currency", "EUR"),
               ("technical_specification", "Quiet."), ("lot-1-title", "Buses"), ("lot-2-title", "Chargers"),
               ("criterion-1-kind", "price"), ("criterion-1-name", "Price"), ("criterion-1-weight", "100"),
               *_tender_times())


def own_tenders_titled(title):
    """A probe: how many tenders titled `title` the user's organisation has."""
    def probe(_refs, user_id):
        from portal.tenders.models import Tender
        organisation_id = db.session.scalar(select(User.organisation_id).where(User.id == user_id))
        return db.session.scalar(select(func.count(Tender.id)).where(
            Tender.organisation_id == organisation_id, Tender.title == title))
    return probe


def tender_field(ref, name):
    """A probe: the column `name` of the tender whose id is the reference `ref` (None once it is gone)."""
    def probe(refs, _user):
        from portal.tenders.models import Tender
        return db.session.scalar(select(getattr(Tender, name)).where(Tender.id == refs[ref]))
    return probe


def tender_versions(ref):
    def probe(refs, _user):
        from portal.tenders.models import TenderVersion
        return db.session.scalar(select(func.count(TenderVersion.id)).where(TenderVersion.tender_id == refs[ref]))
    return probe


def own_questions(text):
    """A probe: how many questions with this text the user's organisation asked."""
    def probe(_refs, user_id):
        from portal.tenders.models import Question
        organisation_id = db.session.scalar(select(User.organisation_id).where(User.id == user_id))
        return db.session.scalar(select(func.count(Question.id)).where(
            Question.organisation_id == organisation_id, Question.text == text))
    return probe


def question_answered(refs, _user):
    from portal.tenders.models import Question
    return db.session.scalar(select(Question.answered_at).where(Question.id == refs["question_id"])) is not None


CASES = [
    Case("main.index", "GET", "/", same("200")),
    Case("main.dashboard", "GET", "/dashboard", "302 200 200 200 200 200 200"),
    Case("main.set_language", "POST", "/language", same("302"), (("language", "ko"),), to="/", anonymous_to="/",
         effect=Effect(user_locale, "ko", by=SIGNED_IN)),
    Case("accounts.register", "GET", "/register", "200 302 302 302 302 302 302", to="/dashboard"),
    Case("accounts.register", "POST", "/register", "422 302 302 302 302 302 302", to="/dashboard"),
    Case("accounts.login", "GET", "/login", "200 302 302 302 302 302 302", to="/dashboard"),
    Case("accounts.login", "POST", "/login", "401 302 302 302 302 302 302",
         (("email", "nobody@example.org"), ("password", "not the password")), to="/dashboard",
         effect=Effect(login_failures, 1, by=("anonymous",))),
    Case("accounts.logout", "POST", "/logout", same("302"), to="/", anonymous_to="/", effect=Effect(live_sessions, 0)),
    Case("accounts.preferences", "GET", "/account", "302 200 200 200 200 200 200"),
    Case("accounts.preferences", "POST", "/account", "302 422 422 422 422 422 422",
         (("locale", "xx"), ("timezone", "UTC"))),
    Case("accounts.change_password", "GET", "/account/password", "302 200 200 200 200 200 200"),
    Case("accounts.change_password", "POST", "/account/password", "302 422 422 422 422 422 422"),
    Case("accounts.forgot_password", "GET", "/password/forgot", same("200")),
    Case("accounts.forgot_password", "POST", "/password/forgot", same("302"), (("email", "x@example.org"),),
         to="/login", anonymous_to="/login"),
    Case("accounts.reset_password", "GET", "/password/reset/{reset_token}", same("200")),
    Case("accounts.reset_password", "GET", "/password/reset/forged-token", same("404")),
    Case("accounts.reset_password", "POST", "/password/reset/{reset_token}", same("422"),
         (("password", "short"), ("confirm", "short"))),
    Case("accounts.accept_invitation", "GET", "/invitations/{invitation_token}", "200 302 302 302 302 302 302",
         to="/dashboard"),
    Case("accounts.accept_invitation", "GET", "/invitations/forged-token", same("404")),
    Case("accounts.accept_invitation", "POST", "/invitations/{invitation_token}", "422 302 302 302 302 302 302",
         to="/dashboard"),
    Case("accounts_admin.users", "GET", "/admin/users", "302 403 403 403 403 403 200"),
    Case("accounts_admin.set_active", "POST", "/admin/users/{other_company_id}/deactivate",
         "302 403 403 403 403 403 302", to="/admin/users", effect=Effect(other_company_active, False)),
    Case("organisations.directory", "GET", "/organisations", same("200")),
    Case("organisations.show", "GET", "/organisations/alpha-sensing", same("200")),
    Case("organisations.show", "GET", "/organisations/{pending}", "404 404 404 404 404 404 200"),
    Case("organisations.edit", "GET", "/organisations/alpha-sensing/edit", "302 200 403 403 403 403 403"),
    Case("organisations.edit", "POST", "/organisations/alpha-sensing/edit", "302 422 403 403 403 403 403"),
    Case("organisations.edit", "GET", "/organisations/{pending}/edit", "302 404 404 404 404 404 403"),
    Case("organisations.members", "GET", "/organisations/alpha-sensing/members", "302 200 403 403 403 403 403"),
    Case("organisations.members", "POST", "/organisations/alpha-sensing/members", "302 422 403 403 403 403 403"),
    Case("organisations.request_review", "POST", "/organisations/alpha-sensing/request-review",
         "302 302 403 403 403 403 403", to="/organisations/alpha-sensing"),
    Case("organisations_admin.queue", "GET", "/admin/organisations", "302 403 403 403 403 403 200"),
    Case("organisations_admin.verify", "POST", "/admin/organisations/{pending_id}/verify",
         "302 403 403 403 403 403 302", to="/admin/organisations",
         effect=Effect(pending_verification, Organisation.VERIFIED)),
    Case("organisations_admin.reject", "POST", "/admin/organisations/{pending_id}/reject",
         "302 403 403 403 403 403 302", (("reason", "Unknown company."),), to="/admin/organisations",
         effect=Effect(pending_verification, Organisation.REJECTED)),
    Case("solutions.catalogue", "GET", "/solutions", same("200")),
    Case("solutions.new", "GET", "/solutions/new", "302 200 200 403 403 403 403"),
    Case("solutions.new", "POST", "/solutions/new", "302 422 422 403 403 403 403"),
    Case("solutions.show", "GET", "/solutions/{solution}", same("200")),
    Case("solutions.show", "GET", "/solutions/{archived}", "404 200 404 404 404 404 200"),
    Case("solutions.edit", "GET", "/solutions/{solution}/edit", "302 200 403 403 403 403 403"),
    Case("solutions.edit", "POST", "/solutions/{solution}/edit", "302 422 403 403 403 403 403"),
    Case("solutions.set_archived", "POST", "/solutions/{solution}/archive", "302 302 403 403 403 403 302",
         to="/solutions/{solution}", effect=Effect(status_of(Solution, "solution"), Solution.ARCHIVED)),
    Case("solutions.set_archived", "POST", "/solutions/{archived}/restore", "302 302 404 404 404 404 403",
         to="/solutions/{archived}", effect=Effect(status_of(Solution, "archived"), Solution.PUBLISHED)),
    Case("challenges.listing", "GET", "/challenges", same("200")),
    Case("search.results", "GET", "/search?q=sensor", same("200")),
    Case("alerts.index", "GET", "/alerts", "302 200 200 403 403 403 403"),
    Case("alerts.create", "POST", "/alerts", "302 302 302 403 403 403 403", (("sector", "energy"),), to="/alerts",
         effect=Effect(has_energy_alert, True)),
    Case("alerts.delete", "POST", "/alerts/{alert_id}/delete", "302 302 404 404 404 404 404", to="/alerts",
         effect=Effect(alert_exists, False)),
    Case("alerts.notifications", "GET", "/notifications", "302 200 200 200 200 200 200"),
    Case("alerts.mark_read", "POST", "/notifications/read", "302 302 302 302 302 302 302", to="/notifications",
         effect=Effect(unread_notifications, 0)),
    Case("challenges.new", "GET", "/challenges/new", "302 403 403 200 200 403 403"),
    Case("challenges.new", "POST", "/challenges/new", "302 403 403 422 422 403 403"),
    Case("challenges.show", "GET", "/challenges/{challenge}", same("200")),
    Case("challenges.show", "GET", "/challenges/{draft}", "404 404 404 200 404 404 200"),
    Case("challenges.edit", "GET", "/challenges/{draft}/edit", "302 404 404 200 404 404 403"),
    Case("challenges.edit", "POST", "/challenges/{challenge}/edit", "302 403 403 422 403 403 403"),
    Case("challenges.change_status", "POST", "/challenges/{draft}/publish", "302 404 404 302 404 404 403",
         to="/challenges/{draft}", effect=Effect(status_of(Challenge, "draft"), Challenge.PUBLISHED)),
    Case("challenges.assign_consultant", "POST", "/challenges/{unassigned}/consultants", "302 403 403 302 403 403 403",
         (("organisation_id", "{consultancy_id}"),), to="/challenges/{unassigned}",
         effect=Effect(consultancy_assigned("unassigned"), True)),
    Case("challenges.remove_consultant", "POST", "/challenges/{challenge}/consultants/{consultancy_id}/remove",
         "302 403 403 302 403 403 403", to="/challenges/{challenge}",
         effect=Effect(consultancy_assigned("challenge"), False)),
    Case("challenges.change_status", "POST", "/challenges/{challenge}/close", "302 403 403 302 403 403 302",
         to="/challenges/{challenge}", effect=Effect(status_of(Challenge, "challenge"), Challenge.CLOSED)),
    Case("mail_admin.failed", "GET", "/admin/mail", "302 403 403 403 403 403 200"),
    Case("mail_admin.requeue", "POST", "/admin/mail/999999/requeue", "302 403 403 403 403 403 404"),
    Case("workspaces.index", "GET", "/workspaces", "302 200 200 200 200 200 200"),
    # Members only: the city, the invited company and the facilitator; administrators are not members.
    Case("workspaces.show", "GET", "/workspaces/{workspace_id}", "302 200 404 200 404 200 404"),
    Case("workspaces.show", "GET", "/workspaces/2147483647", "302 404 404 404 404 404 404"),
    # Proposals: {proposal_id} is the company's, submitted to {challenge}, which the consultancy facilitates;
    # {draft_proposal_id} is its draft for another challenge, with the other company invited ({invite_id}).
    # Verified companies answer; the owning city decides and keeps notes; the consultancy reads; nobody
    # else, administrators included, learns a proposal exists.
    Case("proposals.new", "GET", "/challenges/{unassigned}/proposals/new", "302 200 200 403 403 403 403"),
    Case("proposals.new", "POST", "/challenges/{unassigned}/proposals/new", "302 422 422 403 403 403 403",
         (("title", ""),)),
    Case("proposals.new", "POST", "/challenges/{unassigned}/proposals/new", "302 302 302 403 403 403 403",
         PROPOSAL_FORM, to="/proposals/*", effect=Effect(own_proposals_on("unassigned"), 1)),
    Case("proposals.for_challenge", "GET", "/challenges/{challenge}/proposals", "302 403 403 200 403 200 403"),
    Case("proposals.show", "GET", "/proposals/{proposal_id}", "302 200 404 200 404 200 404"),
    Case("proposals.show", "GET", "/proposals/{draft_proposal_id}", "302 200 404 404 404 404 404"),
    Case("proposals.show", "GET", "/proposals/2147483647", "302 404 404 404 404 404 404"),
    Case("proposals.edit", "GET", "/proposals/{proposal_id}/edit", "302 200 404 403 404 403 404"),
    Case("proposals.edit", "POST", "/proposals/{proposal_id}/edit", "302 422 404 403 404 403 404",
         (("title", ""), ("revision", "1"))),
    Case("proposals.change_status", "POST", "/proposals/{draft_proposal_id}/submit", "302 302 404 404 404 404 404",
         to="/proposals/{draft_proposal_id}", effect=Effect(proposal_status("draft_proposal_id"), "submitted")),
    Case("proposals.change_status", "POST", "/proposals/{proposal_id}/withdraw", "302 302 404 403 404 403 404",
         to="/proposals/{proposal_id}", effect=Effect(proposal_status("proposal_id"), "withdrawn")),
    Case("proposals.decide", "POST", "/proposals/{proposal_id}/shortlist", "302 403 404 302 404 403 404",
         to="/proposals/{proposal_id}", effect=Effect(proposal_status("proposal_id"), "shortlisted")),
    Case("proposals.decide", "POST", "/proposals/{proposal_id}/decline", "302 403 404 302 404 403 404",
         (("reason", "Over our budget."),), to="/proposals/{proposal_id}",
         effect=Effect(proposal_status("proposal_id"), "declined")),
    Case("proposals.add_note", "POST", "/proposals/{proposal_id}/notes", "302 403 404 302 404 403 404",
         (("body", "Ask about maintenance."),), to="/proposals/{proposal_id}", effect=Effect(note_count, 1)),
    Case("proposals.invite_partner", "POST", "/proposals/{proposal_id}/partners", "302 302 404 403 404 403 404",
         (("organisation_id", "{other_company_org}"), ("role", "operator"), ("share", "20")),
         to="/proposals/{proposal_id}", effect=Effect(partner_count("proposal_id"), 1)),
    Case("proposals.remove_partner", "POST", "/proposals/{draft_proposal_id}/partners/{invite_id}/remove",
         "302 302 404 404 404 404 404", to="/proposals/{draft_proposal_id}",
         effect=Effect(partner_count("draft_proposal_id"), 0)),
    Case("proposals.invitation", "GET", "/proposals/invitations/{invite_id}", "302 404 200 404 404 404 404"),
    Case("proposals.answer_invitation", "POST", "/proposals/invitations/{invite_id}/confirm",
         "302 404 302 404 404 404 404", to="/proposals/{draft_proposal_id}", effect=Effect(invite_status, "confirmed")),
    Case("proposals.answer_invitation", "POST", "/proposals/invitations/{invite_id}/decline",
         "302 404 302 404 404 404 404", to="/proposals/invitations/{invite_id}",
         effect=Effect(invite_status, "declined")),
    Case("workspaces.open_for", "GET", "/workspaces/open/{ws_challenge}", "302 403 403 200 403 403 403"),
    Case("workspaces.open_for", "POST", "/workspaces/open/{ws_challenge}", "302 403 403 302 403 403 403",
         (("title", "Room"), ("company_ids", "{company_org_id}"), ("facilitator_id", "{consultancy_id}")),
         to="/workspaces/*", effect=Effect(workspace_of_challenge("ws_challenge"), True)),
    Case("workspaces.gates", "GET", "/workspaces/{workspace_id}/gates", MEMBERS_ONLY),
    Case("workspaces.gates", "POST", "/workspaces/{workspace_id}/gates", CITY_AND_FACILITATOR,
         (("direction", "forward"), ("reason", "Understood.")), to="/workspaces/{workspace_id}/gates",
         effect=Effect(workspace_stage, "define")),
    Case("workspaces.gates", "POST", "/workspaces/{workspace_id}/gates", "302 403 404 422 404 422 404",
         (("direction", "forward"), ("reason", ""))),
    Case("workspaces.activity", "GET", "/workspaces/{workspace_id}/activity", MEMBERS_ONLY),
    Case("workspaces.members", "GET", "/workspaces/{workspace_id}/members", MEMBERS_ONLY),
    Case("workspaces.members", "POST", "/workspaces/{workspace_id}/members", CITY_ONLY,
         (("organisation_id", "{other_company_org_id}"),), to="/workspaces/{workspace_id}/members",
         effect=Effect(in_workspace("other_company_org_id"), True)),
    Case("workspaces.remove_member", "POST", "/workspaces/{workspace_id}/members/{company_org_id}/remove", CITY_ONLY,
         to="/workspaces/{workspace_id}/members", effect=Effect(in_workspace("company_org_id"), False)),
    Case("workspaces.fit", "GET", "/workspaces/{workspace_id}/fit", MEMBERS_ONLY),
    Case("workspaces.add_fit_item", "POST", "/workspaces/{workspace_id}/fit/items", CITY_ONLY,
         (("category", "regulation"), ("title", "PIPA")), to="/workspaces/{workspace_id}/fit",
         effect=Effect(rows_in_workspace("FitItem"), 2)),
    Case("workspaces.edit_fit_item", "GET", "/workspaces/{workspace_id}/fit/items/{ws_fit_item_id}/edit",
         "302 403 404 200 404 403 404"),
    Case("workspaces.edit_fit_item", "POST", "/workspaces/{workspace_id}/fit/items/{ws_fit_item_id}/edit", CITY_ONLY,
         (("category", "system"), ("title", "S-DoT v2")), to="/workspaces/{workspace_id}/fit",
         effect=Effect(fit_item_title, "S-DoT v2")),
    Case("workspaces.remove_fit_item", "POST", "/workspaces/{workspace_id}/fit/items/{ws_fit_item_id}/delete",
         CITY_ONLY, to="/workspaces/{workspace_id}/fit", effect=Effect(rows_in_workspace("FitItem"), 0)),
    Case("workspaces.answer_fit", "GET", "/workspaces/{workspace_id}/fit/answers", "302 200 404 403 404 403 404"),
    Case("workspaces.answer_fit", "POST", "/workspaces/{workspace_id}/fit/answers", "302 302 404 403 404 403 404",
         (("verdict-{ws_fit_item_id}", "needs-work"), ("how-{ws_fit_item_id}", "An adapter.")),
         to="/workspaces/{workspace_id}/fit", effect=Effect(company_fit_verdict, "needs-work")),
    Case("workspaces.investment", "GET", "/workspaces/{workspace_id}/investment", MEMBERS_ONLY),
    Case("workspaces.investment", "POST", "/workspaces/{workspace_id}/investment", CITY_ONLY, WS_INVESTMENT,
         to="/workspaces/{workspace_id}/investment", effect=Effect(rows_in_workspace("InvestmentDecision"), 1)),
    Case("workspaces.investment", "POST", "/workspaces/{workspace_id}/investment", "302 403 404 422 404 403 404",
         (("amount", "-3"),)),
    Case("workspaces.milestones", "GET", "/workspaces/{workspace_id}/milestones", MEMBERS_ONLY),
    Case("workspaces.milestones", "POST", "/workspaces/{workspace_id}/milestones", CITY_AND_FACILITATOR,
         (("title", "Pilot"), ("due_on", WS_DAY), ("owner_organisation_id", "{company_org_id}")),
         to="/workspaces/{workspace_id}/milestones", effect=Effect(rows_in_workspace("Milestone"), 2)),
    Case("workspaces.remove_milestone", "POST", "/workspaces/{workspace_id}/milestones/{ws_milestone_id}/delete",
         CITY_AND_FACILITATOR, to="/workspaces/{workspace_id}/milestones",
         effect=Effect(rows_in_workspace("Milestone"), 0)),
    Case("workspaces.decisions", "GET", "/workspaces/{workspace_id}/decisions", MEMBERS_ONLY),
    Case("workspaces.decisions", "POST", "/workspaces/{workspace_id}/decisions", CITY_AND_FACILITATOR,
         (("title", "Area"), ("decision", "Mangwon."), ("decided_by", "Steering group"), ("decided_on", WS_DAY)),
         to="/workspaces/{workspace_id}/decisions", effect=Effect(rows_in_workspace("Decision"), 1)),
    Case("workspaces.meetings", "GET", "/workspaces/{workspace_id}/meetings", MEMBERS_ONLY),
    Case("workspaces.meetings", "POST", "/workspaces/{workspace_id}/meetings", CITY_AND_FACILITATOR,
         (("held_on", WS_DAY), ("attendees", "All"), ("notes", "Met.")),
         to="/workspaces/{workspace_id}/meetings", effect=Effect(rows_in_workspace("MeetingNote"), 2)),
    Case("workspaces.add_action", "POST", "/workspaces/{workspace_id}/meetings/{ws_meeting_id}/actions",
         CITY_AND_FACILITATOR, (("description", "Call"), ("owner_id", "{company_id}"), ("due_on", WS_DAY)),
         to="/workspaces/{workspace_id}/meetings*", effect=Effect(rows_in_workspace("ActionItem"), 2)),
    # The action's owner (the company's person), the city and the facilitator mark it done.
    Case("workspaces.mark_action", "POST", "/workspaces/{workspace_id}/actions/{ws_action_id}/done",
         "302 302 404 302 404 302 404", to="/workspaces/{workspace_id}/meetings*", effect=Effect(action_done, True)),
    # Another city's workspace: its own members only; records of one workspace are never found under another.
    Case("workspaces.show", "GET", "/workspaces/{other_workspace_id}", "302 404 200 404 200 404 404"),
    Case("workspaces.edit_fit_item", "GET", "/workspaces/{other_workspace_id}/fit/items/{ws_fit_item_id}/edit",
         "302 404 404 404 404 404 404"),
    Case("workspaces.mark_action", "POST", "/workspaces/{other_workspace_id}/actions/{ws_action_id}/done",
         "302 404 404 404 404 404 404"),
    # Inside a workspace (files, threads, documents): its members only; everyone else, administrators too, a 404.
    Case("workspace_files.index", "GET", "/workspaces/{workspace_id}/files", "302 200 404 200 404 200 404"),
    Case("workspace_files.index", "POST", "/workspaces/{workspace_id}/files", "302 422 404 422 404 422 404"),
    Case("workspace_files.download", "GET", "/workspaces/{workspace_id}/files/{workspace_file_id}",
         "302 200 404 200 404 200 404"),
    # A file asked for under another workspace's address, where the other company is a member.
    Case("workspace_files.download", "GET", "/workspaces/{other_workspace_id}/files/{workspace_file_id}",
         "302 404 404 404 404 404 404"),
    Case("discussions.index", "GET", "/workspaces/{workspace_id}/threads", "302 200 404 200 404 200 404"),
    Case("discussions.new", "GET", "/workspaces/{workspace_id}/threads/new", "302 200 404 200 404 200 404"),
    Case("discussions.new", "POST", "/workspaces/{workspace_id}/threads/new", "302 422 404 422 404 422 404",
         (("title", "Empty"), ("body", " "))),
    Case("discussions.thread", "GET", "/workspaces/{workspace_id}/threads/{thread_id}", "302 200 404 200 404 200 404"),
    Case("discussions.thread", "GET", "/workspaces/{other_workspace_id}/threads/{thread_id}",
         "302 404 404 404 404 404 404"),
    Case("discussions.thread", "POST", "/workspaces/{workspace_id}/threads/{thread_id}", "302 422 404 422 404 422 404",
         (("body", ""),)),
    Case("discussions.thread", "POST", "/workspaces/{workspace_id}/threads/{thread_id}", "302 302 404 302 404 302 404",
         (("body", "A reply."),), to="/workspaces/{workspace_id}/threads/{thread_id}",
         effect=Effect(posts_in_thread, 2)),
    Case("discussions.edit", "GET", "/workspaces/{workspace_id}/threads/{thread_id}/posts/{post_id}/edit",
         "302 200 404 403 404 403 404"),
    Case("discussions.edit", "POST", "/workspaces/{workspace_id}/threads/{thread_id}/posts/{post_id}/edit",
         "302 302 404 403 404 403 404", (("body", "Changed."),), to="/workspaces/{workspace_id}/threads/{thread_id}",
         effect=Effect(post_body, "Changed.")),
    Case("documents.index", "GET", "/workspaces/{workspace_id}/documents", "302 200 404 200 404 200 404"),
    Case("documents.new", "GET", "/workspaces/{workspace_id}/documents/new", "302 200 404 200 404 200 404"),
    Case("documents.new", "POST", "/workspaces/{workspace_id}/documents/new", "302 422 404 422 404 422 404",
         (("title", "Empty"), ("body", ""))),
    Case("documents.show", "GET", "/workspaces/{workspace_id}/documents/{document_id}", "302 200 404 200 404 200 404"),
    Case("documents.show", "GET", "/workspaces/{other_workspace_id}/documents/{document_id}",
         "302 404 404 404 404 404 404"),
    Case("documents.show", "GET", "/workspaces/{workspace_id}/documents/{deleted_document_id}",
         "302 404 404 404 404 404 404"),
    Case("documents.edit", "GET", "/workspaces/{workspace_id}/documents/{document_id}/edit",
         "302 200 404 200 404 200 404"),
    # Based on revision 1 while revision 2 is the latest: the merge page, and nothing saved.
    Case("documents.edit", "POST", "/workspaces/{workspace_id}/documents/{document_id}/edit",
         "302 409 404 409 404 409 404", (("title", "Requirements"), ("body", "Mine"), ("base", "1"))),
    Case("documents.edit", "POST", "/workspaces/{workspace_id}/documents/{document_id}/edit",
         "302 302 404 302 404 302 404", (("title", "Requirements"), ("body", "Mine"), ("base", "2")),
         to="/workspaces/{workspace_id}/documents/{document_id}", effect=Effect(document_field("current_number"), 3)),
    Case("documents.history", "GET", "/workspaces/{workspace_id}/documents/{document_id}/revisions",
         "302 200 404 200 404 200 404"),
    Case("documents.revision", "GET", "/workspaces/{workspace_id}/documents/{document_id}/revisions/1",
         "302 200 404 200 404 200 404"),
    Case("documents.compare", "GET", "/workspaces/{workspace_id}/documents/{document_id}/compare?from=1&to=2",
         "302 200 404 200 404 200 404"),
    Case("documents.restore", "POST", "/workspaces/{workspace_id}/documents/{document_id}/revisions/1/restore",
         "302 302 404 302 404 302 404", to="/workspaces/{workspace_id}/documents/{document_id}",
         effect=Effect(document_field("current_number"), 3)),
    # The city that owns the workspace agrees and deletes; the other members may not.
    Case("documents.agree", "POST", "/workspaces/{workspace_id}/documents/{document_id}/agree",
         "302 403 404 302 404 403 404", (("base", "2"),), to="/workspaces/{workspace_id}/documents/{document_id}",
         effect=Effect(document_field("agreed_number"), 2)),
    Case("documents.delete", "POST", "/workspaces/{workspace_id}/documents/{document_id}/delete",
         "302 403 404 302 404 403 404", to="/workspaces/{workspace_id}/documents",
         effect=Effect(lambda refs, user: document_field("deleted_at")(refs, user) is not None, True)),
    # A proposal's attachments: whoever sees the proposal downloads them ({attachment_id} is on the submitted
    # {proposal_id}, {draft_attachment_id} on the draft); an attachment asked for under another proposal's
    # address does not exist. Only the lead adds and removes them, while the proposal may change.
    Case("proposals.attachment", "GET", "/proposals/{proposal_id}/attachments/{attachment_id}",
         "302 200 404 200 404 200 404"),
    Case("proposals.attachment", "GET", "/proposals/{draft_proposal_id}/attachments/{draft_attachment_id}",
         "302 200 404 404 404 404 404"),
    Case("proposals.attachment", "GET", "/proposals/{draft_proposal_id}/attachments/{attachment_id}",
         "302 404 404 404 404 404 404"),
    Case("proposals.add_attachment", "POST", "/proposals/{proposal_id}/attachments", "302 422 404 403 404 403 404"),
    Case("proposals.remove_attachment", "POST", "/proposals/{proposal_id}/attachments/{attachment_id}/remove",
         "302 302 404 403 404 403 404", to="/proposals/{proposal_id}",
         effect=Effect(attachment_count("proposal_id"), 0)),
    Case("proposals.remove_attachment", "POST", "/proposals/{draft_proposal_id}/attachments/{attachment_id}/remove",
         "302 404 404 404 404 404 404"),
    # The lead deletes an abandoned draft (after a confirmation page); anything sent is withdrawn instead.
    Case("proposals.delete", "GET", "/proposals/{draft_proposal_id}/delete", "302 200 404 404 404 404 404"),
    Case("proposals.delete", "GET", "/proposals/{proposal_id}/delete", "302 302 404 403 404 403 404",
         to="/proposals/{proposal_id}"),
    Case("proposals.delete", "POST", "/proposals/{proposal_id}/delete", "302 409 404 403 404 403 404"),
    Case("proposals.delete", "POST", "/proposals/{draft_proposal_id}/delete", "302 302 404 404 404 404 404",
         to="/challenges/*", effect=Effect(proposal_exists("draft_proposal_id"), False)),
    # Following one's own notification marks it read; anyone else's is not found.
    Case("alerts.open_notification", "GET", "/notifications/{notification_id}", "302 302 404 404 404 404 404",
         to="/challenges/{unassigned}", effect=Effect(notification_read, True)),
    # Open data: every public tender's releases, for anyone; a draft has none, not even for its city.
    Case("ocds.all_releases", "GET", "/ocds/releases.json", same("200")),
    Case("ocds.tender_package", "GET", "/ocds/{ocds_tender}.json", same("200")),
    Case("ocds.tender_package", "GET", "/ocds/{ocds_draft}.json", same("404")),
    # Sealed bids. {bid_id} is the company's bid on {bid_tender_id}, a published tender before its deadline
    # (the city is named an evaluator there and has not declared); {opened_bid_id} is its bid on
    # {opened_tender_id}, which the city opened and whose only evaluator (the city's person) declared and
    # scored; {due_tender_id} is past its opening instant, not opened. Before the opening a bid is its
    # bidder's alone: everyone else, the city and administrators included, gets a 404, as if it did not exist.
    Case("bids.new", "GET", "/tenders/{bid_tender_id}/bids/new", "302 302 200 403 403 403 403", to="/bids/{bid_id}"),
    Case("bids.new", "GET", "/tenders/{draft_tender_id}/bids/new", "302 404 404 403 404 404 404"),
    Case("bids.new", "POST", "/tenders/{bid_tender_id}/bids/new", "302 409 302 403 403 403 403", BID_FORM,
         to="/bids/*/receipt", effect=Effect(own_bids_on("bid_tender_id"), 1, by=("other_company",))),
    Case("bids.show", "GET", "/bids/{bid_id}", "302 200 404 404 404 404 404"),
    Case("bids.show", "GET", "/bids/{opened_bid_id}", "302 200 404 200 404 404 404"),
    Case("bids.receipt", "GET", "/bids/{bid_id}/receipt", "302 200 404 404 404 404 404"),
    Case("bids.receipt", "GET", "/bids/{opened_bid_id}/receipt", "302 200 404 403 404 404 404"),
    Case("bids.replace", "GET", "/bids/{bid_id}/replace", "302 200 404 404 404 404 404"),
    Case("bids.replace", "POST", "/bids/{bid_id}/replace", "302 422 404 404 404 404 404",
         (("revision", "1"), ("price", ""))),
    Case("bids.replace", "POST", "/bids/{bid_id}/replace", "302 302 404 404 404 404 404",
         BID_FORM + (("revision", "1"), ("keep_files", "{bid_file_id}")), to="/bids/{bid_id}/receipt",
         effect=Effect(bid_field("bid_id", "revision"), 2)),
    Case("bids.withdraw", "POST", "/bids/{bid_id}/withdraw", "302 302 404 404 404 404 404", to="/bids/{bid_id}",
         effect=Effect(bid_field("bid_id", "status"), "withdrawn")),
    Case("bids.withdraw", "POST", "/bids/{opened_bid_id}/withdraw", "302 409 404 403 404 404 404"),
    Case("bids.reconfirm", "POST", "/bids/{bid_id}/reconfirm", "302 302 404 404 404 404 404", to="/bids/{bid_id}",
         effect=Effect(bid_field("bid_id", "needs_reconfirmation"), False)),
    Case("bids.download", "GET", "/bids/{bid_id}/files/{bid_file_id}", "302 200 404 404 404 404 404"),
    Case("bids.download", "GET", "/bids/{opened_bid_id}/files/{opened_file_id}", "302 200 404 200 404 404 404"),
    Case("bids.download", "GET", "/bids/{bid_id}/files/{opened_file_id}", "302 404 404 404 404 404 404"),
    Case("bids.open_tender", "POST", "/tenders/{bid_tender_id}/bids/open", "302 403 403 409 403 403 403"),
    Case("bids.open_tender", "POST", "/tenders/{due_tender_id}/bids/open", "302 403 403 302 403 403 403",
         to="/tenders/{due_tender_id}/bids", effect=Effect(tender_status("due_tender_id"), "opened")),
    Case("bids.evaluation", "GET", "/tenders/{bid_tender_id}/bids", "302 403 403 409 403 403 403"),
    Case("bids.evaluation", "GET", "/tenders/{opened_tender_id}/bids", "302 403 403 200 403 403 403"),
    Case("bids.evaluators", "GET", "/tenders/{opened_tender_id}/bids/evaluators", "302 403 403 200 403 403 403"),
    Case("bids.evaluators", "POST", "/tenders/{opened_tender_id}/bids/evaluators", "302 403 403 302 403 403 403",
         (("user_id", "{city_colleague_id}"),), to="/tenders/{opened_tender_id}/bids/evaluators",
         effect=Effect(evaluator_count("opened_tender_id"), 2)),
    Case("bids.declaration", "GET", "/tenders/{bid_tender_id}/bids/declaration", "302 403 403 200 403 403 403"),
    Case("bids.declaration", "POST", "/tenders/{bid_tender_id}/bids/declaration", "302 403 403 302 403 403 403",
         (("confirm", "y"),), to="/tenders/{bid_tender_id}/bids/declaration", effect=Effect(city_declared, True)),
    Case("bids.score", "GET", "/bids/{opened_bid_id}/scores", "302 403 404 200 404 404 404"),
    Case("bids.score", "POST", "/bids/{opened_bid_id}/scores", "302 403 404 302 404 404 404", SCORE_FORM,
         to="/tenders/{opened_tender_id}/bids", effect=Effect(scores_of("opened_bid_id"), [55, 55])),
    Case("bids.award", "GET", "/tenders/{opened_tender_id}/bids/award", "302 403 403 200 403 403 403"),
    Case("bids.award", "POST", "/tenders/{opened_tender_id}/bids/award", "302 403 403 302 403 403 403",
         (("lot_id", "{opened_lot_id}"), ("bid_id", "{opened_bid_id}"), ("value", "100000"),
          ("justification", "The only bid, and a sound one.")), to="/tenders/{opened_tender_id}/bids/award",
         effect=Effect(tender_status("opened_tender_id"), "awarded")),
    # Tenders: {tender_id} is the city's, published, with the company's unanswered question {question_id};
    # {draft_tender_id} its complete draft; {tender_workspace_id} a ready workspace of the city with the company
    # and the consultancy as facilitator. Anyone reads what is published; a draft is its city's alone, and only
    # the city builds, edits, publishes, amends, cancels and answers; verified companies ask.
    Case("tenders.listing", "GET", "/tenders", same("200")),
    Case("tenders.show", "GET", "/tenders/{tender_id}", same("200")),
    Case("tenders.show", "GET", "/tenders/{draft_tender_id}", "404 404 404 200 404 404 404"),
    Case("tenders.show", "GET", "/tenders/2147483647", same("404")),
    Case("tenders.version_file", "GET", "/tenders/{tender_id}/versions/1.pdf", same("200")),
    Case("tenders.version_file", "GET", "/tenders/{tender_id}/versions/9.pdf", same("404")),
    Case("tenders.version_file", "GET", "/tenders/{draft_tender_id}/versions/1.pdf", same("404")),
    Case("tenders.new", "GET", "/tenders/new", "302 403 403 200 200 403 403"),
    Case("tenders.new", "POST", "/tenders/new", "302 403 403 422 422 403 403", (("title", ""),)),
    Case("tenders.new", "POST", "/tenders/new", "302 403 403 302 302 403 403", TENDER_FORM, to="/tenders/*",
         effect=Effect(own_tenders_titled("Quiet buses"), 1)),
    Case("tenders.build", "GET", "/workspaces/{tender_workspace_id}/tender", "302 403 404 200 404 403 404"),
    Case("tenders.build", "POST", "/workspaces/{tender_workspace_id}/tender", "302 403 404 302 404 403 404",
         TENDER_FORM, to="/tenders/*", effect=Effect(own_tenders_titled("Quiet buses"), 1)),
    Case("tenders.edit", "GET", "/tenders/{draft_tender_id}/edit", "302 404 404 200 404 404 404"),
    Case("tenders.edit", "POST", "/tenders/{draft_tender_id}/edit", "302 404 404 302 404 404 404",
         TENDER_FORM + (("revision", "1"),), to="/tenders/{draft_tender_id}",
         effect=Effect(tender_field("draft_tender_id", "title"), "Quiet buses")),
    Case("tenders.edit", "GET", "/tenders/{tender_id}/edit", "302 403 403 302 403 403 403", to="/tenders/{tender_id}"),
    Case("tenders.publish", "POST", "/tenders/{draft_tender_id}/publish", "302 404 404 302 404 404 404",
         (("revision", "1"),), to="/tenders/{draft_tender_id}",
         effect=Effect(tender_field("draft_tender_id", "status"), "published")),
    Case("tenders.amend", "GET", "/tenders/{tender_id}/amend", "302 403 403 200 403 403 403"),
    Case("tenders.amend", "POST", "/tenders/{tender_id}/amend", "302 403 403 422 403 403 403", (("change_note", ""),)),
    Case("tenders.amend", "POST", "/tenders/{tender_id}/amend", "302 403 403 302 403 403 403",
         TENDER_FORM + (("revision", "2"), ("change_note", "New title.")), to="/tenders/{tender_id}",
         effect=Effect(tender_versions("tender_id"), 2)),
    Case("tenders.cancel", "POST", "/tenders/{tender_id}/cancel", "302 403 403 302 403 403 403",
         (("reason", "The budget was withdrawn."),), to="/tenders/{tender_id}",
         effect=Effect(tender_field("tender_id", "status"), "cancelled")),
    Case("tenders.delete", "GET", "/tenders/{draft_tender_id}/delete", "302 404 404 200 404 404 404"),
    Case("tenders.delete", "POST", "/tenders/{draft_tender_id}/delete", "302 404 404 302 404 404 404", to="/tenders",
         effect=Effect(tender_field("draft_tender_id", "id"), None)),
    Case("tenders.ask", "POST", "/tenders/{tender_id}/questions", "302 302 302 403 403 403 403",
         (("text", "Both lots?"),), to="/tenders/{tender_id}", effect=Effect(own_questions("Both lots?"), 1)),
    Case("tenders.ask", "POST", "/tenders/{draft_tender_id}/questions", "302 404 404 403 404 404 404",
         (("text", "Both lots?"),)),
    Case("tenders.answer", "POST", "/tenders/{tender_id}/questions/{question_id}/answer",
         "302 403 403 302 403 403 403", (("answer", "Yes."),), to="/tenders/{tender_id}",
         effect=Effect(question_answered, True)),
]


def build_references(app, world):
    """The objects the table's paths name, and a live session for each persona."""
    with app.test_request_context():
        company_org = db.session.get(Organisation, world["company_org"])
        city_org = db.session.get(Organisation, world["city_org"])
        pending = factories.organisation("company", verified=False, name="Pending Widgets")
        refs = {
            "solution": factories.solution(company_org).key,
            "archived": factories.solution(company_org, status=Solution.ARCHIVED).key,
            "challenge": factories.challenge(city_org).key,
            "draft": factories.challenge(city_org, status=Challenge.DRAFT).key,
            "pending": pending.key, "pending_id": pending.id,
            "other_company_id": world["other_company"], "consultancy_id": world["consultancy_org"],
        }
        challenge = db.session.scalar(db.select(Challenge).where(Challenge.key == refs["challenge"]))
        challenge.consultants.append(ChallengeConsultant(organisation_id=world["consultancy_org"]))
        company = db.session.get(User, world["company"])
        refs["alert_id"] = alert_services.create_alert(company, "flood").id
        unassigned = factories.challenge(city_org, title="Flood warnings for alleys")
        refs["unassigned"] = unassigned.key
        consultancy_org = db.session.get(Organisation, world["consultancy_org"])
        refs["workspace_id"] = factories.workspace(challenge, [company_org], consultancy_org).id
        alert_services.notify_new_challenge(unassigned)  # an unread notification for the company
        refs["notification_id"] = db.session.scalar(select(Notification.id).where(
            Notification.user_id == world["company"]))
        account_services.invite(company, "invitee@example.org")
        account_services.request_password_reset("company@example.org")
        # Proposals: the company's, submitted to the challenge the consultancy facilitates, and its complete
        # draft for another open challenge with the other company invited.
        other_company_org = db.session.get(Organisation, world["other_company_org"])
        submitted = factories.proposal(challenge, company_org, status="submitted")
        draft = factories.proposal(factories.challenge(city_org, title="Quiet night buses"), company_org,
                                   partners=[(other_company_org, "invited")])
        refs.update(proposal_id=submitted.id, draft_proposal_id=draft.id, invite_id=draft.partners[0].id,
                    other_company_org=other_company_org.id)
        refs.update(_workspace_references(world, challenge))
        collaboration_references(refs, world)
        attachment_references(refs, world)
        bid_references(refs, world)
        tender_references(refs, world)
        sessions = {persona: account_services.start_session(db.session.get(User, world[persona]))
                    for persona in PERSONAS if persona != "anonymous"}
        db.session.commit()
    texts = [message.get_body(preferencelist=("plain",)).get_content() for message in read_outbox(app)]
    links = [re.search(r"http://localhost(\S+)", text).group(1) for text in texts]
    refs["invitation_token"] = next(link for link in links if "/invitations/" in link).rsplit("/", 1)[1]
    refs["reset_token"] = next(link for link in links if "/password/reset/" in link).rsplit("/", 1)[1]
    refs.update(ocds_references(app, world))
    return refs, sessions


def _workspace_references(world, challenge):
    """Inside the table's workspace: a fit item, a milestone, a meeting with an action for the company's person;
    another city's workspace; and a challenge with a shortlist and no workspace yet."""
    from portal.workspaces.models import ActionItem, FitItem, MeetingNote, Milestone, Workspace
    organisations = {name: db.session.get(Organisation, world[name]) for name in (
        "city_org", "company_org", "other_company_org", "other_city_org")}
    workspace = db.session.scalar(select(Workspace).where(Workspace.challenge_id == challenge.id))
    # The company is in the workspace already, with its submitted proposal to this challenge (above).
    factories.shortlisted(challenge, organisations["other_company_org"])
    item = FitItem(workspace_id=workspace.id, category="system", title="S-DoT", created_by_id=world["city"])
    milestone = Milestone(workspace_id=workspace.id, title="Kick-off", due_on=date.today(),
                          owner_organisation_id=world["city_org"], created_by_id=world["city"])
    meeting = MeetingNote(workspace_id=workspace.id, held_on=date.today(), attendees="All", notes="Met.",
                          recorded_by_id=world["consultant"])
    meeting.action_items.append(ActionItem(workspace_id=workspace.id, description="Send the spec",
                                           owner_id=world["company"], due_on=date.today()))
    db.session.add_all([item, milestone, meeting])
    elsewhere = factories.challenge(organisations["other_city_org"], title="Harbour buses")
    other = factories.workspace(elsewhere, [organisations["other_company_org"]])
    unopened = factories.challenge(organisations["city_org"], title="Quiet streets")
    factories.shortlisted(unopened, organisations["company_org"])
    db.session.flush()
    return {"ws_fit_item_id": item.id, "ws_milestone_id": milestone.id, "ws_meeting_id": meeting.id,
            "ws_action_id": meeting.action_items[0].id, "other_workspace_id": other.id, "ws_challenge": unopened.key,
            "company_org_id": world["company_org"], "other_company_org_id": world["other_company_org"],
            "company_id": world["company"]}


def collaboration_references(refs, world):
    """Files, threads and documents inside the workspace `refs["workspace_id"]`."""
    from portal.discussions import services as discussion_services
    from portal.documents import services as document_services
    from portal.workspace_files import services as workspace_file_services
    from portal.workspaces.models import Workspace

    workspace = db.session.get(Workspace, refs["workspace_id"])
    company = db.session.get(User, world["company"])
    upload = FileStorage(stream=io.BytesIO(b"%PDF-1.4\n%%EOF\n"), filename="plan.pdf")
    refs["workspace_file_id"] = workspace_file_services.add(company, workspace, upload).id
    thread, post = discussion_services.start_thread(company, workspace, {"title": "Sensors", "body": "Where?"})
    refs["thread_id"], refs["post_id"] = thread.id, post.id
    document = document_services.create(company, workspace, {"title": "Requirements", "body": "First"})
    document_services.save(company, document, {"title": "Requirements", "body": "Second", "base": 1})
    refs["document_id"] = document.id
    deleted = document_services.create(company, workspace, {"title": "Old", "body": "Gone"})
    document_services.delete(db.session.get(User, world["city"]), deleted)
    refs["deleted_document_id"] = deleted.id


def ocds_references(app, world):
    """The ocids of a published tender of the table's city, with its first version, and of its draft."""
    with app.test_request_context():
        city_org, city = db.session.get(Organisation, world["city_org"]), db.session.get(User, world["city"])
        published = factories.tender_record(city_org, city)
        factories.tender_version(published, city)
        draft = factories.tender_record(city_org, city, status="draft")
        db.session.commit()
        return {"ocds_tender": published.ocid, "ocds_draft": draft.ocid}


def attachment_references(refs, world):
    """A PDF attached to the submitted proposal `refs["proposal_id"]` and one to the draft."""
    from portal.proposals import services as proposal_services

    company = db.session.get(User, world["company"])
    for ref, proposal_ref in (("attachment_id", "proposal_id"), ("draft_attachment_id", "draft_proposal_id")):
        upload = FileStorage(stream=io.BytesIO(b"%PDF-1.4\n%%EOF\n"), filename="budget.pdf")
        refs[ref] = proposal_services.attach(company, db.session.get(Proposal, refs[proposal_ref]), upload).id


def tender_references(refs, world):
    """The city's published tender with the company's question, its draft, and a ready workspace to build from."""
    from portal.tenders import services as tender_services

    from . import tender_factories

    city, company = db.session.get(User, world["city"]), db.session.get(User, world["company"])
    published = tender_factories.published(city)
    refs["tender_id"], refs["draft_tender_id"] = published.id, tender_factories.draft(city).id
    refs["question_id"] = tender_services.ask(company, published, "May a consortium bid?").id
    organisations = [db.session.get(Organisation, world[name]) for name in ("city_org", "company_org",
                                                                           "consultancy_org")]
    refs["tender_workspace_id"] = tender_factories.ready_workspace(
        organisations[0], city, [organisations[1]], facilitator=organisations[2]).id


WRITE_STATEMENT = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|TRUNCATE|CREATE|DROP|ALTER)\b", re.IGNORECASE)


class SharedWorld:
    """The role table's world, built once: each row borrows the current app, and a row that
    committed a write leaves the next one a fresh copy (the instance folder and, on PostgreSQL,
    every table's rows)."""

    def __init__(self, folder, copies):
        self.folder = folder  # the snapshot; never served from
        self.copies = copies
        app = build_app(folder)
        if ON_POSTGRES:
            _empty_postgres(app)
        with app.test_request_context():
            built = World()
            db.session.commit()
            self.world = {name: value.id for name, value in vars(built).items()}
        self.refs, self.sessions = build_references(app, self.world)
        self.rows = self._table_rows(app) if ON_POSTGRES else None
        self._close(app)
        self.app = None
        self.wrote = False

    def app_for_next_row(self):
        """The app for the next row: the same one as before, unless the last row wrote."""
        if self.app is None or self.wrote:
            if self.app is not None:
                self._close(self.app)
            folder = self.copies.mktemp("row")
            shutil.copytree(self.folder, folder, dirs_exist_ok=True)
            self.app = build_app(folder)
            if ON_POSTGRES:
                self._restore_rows(self.app)
            self._watch_writes(self.app)
        self.wrote = False
        return self.app

    def close(self):
        if self.app is not None:
            self._close(self.app)

    def _watch_writes(self, app):
        """Set `wrote` when a transaction that ran a writing statement commits."""
        with app.app_context():
            engine = db.engine

        @event.listens_for(engine, "before_cursor_execute")
        def note(connection, _cursor, statement, *_args):
            if WRITE_STATEMENT.match(statement):
                connection.info["table_wrote"] = True

        @event.listens_for(engine, "commit")
        def committed(connection):
            if connection.info.pop("table_wrote", False):
                self.wrote = True

        @event.listens_for(engine, "rollback")
        def rolled_back(connection):
            connection.info.pop("table_wrote", None)

    @staticmethod
    def _close(app):
        with app.app_context():
            db.session.remove()
            db.engine.dispose()  # SQLite folds its WAL into the file when the last connection closes

    @staticmethod
    def _table_rows(app):
        with app.app_context(), db.engine.connect() as connection:
            rows = {table.name: [dict(row) for row in connection.execute(table.select()).mappings()]
                    for table in db.metadata.sorted_tables}
            sequences = connection.execute(text(
                "SELECT schemaname, sequencename, last_value FROM pg_sequences WHERE last_value IS NOT NULL")).all()
        return rows, sequences

    def _restore_rows(self, app):
        rows, sequences = self.rows
        with app.app_context(), db.engine.begin() as connection:
            # DELETE, not TRUNCATE: on tables this small it is many times faster.
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
            for table in db.metadata.sorted_tables:
                if rows[table.name]:
                    connection.execute(table.insert(), rows[table.name])
            for schema, sequence, value in sequences:
                connection.execute(text("SELECT setval(:name, :value)"),
                                   {"name": f'"{schema}"."{sequence}"', "value": value})


@pytest.fixture(scope="module")
def shared(tmp_path_factory, template_instance):
    folder = tmp_path_factory.mktemp("role-table")
    if not ON_POSTGRES:
        shutil.copy(template_instance / "portal.sqlite3", folder / "portal.sqlite3")
    world = SharedWorld(folder, tmp_path_factory)
    yield world
    world.close()


def redirect_target(response):
    """The path and query a redirect points to."""
    parts = urlsplit(response.headers["Location"])
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_role_table(shared, case, persona):
    app, refs = shared.app_for_next_row(), shared.refs
    user_id = shared.world.get(persona)
    client = app.test_client()
    if persona != "anonymous":
        with client.session_transaction() as session:
            session["_user_id"] = shared.sessions[persona]
            session["_fresh"] = True
    path = case.path.format(**refs)
    endpoint, _args = app.url_map.bind("localhost").match(path.split("?")[0], method=case.method)
    assert endpoint == case.endpoint, "the table names the wrong endpoint for this path"
    if case.effect:
        with app.app_context():
            before = case.effect.probe(refs, user_id)
    response = client.open(path, method=case.method, data={k.format(**refs): v.format(**refs) for k, v in case.data})
    expected = int(case.expected.split()[PERSONAS.index(persona)])
    assert response.status_code == expected, f"{persona}: {case}"

    sent_to_login = False
    if response.status_code in (301, 302, 303):
        if persona == "anonymous":
            wanted = case.anonymous_to.format(path=quote(path, safe=""))
            sent_to_login = case.anonymous_to == LOGIN
        else:
            wanted = case.to.format(**refs)
        target = redirect_target(response)
        assert fnmatch.fnmatchcase(target, wanted), f"{persona}: {case} redirects to {target}, not {wanted!r} (to=...)"
    refused = response.status_code >= 400 or sent_to_login
    takes_effect = persona in case.effect.by if case.effect and case.effect.by else not refused
    if refused and not takes_effect:
        assert not shared.wrote, f"{persona}: {case} was refused but changed the database"
    if case.effect:
        with app.app_context():
            after = case.effect.probe(refs, user_id)
        assert after == (case.effect.after if takes_effect else before), f"{persona}: {case} had the wrong effect"


def test_every_route_is_in_the_table(app):
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              for method in rule.methods - {"HEAD", "OPTIONS"} if rule.endpoint not in IGNORED_ENDPOINTS}
    covered = {(case.endpoint, case.method) for case in CASES}
    assert routes - covered == set(), "routes without an entry in the role table"
    assert covered - routes == set(), "entries for routes that do not exist"


def bid_references(refs, world):
    """Tenders of the city with the company's bids: one taking bids, one opened and scored, one past its opening
    instant and not opened, and a draft."""
    from datetime import timedelta

    from portal.bids import services as bid_services
    from portal.model_types import utcnow
    from portal.tenders.models import Tender

    city_org = db.session.get(Organisation, world["city_org"])
    city, company = db.session.get(User, world["city"]), db.session.get(User, world["company"])
    colleague = factories.user(city_org, email="colleague@city.example.org")
    taking = factories.tender_for_bids(city_org, city, title="Crossing sensors")
    bid = bid_services.submit(company, taking, taking.lots[0].id, {
        "price": 4000, "partners": [], "responses": {criterion.id: "Ours." for criterion in taking.criteria}},
        [FileStorage(stream=io.BytesIO(b"%PDF-1.4\n%%EOF\n"), filename="offer.pdf")])
    bid.needs_reconfirmation = True  # as after an amendment
    bid_services.name_evaluator(city, taking, city.id)
    earlier = utcnow() - timedelta(days=10)
    opened = factories.tender_for_bids(city_org, city, title="Bus shelters", now=earlier)
    opened_bid = bid_services.submit(company, opened, opened.lots[0].id, {
        "price": 100000, "partners": [], "responses": {criterion.id: "Ours." for criterion in opened.criteria}},
        [FileStorage(stream=io.BytesIO(b"%PDF-1.4\n%%EOF\n"), filename="shelters.pdf")],
        now=earlier + timedelta(days=1))
    bid_services.open_tender(city, opened)
    bid_services.name_evaluator(city, opened, city.id)
    bid_services.declare(city, opened, True)
    bid_services.score(city, opened_bid, {criterion.id: (70, "Good.") for criterion in opened.criteria})
    due = factories.tender_for_bids(city_org, city, title="Street lights", now=earlier)
    draft = factories.tender_for_bids(city_org, city, status=Tender.DRAFT, title="Park benches")
    quality, price = taking.criteria
    opened_quality, opened_price = opened.criteria
    refs.update(bid_tender_id=taking.id, bid_lot_id=taking.lots[0].id, bid_quality_id=quality.id,
                bid_price_criterion_id=price.id, bid_id=bid.id, bid_file_id=bid.files[0].id,
                opened_tender_id=opened.id, opened_lot_id=opened.lots[0].id, opened_bid_id=opened_bid.id,
                opened_file_id=opened_bid.files[0].id, opened_quality_id=opened_quality.id,
                opened_price_criterion_id=opened_price.id, due_tender_id=due.id, draft_tender_id=draft.id,
                city_colleague_id=colleague.id, city_id=city.id)

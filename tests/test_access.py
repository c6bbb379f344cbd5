"""Every rule of the URL map, walked as seven personas, against the role table of DESIGN.md.

A route without an entry here fails `test_every_route_is_in_the_table`, so a new
page cannot ship without someone deciding who may use it.
"""
import re
from dataclasses import dataclass

import pytest

from portal.accounts import services as account_services
from portal.accounts.models import User
from portal.alerts import services as alert_services
from portal.challenges.models import Challenge, ChallengeConsultant
from portal.extensions import db
from portal.organisations.models import Organisation
from portal.solutions.models import Solution

from . import factories
from .conftest import log_in

PERSONAS = ("anonymous", "company", "other_company", "city", "other_city", "consultant", "admin")
IGNORED_ENDPOINTS = {"static", "bootstrap.static"}


@dataclass(frozen=True)
class Case:
    endpoint: str
    method: str
    path: str  # may name references: {solution}, {draft}, ...
    expected: str  # one status per persona, in PERSONAS order
    data: tuple = ()  # form fields; values may name references too

    def __str__(self):
        return f"{self.method} {self.path}"


def same(status):
    return " ".join([status] * len(PERSONAS))


CASES = [
    Case("main.index", "GET", "/", same("200")),
    Case("main.dashboard", "GET", "/dashboard", "302 200 200 200 200 200 200"),
    Case("main.set_language", "POST", "/language", same("302"), (("language", "ko"),)),
    Case("accounts.register", "GET", "/register", "200 302 302 302 302 302 302"),
    Case("accounts.register", "POST", "/register", "422 302 302 302 302 302 302"),
    Case("accounts.login", "GET", "/login", "200 302 302 302 302 302 302"),
    Case("accounts.login", "POST", "/login", "401 302 302 302 302 302 302",
         (("email", "nobody@example.org"), ("password", "not the password"))),
    Case("accounts.logout", "POST", "/logout", same("302")),
    Case("accounts.preferences", "GET", "/account", "302 200 200 200 200 200 200"),
    Case("accounts.preferences", "POST", "/account", "302 422 422 422 422 422 422",
         (("locale", "xx"), ("timezone", "UTC"))),
    Case("accounts.change_password", "GET", "/account/password", "302 200 200 200 200 200 200"),
    Case("accounts.change_password", "POST", "/account/password", "302 422 422 422 422 422 422"),
    Case("accounts.forgot_password", "GET", "/password/forgot", same("200")),
    Case("accounts.forgot_password", "POST", "/password/forgot", same("302"), (("email", "x@example.org"),)),
    Case("accounts.reset_password", "GET", "/password/reset/{reset_token}", same("200")),
    Case("accounts.reset_password", "GET", "/password/reset/forged-token", same("404")),
    Case("accounts.reset_password", "POST", "/password/reset/{reset_token}", same("422"),
         (("password", "short"), ("confirm", "short"))),
    Case("accounts.accept_invitation", "GET", "/invitations/{invitation_token}", "200 302 302 302 302 302 302"),
    Case("accounts.accept_invitation", "GET", "/invitations/forged-token", same("404")),
    Case("accounts.accept_invitation", "POST", "/invitations/{invitation_token}", "422 302 302 302 302 302 302"),
    Case("accounts_admin.users", "GET", "/admin/users", "302 403 403 403 403 403 200"),
    Case("accounts_admin.set_active", "POST", "/admin/users/{other_company_id}/deactivate",
         "302 403 403 403 403 403 302"),
    Case("organisations.directory", "GET", "/organisations", same("200")),
    Case("organisations.show", "GET", "/organisations/alpha-sensing", same("200")),
    Case("organisations.show", "GET", "/organisations/{pending}", "404 404 404 404 404 404 200"),
    Case("organisations.edit", "GET", "/organisations/alpha-sensing/edit", "302 200 403 403 403 403 403"),
    Case("organisations.edit", "POST", "/organisations/alpha-sensing/edit", "302 422 403 403 403 403 403"),
    Case("organisations.edit", "GET", "/organisations/{pending}/edit", "302 404 404 404 404 404 403"),
    Case("organisations.members", "GET", "/organisations/alpha-sensing/members", "302 200 403 403 403 403 403"),
    Case("organisations.members", "POST", "/organisations/alpha-sensing/members", "302 422 403 403 403 403 403"),
    Case("organisations.request_review", "POST", "/organisations/alpha-sensing/request-review",
         "302 302 403 403 403 403 403"),
    Case("organisations_admin.queue", "GET", "/admin/organisations", "302 403 403 403 403 403 200"),
    Case("organisations_admin.verify", "POST", "/admin/organisations/{pending_id}/verify",
         "302 403 403 403 403 403 302"),
    Case("organisations_admin.reject", "POST", "/admin/organisations/{pending_id}/reject",
         "302 403 403 403 403 403 302", (("reason", "Unknown company."),)),
    Case("solutions.catalogue", "GET", "/solutions", same("200")),
    Case("solutions.new", "GET", "/solutions/new", "302 200 200 403 403 403 403"),
    Case("solutions.new", "POST", "/solutions/new", "302 422 422 403 403 403 403"),
    Case("solutions.show", "GET", "/solutions/{solution}", same("200")),
    Case("solutions.show", "GET", "/solutions/{archived}", "404 200 404 404 404 404 200"),
    Case("solutions.edit", "GET", "/solutions/{solution}/edit", "302 200 403 403 403 403 403"),
    Case("solutions.edit", "POST", "/solutions/{solution}/edit", "302 422 403 403 403 403 403"),
    Case("solutions.set_archived", "POST", "/solutions/{solution}/archive", "302 302 403 403 403 403 302"),
    Case("solutions.set_archived", "POST", "/solutions/{archived}/restore", "302 302 404 404 404 404 403"),
    Case("challenges.listing", "GET", "/challenges", same("200")),
    Case("search.results", "GET", "/search?q=sensor", same("200")),
    Case("alerts.index", "GET", "/alerts", "302 200 200 403 403 403 403"),
    Case("alerts.create", "POST", "/alerts", "302 302 302 403 403 403 403", (("sector", "energy"),)),
    Case("alerts.delete", "POST", "/alerts/{alert_id}/delete", "302 302 404 404 404 404 404"),
    Case("alerts.notifications", "GET", "/notifications", "302 200 200 200 200 200 200"),
    Case("alerts.mark_read", "POST", "/notifications/read", "302 302 302 302 302 302 302"),
    Case("challenges.new", "GET", "/challenges/new", "302 403 403 200 200 403 403"),
    Case("challenges.new", "POST", "/challenges/new", "302 403 403 422 422 403 403"),
    Case("challenges.show", "GET", "/challenges/{challenge}", same("200")),
    Case("challenges.show", "GET", "/challenges/{draft}", "404 404 404 200 404 404 200"),
    Case("challenges.edit", "GET", "/challenges/{draft}/edit", "302 404 404 200 404 404 403"),
    Case("challenges.edit", "POST", "/challenges/{challenge}/edit", "302 403 403 422 403 403 403"),
    Case("challenges.change_status", "POST", "/challenges/{draft}/publish", "302 404 404 302 404 404 403"),
    Case("challenges.assign_consultant", "POST", "/challenges/{challenge}/consultants", "302 403 403 302 403 403 403",
         (("organisation_id", "{consultancy_id}"),)),
    Case("challenges.remove_consultant", "POST", "/challenges/{challenge}/consultants/{consultancy_id}/remove",
         "302 403 403 302 403 403 403"),
    Case("challenges.change_status", "POST", "/challenges/{challenge}/close", "302 403 403 302 403 403 302"),
    Case("mail_admin.failed", "GET", "/admin/mail", "302 403 403 403 403 403 200"),
    Case("mail_admin.requeue", "POST", "/admin/mail/999999/requeue", "302 403 403 403 403 403 404"),
]


def build_references(app, world, outbox):
    """The objects the table's paths name, created in the test's own database."""
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
        refs["alert_id"] = alert_services.create_alert(db.session.get(User, world["company"]), "flood").id
        account_services.invite(db.session.get(User, world["company"]), "invitee@example.org")
        account_services.request_password_reset("company@example.org")
        db.session.commit()
    links = [re.search(r"http://localhost(\S+)", message.get_content()).group(1) for message in outbox()]
    refs["invitation_token"] = next(link for link in links if "/invitations/" in link).rsplit("/", 1)[1]
    refs["reset_token"] = next(link for link in links if "/password/reset/" in link).rsplit("/", 1)[1]
    return refs


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_role_table(app, client, world, outbox, case, persona):
    refs = build_references(app, world, outbox)
    if persona != "anonymous":
        log_in(app, client, world[persona])
    path = case.path.format(**refs)
    endpoint, _args = app.url_map.bind("localhost").match(path.split("?")[0], method=case.method)
    assert endpoint == case.endpoint, "the table names the wrong endpoint for this path"
    response = client.open(path, method=case.method, data={k: v.format(**refs) for k, v in case.data})
    expected = int(case.expected.split()[PERSONAS.index(persona)])
    assert response.status_code == expected, f"{persona}: {case}"


def test_every_route_is_in_the_table(app):
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              for method in rule.methods - {"HEAD", "OPTIONS"} if rule.endpoint not in IGNORED_ENDPOINTS}
    covered = {(case.endpoint, case.method) for case in CASES}
    assert routes - covered == set(), "routes without an entry in the role table"
    assert covered - routes == set(), "entries for routes that do not exist"

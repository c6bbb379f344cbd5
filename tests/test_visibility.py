"""One rule for who may see a record: pages, listings, search, matching and the command line agree with it.

Every record state meets every role: solutions published or archived by verified, pending and rejected
companies; challenges drafted, upcoming, open, past their closing day and closed, by verified, pending and
rejected cities; organisations in every verification state; seen by nobody signed in, a member of the
owner, another company, another city, a consultancy assigned to every challenge and one that is not, and
an administrator.
"""
import json
import re
from datetime import date, timedelta

import pytest

from portal.accounts.models import User
from portal.challenges import services as challenge_services
from portal.challenges.models import Challenge, ChallengeConsultant
from portal.extensions import db
from portal.model_types import utcnow
from portal.organisations import services as organisation_services
from portal.organisations.models import Organisation
from portal.search.documents import load_documents
from portal.solutions import services as solution_services
from portal.solutions.models import Solution

from . import factories
from .conftest import log_in

TODAY = date.today()
KINDS = {Solution: "solution", Challenge: "challenge", Organisation: "organisation"}
CAN_VIEW = {Solution: solution_services.can_view, Challenge: challenge_services.can_view,
            Organisation: organisation_services.can_view}
CHALLENGE_STATES = {
    "draft": {"status": Challenge.DRAFT},
    "upcoming": {"opens": TODAY + timedelta(days=10), "closes": TODAY + timedelta(days=40)},
    "open": {},
    "past its closing day": {"opens": TODAY - timedelta(days=60), "closes": TODAY - timedelta(days=30)},
    "closed": {"status": Challenge.CLOSED},
}
# Every record shares these words, so one search finds them all and matching pairs them all.
SOLUTION_TEXT = {"summary": "Kelp sensors measure harbour water quality for the city.",
                 "sectors": ["environment"], "countries": ["KR"], "tags": ["kelp"]}
CHALLENGE_TEXT = {"summary": "Harbour water quality: kelp sensors wanted.", "sectors": ["environment"],
                  "problem": "The harbour water quality is unknown; kelp sensors could measure it.",
                  "outcomes": "Kelp sensors report harbour water quality."}


def may_see(viewer, record):
    """The rule as people state it: anyone sees a verified organisation, a published solution of a verified
    company and a challenge of a verified city once it is no longer a draft; members of the owner see every
    record of their own, and administrators see everything. Assigning a consultancy does not widen it."""
    if viewer is not None and viewer.is_admin:
        return True
    owner = record if isinstance(record, Organisation) else record.organisation
    if viewer is not None and viewer.organisation_id == owner.id:
        return True
    if owner.verification != Organisation.VERIFIED:
        return False
    if isinstance(record, Solution):
        return record.status == Solution.PUBLISHED
    if isinstance(record, Challenge):
        return record.status != Challenge.DRAFT
    return True


class StateWorld:
    """Organisations in every state, each with one member, and records in every state."""

    def __init__(self):
        self.labels = {}  # (kind, key) -> what the record is, for failure messages
        self.owners = {}  # (kind, key) -> the name of the organisation that owns it
        companies = {"verified company": Organisation.VERIFIED, "other company": Organisation.VERIFIED,
                     "pending company": Organisation.PENDING, "rejected company": Organisation.REJECTED}
        cities = {"verified city": Organisation.VERIFIED, "other city": Organisation.VERIFIED,
                  "pending city": Organisation.PENDING, "rejected city": Organisation.REJECTED}
        consultancies = {"assigned consultancy": Organisation.VERIFIED,
                         "unassigned consultancy": Organisation.VERIFIED,
                         "pending consultancy": Organisation.PENDING}
        self.organisations = {}
        for kind, states in (("company", companies), ("city", cities), ("consultancy", consultancies)):
            for name, state in states.items():
                organisation = factories.organisation(kind, verified=False, name=name.title(), country="KR",
                                                      description="Kelp sensors for harbour water quality.")
                organisation.verification = state
                self.organisations[name] = organisation
        for name, organisation in self.organisations.items():
            self._label(organisation, name)
        self.viewers = {"anonymous": None, "admin": factories.user(None, is_admin=True)}
        for name, organisation in self.organisations.items():
            self.viewers[f"member of {name}"] = factories.user(organisation)
        for name in ("verified company", "pending company", "rejected company"):
            for status in (Solution.PUBLISHED, Solution.ARCHIVED):
                self._label(factories.solution(self.organisations[name], status=status,
                                               title=f"Kelp sensor, {status}, of the {name}", **SOLUTION_TEXT),
                            f"solution {status} of the {name}")
        self._label(factories.solution(self.organisations["other company"], title="Kelp buoy", **SOLUTION_TEXT),
                    "solution published of the other company")
        for name in ("verified city", "pending city", "rejected city"):
            for state, fields in CHALLENGE_STATES.items():
                challenge = factories.challenge(self.organisations[name], title=f"Kelp watch, {state}, in the {name}",
                                                **dict(CHALLENGE_TEXT, **fields))
                if state == "closed":
                    challenge.closed_at = utcnow()
                self._label(challenge, f"challenge {state} of the {name}")
        self._label(factories.challenge(self.organisations["other city"], title="Kelp census", **CHALLENGE_TEXT),
                    "challenge open of the other city")
        for challenge in db.session.scalars(db.select(Challenge)):
            challenge.consultants.append(ChallengeConsultant(organisation=self.organisations["assigned consultancy"]))

    def _label(self, record, label):
        self.labels[(KINDS[type(record)], record.key)] = label
        owner = record if isinstance(record, Organisation) else record.organisation
        self.owners[(KINDS[type(record)], record.key)] = next(
            name for name, organisation in self.organisations.items() if organisation is owner)


@pytest.fixture
def states(app):
    """The viewers' ids, what each record is and who owns it, and what the rule lets each viewer see."""
    with app.test_request_context():
        built = StateWorld()
        db.session.commit()
        return {"viewers": {name: user and user.id for name, user in built.viewers.items()},
                "labels": built.labels, "owners": built.owners, "sees": rule_table(built.labels),
                "organisations": {name: organisation.key for name, organisation in built.organisations.items()}}


def rule_table(labels):
    """{viewer name: labels of the records the rule lets the viewer see}, as the database holds them now."""
    loaded = [record for model in KINDS for record in db.session.scalars(db.select(model))]
    return {name: {labels[(KINDS[type(record)], record.key)] for record in loaded if may_see(viewer, record)}
            for name, viewer in _viewers().items()}


def _viewers():
    """{viewer name: the user (None for anonymous)}; members are named after their organisation."""
    users = db.session.scalars(db.select(User)).all()
    named = {"anonymous": None}
    for user in users:
        named["admin" if user.is_admin else f"member of {user.organisation.name.lower()}"] = user
    return named


def expected(states, viewer_name, kind=None, owner=None):
    """Labels of the records (of `kind`, owned by `owner`) that the rule lets the viewer see."""
    refs = {label: ref for ref, label in states["labels"].items()}
    return {label for label in states["sees"][viewer_name]
            if (kind is None or refs[label][0] == kind) and (owner is None or states["owners"][refs[label]] == owner)}


# Roles that meet every record as someone outside it; every other viewer is the member of one organisation
# and meets its own records (how an outsider in another state sees a record is in can_view's full matrix).
OUTSIDERS = ("anonymous", "admin", "member of other company", "member of other city",
             "member of assigned consultancy", "member of unassigned consultancy")


def meets(viewer_name, owner_name):
    """Whether the page test opens records of `owner_name` as `viewer_name`."""
    return viewer_name in OUTSIDERS or viewer_name == f"member of {owner_name}"


def client_for(app, states, viewer_name):
    client = app.test_client()
    if states["viewers"][viewer_name] is not None:
        log_in(app, client, states["viewers"][viewer_name])
    return client


LINK = re.compile(r'href="/(solution|challenge|organisation)s/([^"/?]+)"')


def linked(states, page, kind):
    """Labels of the records of `kind` a page links to."""
    return {states["labels"][(found, key)] for found, key in LINK.findall(page)
            if found == kind and (found, key) in states["labels"]}


def test_every_page_answers_as_the_rule_says(app, states):
    with app.test_request_context():
        loaded = [record for model in KINDS for record in db.session.scalars(db.select(model))]
        python = {name: {states["labels"][(KINDS[type(record)], record.key)] for record in loaded
                         if CAN_VIEW[type(record)](viewer, record)} for name, viewer in _viewers().items()}
    everything = set(states["labels"].values())
    for name in states["viewers"]:
        rule = expected(states, name)
        assert python[name] == rule, f"can_view for {name} differs on {sorted(python[name] ^ rule)}"
        assert (rule == everything) is (name == "admin"), name
        client = client_for(app, states, name)
        met = [ref for ref, owner in states["owners"].items() if meets(name, owner)]
        answers = {ref: client.get(f"/{ref[0]}s/{ref[1]}").status_code for ref in met}
        assert set(answers.values()) <= {200, 404}, name
        opened = {states["labels"][ref] for ref, status in answers.items() if status == 200}
        should = rule & {states["labels"][ref] for ref in met}
        assert opened == should, f"{name} opens {sorted(opened ^ should)} against the rule"


def test_public_listings_show_what_anyone_may_see(client, states):
    public = {kind: expected(states, "anonymous", kind) for kind in KINDS.values()}
    assert linked(states, client.get("/solutions").get_data(as_text=True), "solution") == public["solution"]
    assert linked(states, client.get("/organisations").get_data(as_text=True), "organisation") == public["organisation"]
    phases = [linked(states, client.get(f"/challenges?phase={phase}").get_data(as_text=True), "challenge")
              for phase in challenge_services.PHASES]
    assert set().union(*phases) == public["challenge"]
    assert sum(map(len, phases)) == len(public["challenge"])  # each in one phase


def test_organisation_pages_and_dashboards_list_what_the_viewer_may_see(app, states):
    for viewer in states["viewers"]:
        client = client_for(app, states, viewer)
        for organisation, key in states["organisations"].items():
            # An organisation's label is its name.
            if organisation in expected(states, viewer, "organisation") and meets(viewer, organisation):
                page = client.get(f"/organisations/{key}").get_data(as_text=True)
                for kind in ("solution", "challenge"):
                    assert linked(states, page, kind) == expected(states, viewer, kind, organisation), (
                        viewer, organisation, kind)
        if viewer in ("anonymous", "admin"):
            continue
        dashboard = client.get("/dashboard").get_data(as_text=True)
        own = viewer.removeprefix("member of ")
        if "company" in viewer:
            assert linked(states, dashboard, "solution") == expected(states, viewer, "solution", own), viewer
        elif "city" in viewer:
            assert linked(states, dashboard, "challenge") == expected(states, viewer, "challenge", own), viewer
        else:
            facilitated = expected(states, viewer, "challenge") if viewer == "member of assigned consultancy" else set()
            assert linked(states, dashboard, "challenge") == facilitated, viewer


def test_search_finds_what_the_viewer_may_see(app, runner, states):
    with app.test_request_context():
        indexed = {states["labels"][(kind, document.key)] for kind in KINDS.values()
                   for document in load_documents(db.session, kind) if document.public}
    assert indexed == expected(states, "anonymous")  # the index's public flag is the rule for nobody signed in
    for viewer in states["viewers"]:
        client = client_for(app, states, viewer)
        for kind in KINDS.values():
            page = client.get(f"/search?q=kelp&kind={kind}").get_data(as_text=True)
            assert linked(states, page, kind) == expected(states, viewer, kind), (viewer, kind)
    found = json.loads(runner.invoke(args=["search", "kelp", "--json", "--limit", "100"]).output)
    assert {states["labels"][(row["kind"], row["key"])] for row in found} == expected(states, "anonymous")


def test_matching_offers_only_what_anyone_may_see(app, runner, states):
    public_solutions = expected(states, "anonymous", "solution")
    with app.test_request_context():
        now = utcnow()
        challenges = db.session.scalars(db.select(Challenge)).all()
        fitting = {states["labels"][("challenge", challenge.key)] for challenge in challenges
                   if challenge.phase(now) in ("open", "upcoming")} & expected(states, "anonymous", "challenge")
        challenge_keys = [challenge.key for challenge in challenges]
    assert len(public_solutions) == 2 and len(fitting) == 3
    for key in challenge_keys:
        rows = json.loads(runner.invoke(args=["match", key, "--json", "--limit", "200"]).output)
        assert {states["labels"][("solution", row["key"])] for row in rows} == public_solutions, key
    for company in ("verified company", "pending company", "rejected company"):
        dashboard = client_for(app, states, f"member of {company}").get("/dashboard").get_data(as_text=True)
        assert linked(states, dashboard, "challenge") == fitting, company
    # The city's own challenges past their draft; every challenge the assigned consultancy may open.
    for viewer, pages_with_matches in (("member of verified city", 4), ("member of assigned consultancy", 5)):
        client, shown = client_for(app, states, viewer), 0
        for key in challenge_keys:
            page = client.get(f"/challenges/{key}").get_data(as_text=True)
            if "Solutions that fit this challenge" in page:
                assert linked(states, page, "solution") == public_solutions, (viewer, key)
                shown += 1
        assert shown == pages_with_matches, viewer


def test_the_paths_still_agree_after_records_change_state(app, states):
    with app.test_request_context():
        organisations = {name: db.session.scalar(db.select(Organisation).filter_by(key=key))
                         for name, key in states["organisations"].items()}
        organisations["pending city"].verification = Organisation.VERIFIED
        organisations["verified company"].verification = Organisation.REJECTED
        organisations["rejected company"].verification = Organisation.VERIFIED
        for solution in db.session.scalars(db.select(Solution).filter_by(
                organisation_id=organisations["rejected company"].id)):
            solution.status = Solution.PUBLISHED
        db.session.commit()
        states["sees"] = rule_table(states["labels"])
    assert "challenge draft of the pending city" not in expected(states, "anonymous")
    assert "challenge open of the pending city" in expected(states, "anonymous")
    assert "solution archived of the rejected company" in expected(states, "anonymous")
    assert "solution published of the verified company" not in expected(states, "anonymous")
    for viewer in ("anonymous", "member of other city", "member of verified company"):
        client = client_for(app, states, viewer)
        for kind in KINDS.values():
            page = client.get(f"/search?q=kelp&kind={kind}").get_data(as_text=True)
            assert linked(states, page, kind) == expected(states, viewer, kind), (viewer, kind)
            opened = {label for (found, key), label in states["labels"].items()
                      if found == kind and client.get(f"/{kind}s/{key}").status_code == 200}
            assert opened == expected(states, viewer, kind), (viewer, kind)
    listing = client_for(app, states, "anonymous").get("/solutions").get_data(as_text=True)
    assert linked(states, listing, "solution") == expected(states, "anonymous", "solution")


# ---------------------------------------------------------------- inside a workspace

def inside_workspace_paths(workspace):
    """{what: path} for the pages and records inside `workspace`, one of each kind."""
    from portal.discussions.models import Post
    from portal.documents.models import Document
    from portal.workspace_files.models import WorkspaceFile

    base = f"/workspaces/{workspace.id}"
    paths = {"files page": f"{base}/files", "threads page": f"{base}/threads"}
    for item in db.session.scalars(db.select(WorkspaceFile).where(WorkspaceFile.workspace_id == workspace.id)):
        paths["file"] = f"{base}/files/{item.id}"
    for post in db.session.scalars(db.select(Post).where(Post.workspace_id == workspace.id)):
        paths["thread"] = f"{base}/threads/{post.thread_id}"
    paths["documents page"] = f"{base}/documents"
    for document in db.session.scalars(db.select(Document).where(Document.workspace_id == workspace.id)):
        paths["document"] = f"{base}/documents/{document.id}"
        paths["revision"] = f"{base}/documents/{document.id}/revisions/1"
    return paths


def fill_workspace(workspace, author):
    """One record of each kind inside `workspace`, written by `author`."""
    import io

    from werkzeug.datastructures import FileStorage

    from portal.discussions import services as discussions
    from portal.documents import services as documents
    from portal.workspace_files import services as workspace_files

    workspace_files.add(author, workspace, FileStorage(io.BytesIO(b"kelp,level\n1,2\n"), filename="kelp.csv"))
    discussions.start_thread(author, workspace, {"title": "Kelp levels", "body": "Rising **fast**."})
    documents.create(author, workspace, {"title": "Kelp sensor requirements", "body": "# Must\n\nMeasure kelp."})


def test_inside_a_workspace_members_see_everything_and_nobody_else_anything(app, states):
    """A workspace in every stage, of the verified city with the verified company and the assigned consultancy:
    its members open every page and record inside it; every other viewer, administrators included, gets a 404
    for each, and the models' rule says the same."""
    from portal.discussions.models import Post, Thread
    from portal.documents.models import Document, DocumentRevision
    from portal.workspace_files.models import WorkspaceFile
    from portal.workspaces.models import STAGES, Workspace

    with app.test_request_context():
        organisations = {name: db.session.scalar(db.select(Organisation).filter_by(key=key))
                         for name, key in states["organisations"].items()}
        members = ("verified city", "verified company", "assigned consultancy")
        author = db.session.scalar(db.select(User).where(User.organisation_id == organisations["verified company"].id))
        paths, workspace_ids = {}, []
        for stage in STAGES:
            challenge = factories.challenge(organisations["verified city"], title=f"Kelp room, {stage}")
            workspace = factories.workspace(challenge, [organisations["verified company"]],
                                            organisations["assigned consultancy"], stage=stage)
            fill_workspace(workspace, author)
            workspace_ids.append(workspace.id)
            paths.update({f"{what} in {stage}": path for what, path in inside_workspace_paths(workspace).items()})
        db.session.commit()
        assert len(paths) == 7 * len(STAGES)
        for name, viewer in _viewers().items():
            member = name in {f"member of {organisation}" for organisation in members}
            for model in (Workspace, WorkspaceFile, Thread, Post, Document, DocumentRevision):
                seen = db.session.scalar(db.select(db.func.count()).select_from(model).where(model.visible_to(viewer)))
                assert seen == (len(STAGES) if member else 0), (name, model.__name__)
    for name in states["viewers"]:
        client = client_for(app, states, name)
        member = name in {f"member of {organisation}" for organisation in members}
        for what, path in paths.items():
            status = client.get(path).status_code
            wanted = 200 if member else (302 if name == "anonymous" else 404)
            assert status == wanted, f"{name} opens {what}: {status}"

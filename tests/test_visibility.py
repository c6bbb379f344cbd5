"""One rule for who may see a record: pages, listings, search, matching and the command line agree with it.

Every record state meets every role: solutions published or archived by verified, pending and rejected
companies; challenges drafted, upcoming, open, past their closing day and closed, by verified, pending and
rejected cities; organisations in every verification state; seen by nobody signed in, a member of the
owner, another company, another city, a consultancy assigned to every challenge and one that is not, and
an administrator. At the end, workspaces and the records inside them meet everyone who might look in.
"""
import json
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

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
    return client_for_id(app, states["viewers"][viewer_name])


def client_for_id(app, user_id):
    """A test client, logged in as the user unless `user_id` is None."""
    client = app.test_client()
    if user_id is not None:
        log_in(app, client, user_id)
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


# ---------------------------------------------------------------- proposals

PROPOSAL_STATES = ("draft", "submitted", "withdrawn", "shortlisted", "declined")
PROPOSAL_VIEWERS = ("lead", "invited partner", "confirmed partner", "declined partner", "city owner", "other city",
                    "assigned consultancy", "other consultancy", "admin", "anonymous")


def may_see_proposal(viewer, status):
    """The rule as people state it: the lead and confirmed partners in every state; the city that owns the
    challenge and the consultancy assigned to it once the proposal was sent; nobody else, administrators
    and partners who are only invited or who declined included."""
    if viewer in ("lead", "confirmed partner"):
        return True
    return viewer in ("city owner", "assigned consultancy") and status != "draft"


@pytest.fixture
def proposal_states(app):
    """One proposal in each state, each for its own challenge of one city, each with an invited, a confirmed
    and a declined partner (a consultancy among them); the viewers' ids."""
    from portal.proposals.models import Proposal  # noqa: F401 (the factory builds it)

    with app.test_request_context():
        orgs = {"lead": factories.organisation("company", name="Lead Sensing"),
                "invited partner": factories.organisation("company", name="Invited Works"),
                "confirmed partner": factories.organisation("company", name="Confirmed Local"),
                "declined partner": factories.organisation("consultancy", name="Declined Advisers"),
                "city owner": factories.organisation("city", name="Owner City"),
                "other city": factories.organisation("city", name="Other Town"),
                "assigned consultancy": factories.organisation("consultancy", name="Assigned Facilitators"),
                "other consultancy": factories.organisation("consultancy", name="Other Facilitators")}
        viewers = {name: factories.user(organisation).id for name, organisation in orgs.items()}
        viewers["admin"] = factories.user(None, is_admin=True).id
        viewers["anonymous"] = None
        proposals, challenges = {}, {}
        for status in PROPOSAL_STATES:
            challenge = factories.challenge(orgs["city owner"], title=f"Kelp harbour, {status}")
            challenge.consultants.append(ChallengeConsultant(organisation=orgs["assigned consultancy"]))
            proposal = factories.proposal(challenge, orgs["lead"], status=status, title=f"Zebrafish plan {status}",
                                          partners=[(orgs["invited partner"], "invited"),
                                                    (orgs["confirmed partner"], "confirmed"),
                                                    (orgs["declined partner"], "declined")])
            proposals[status], challenges[status] = proposal.id, challenge.key
        db.session.commit()
        invitations = {name: {status: next(partner.id for partner in db.session.get(Proposal, id).partners
                                           if partner.organisation_id == orgs[name].id)
                              for status, id in proposals.items()}
                       for name in ("invited partner", "confirmed partner", "declined partner")}
    return {"viewers": viewers, "proposals": proposals, "challenges": challenges, "invitations": invitations}


PROPOSAL_LINK = re.compile(r'href="/proposals/(\d+)"')


def proposal_client(app, states, viewer):
    client = app.test_client()
    if states["viewers"][viewer] is not None:
        log_in(app, client, states["viewers"][viewer])
    return client


def test_every_proposal_path_answers_as_the_rule_says(app, proposal_states):
    from portal.proposals.models import Proposal

    states = proposal_states
    by_id = {id: status for status, id in states["proposals"].items()}
    for viewer in PROPOSAL_VIEWERS:
        should = {status for status in PROPOSAL_STATES if may_see_proposal(viewer, status)}
        with app.test_request_context():
            user = db.session.get(User, states["viewers"][viewer]) if states["viewers"][viewer] else None
            python = {status for status, id in states["proposals"].items()
                      if db.session.get(Proposal, id).is_visible_to(user)}
            listed = {by_id[id] for id in db.session.scalars(db.select(Proposal.id).where(Proposal.visible_to(user)))}
        assert python == should and listed == should, viewer
        client = proposal_client(app, states, viewer)
        pages = {status: client.get(f"/proposals/{id}").status_code for status, id in states["proposals"].items()}
        expected_pages = {status: (200 if status in should else 302 if viewer == "anonymous" else 404)
                          for status in PROPOSAL_STATES}
        assert pages == expected_pages, viewer
        if viewer != "anonymous":
            dashboard = client.get("/dashboard").get_data(as_text=True)
            on_dashboard = {by_id[int(id)] for id in PROPOSAL_LINK.findall(dashboard) if int(id) in by_id}
            # The consortium's own dashboards list its proposals; the city and consultancy find them on the
            # challenge's list instead.
            assert on_dashboard == (should if viewer in ("lead", "confirmed partner") else set()), viewer
        lists = set()
        for status, key in states["challenges"].items():
            response = client.get(f"/challenges/{key}/proposals")
            assert response.status_code == (200 if viewer in ("city owner", "assigned consultancy")
                                            else 302 if viewer == "anonymous" else 403), (viewer, status)
            lists |= {by_id[int(id)] for id in PROPOSAL_LINK.findall(response.get_data(as_text=True))
                      if int(id) in by_id}
        assert lists == (should if viewer in ("city owner", "assigned consultancy") else set()), viewer
        found = client.get("/search?q=zebrafish").get_data(as_text=True)
        assert not PROPOSAL_LINK.search(found), viewer  # proposals are never in the search index
        for partner, ids in states["invitations"].items():
            for status, partner_id in ids.items():
                answer = client.get(f"/proposals/invitations/{partner_id}").status_code
                assert answer == (200 if viewer == partner else 302 if viewer == "anonymous" else 404), (
                    viewer, partner, status)


def test_notes_and_notices_reach_only_those_the_rule_lets_see(app, proposal_states):
    from portal.notifications.models import Notification
    from portal.proposals import services as proposal_services
    from portal.proposals.models import Proposal

    states = proposal_states
    viewers = states["viewers"]
    with app.test_request_context():
        draft = db.session.get(Proposal, states["proposals"]["draft"])
        proposal_services.submit(db.session.get(User, viewers["lead"]), draft)
        proposal_services.add_note(db.session.get(User, viewers["city owner"]), draft, "Zebrafish looks costly.")
        proposal_services.decline(db.session.get(User, viewers["city owner"]), draft, "Costly.")
        db.session.commit()
        notified = {kind: {name for name, id in viewers.items() if id in set(db.session.scalars(
            db.select(Notification.user_id).where(Notification.kind == kind, Notification.record_id == draft.id)))}
            for kind in ("proposal_submitted", "proposal_declined")}
    assert notified == {"proposal_submitted": {"city owner"}, "proposal_declined": {"lead", "confirmed partner"}}
    for viewer in PROPOSAL_VIEWERS:
        page = proposal_client(app, states, viewer).get(f"/proposals/{states['proposals']['draft']}")
        assert ("Zebrafish looks costly." in page.get_data(as_text=True)) is (viewer == "city owner"), viewer


def test_an_invited_partner_sees_the_proposal_once_it_confirms(app, proposal_states):
    from portal.proposals import services as proposal_services
    from portal.proposals.models import ConsortiumPartner

    states = proposal_states
    client = proposal_client(app, states, "invited partner")
    draft = states["proposals"]["draft"]
    assert client.get(f"/proposals/{draft}").status_code == 404
    with app.test_request_context():
        partner = db.session.get(ConsortiumPartner, states["invitations"]["invited partner"]["draft"])
        proposal_services.answer_invitation(db.session.get(User, states["viewers"]["invited partner"]), partner, True)
        db.session.commit()
    assert client.get(f"/proposals/{draft}").status_code == 200
    assert f'href="/proposals/{draft}"' in client.get("/dashboard").get_data(as_text=True)
    # The city still does not see a draft, whoever joined it.
    assert proposal_client(app, states, "city owner").get(f"/proposals/{draft}").status_code == 404


def test_a_proposals_attachments_follow_its_rule_and_only_its_address(app, proposal_states):
    """Each proposal holds one attachment: whoever sees the proposal downloads it, under that proposal's address
    only; the listing and every other address agree with the rule."""
    import io

    from werkzeug.datastructures import FileStorage

    from portal.files import services as files
    from portal.proposals.models import Proposal, ProposalAttachment

    states = proposal_states
    attachments = {}
    with app.test_request_context():
        lead = db.session.get(User, states["viewers"]["lead"])
        for status, proposal_id in states["proposals"].items():
            stored = files.store(FileStorage(io.BytesIO(b"kelp,level\n1,2\n"), filename=f"{status}.csv"), lead)
            item = ProposalAttachment(proposal=db.session.get(Proposal, proposal_id), stored_file=stored)
            db.session.add(item)
            db.session.flush()
            attachments[status] = item.id
        db.session.commit()
    by_id = {id: status for status, id in attachments.items()}
    for viewer in PROPOSAL_VIEWERS:
        should = {status for status in PROPOSAL_STATES if may_see_proposal(viewer, status)}
        with app.test_request_context():
            user = db.session.get(User, states["viewers"][viewer]) if states["viewers"][viewer] else None
            listed = {by_id[id] for id in db.session.scalars(
                db.select(ProposalAttachment.id).where(ProposalAttachment.visible_to(user)))}
        assert listed == should, viewer
        client = proposal_client(app, states, viewer)
        for status, proposal_id in states["proposals"].items():
            for other, attachment_id in attachments.items():
                response = client.get(f"/proposals/{proposal_id}/attachments/{attachment_id}")
                wanted = (302 if viewer == "anonymous" else 200 if status == other and status in should else 404)
                assert response.status_code == wanted, (viewer, status, other)
                response.close()


# ---------------------------------------------------------------- workspaces and the records inside them

WORKSPACE_TABS = ("", "/gates", "/members", "/fit", "/investment", "/milestones", "/decisions", "/meetings",
                  "/activity")


class WorkspaceWorld:
    """Two workspaces of one city in different states, and everyone who might try to look inside.

    "open room": an open challenge's workspace in the define stage with the invited company and the facilitating
    consultancy; a shortlisted company that was never invited, and one that was invited and then removed.
    "ready room": a closed challenge's workspace at ready-to-tender with another company and no facilitator.
    Each holds one record of every kind that lives inside a workspace.
    """

    def __init__(self):
        from portal.workspaces import services as workspace_services
        from portal.workspaces.models import (
            ActionItem,
            Decision,
            FitAnswer,
            FitItem,
            InvestmentDecision,
            MeetingNote,
            Milestone,
        )

        names = {"city": "city", "other city": "city", "invited company": "company", "ready company": "company",
                 "uninvited company": "company", "removed company": "company",
                 "facilitator consultancy": "consultancy", "assigned consultancy": "consultancy"}
        self.organisations = {name: factories.organisation(kind, name=name.title()) for name, kind in names.items()}
        self.viewers = {"anonymous": None, "admin": factories.user(None, is_admin=True)}
        for name, organisation in self.organisations.items():
            self.viewers[f"member of {name}"] = factories.user(organisation)
        org = self.organisations
        open_challenge = factories.challenge(org["city"], title="Kelp rooms, open")
        ready_challenge = factories.challenge(org["city"], title="Kelp rooms, closed", status=Challenge.CLOSED)
        open_challenge.consultants.append(ChallengeConsultant(organisation=org["assigned consultancy"]))
        for company in ("invited company", "uninvited company", "removed company"):
            factories.shortlisted(open_challenge, org[company])
        factories.shortlisted(ready_challenge, org["ready company"])
        self.rooms = {
            "open room": factories.workspace(open_challenge, [org["invited company"], org["removed company"]],
                                             org["facilitator consultancy"], stage="define"),
            "ready room": factories.workspace(ready_challenge, [org["ready company"]], stage="ready-to-tender"),
        }
        city_person = self.viewers["member of city"]
        workspace_services.remove_member(city_person, self.rooms["open room"], org["removed company"].id)
        self.members = {"open room": {"city", "invited company", "facilitator consultancy"},
                        "ready room": {"city", "ready company"}}
        self.inside = [FitItem, FitAnswer, InvestmentDecision, Milestone, Decision, MeetingNote, ActionItem]
        for room_name, room in self.rooms.items():
            company = next(name for name in self.members[room_name] if name.endswith("company"))
            item = FitItem(workspace_id=room.id, category="system", title=f"Kelp platform of the {room_name}",
                           created_by_id=city_person.id)
            meeting = MeetingNote(workspace_id=room.id, held_on=TODAY, attendees="All", notes="Kelp talk",
                                  recorded_by_id=city_person.id)
            db.session.add_all([item, meeting, Milestone(
                workspace_id=room.id, title="Kelp pilot", due_on=TODAY, owner_organisation_id=org["city"].id,
                created_by_id=city_person.id), Decision(
                workspace_id=room.id, title="Kelp", decision="Go", decided_by="City", decided_on=TODAY,
                recorded_by_id=city_person.id), InvestmentDecision(
                workspace_id=room.id, budget_line="Kelp", amount=1, currency="EUR", funding_source="City",
                procurement_model="bto", approved_by_name="Mayor", approved_by_role="Mayor", approved_on=TODAY,
                recorded_by_id=city_person.id)])
            db.session.flush()
            db.session.add_all([FitAnswer(workspace_id=room.id, item_id=item.id, organisation_id=org[company].id,
                                          verdict="fits", how="Kelp API", answered_by_id=city_person.id),
                                ActionItem(workspace_id=room.id, meeting_id=meeting.id, description="Kelp",
                                           owner_id=city_person.id, due_on=TODAY)])
            workspace_services.record_activity(room, city_person, "decision_logged", {"title": "Kelp"})


@pytest.fixture
def rooms(app):
    with app.test_request_context():
        built = WorkspaceWorld()
        db.session.commit()
        return {"viewers": {name: user and user.id for name, user in built.viewers.items()},
                "rooms": {name: room.id for name, room in built.rooms.items()},
                "challenges": {name: room.challenge.key for name, room in built.rooms.items()},
                "members": built.members, "inside": built.inside}


def may_enter(viewer_name, members):
    """The rule as people state it: the people of a workspace's current member organisations, nobody else
    (administrators, assigned consultancies, shortlisted or removed companies included)."""
    return viewer_name.removeprefix("member of ") in members


def test_workspaces_and_everything_inside_show_to_their_members_only(app, rooms):
    for viewer, user_id in rooms["viewers"].items():
        client = client_for_id(app, user_id)
        entered = {room for room, members in rooms["members"].items() if may_enter(viewer, members)}
        for room, room_id in rooms["rooms"].items():
            for tab in WORKSPACE_TABS:
                status = client.get(f"/workspaces/{room_id}{tab}").status_code
                assert status == (200 if room in entered else 302 if user_id is None else 404), (viewer, room, tab)
        if user_id is None:
            continue
        listing = client.get("/workspaces").get_data(as_text=True)
        dashboard = client.get("/dashboard").get_data(as_text=True)
        for room, room_id in rooms["rooms"].items():
            for page, where in ((listing, "listing"), (dashboard, "dashboard")):
                assert (f'href="/workspaces/{room_id}"' in page) is (room in entered), (viewer, room, where)
            challenge_page = client.get(f"/challenges/{rooms['challenges'][room]}").get_data(as_text=True)
            assert ("Go to the workspace" in challenge_page) is (room in entered), (viewer, room)
        assert "Kelp platform" not in client.get("/search?q=kelp").get_data(as_text=True), viewer


def test_records_inside_a_workspace_follow_its_membership(app, rooms):
    from portal.workspaces.models import Workspace

    with app.test_request_context():
        for viewer, user_id in rooms["viewers"].items():
            user = db.session.get(User, user_id) if user_id else None
            entered = {rooms["rooms"][room] for room, members in rooms["members"].items()
                       if may_enter(viewer, members)}
            assert set(db.session.scalars(select(Workspace.id).where(Workspace.visible_to(user)))) == entered, viewer
            for model in rooms["inside"]:
                seen = set(db.session.scalars(select(model.workspace_id).where(model.visible_to(user))))
                assert seen == entered, (viewer, model.__name__)
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


# ---------------------------------------------------------------- sealed bids

BID_STATES = ("submitted before the opening", "withdrawn before the opening", "submitted and opened",
              "withdrawn and opened", "submitted and awarded")
BID_VIEWERS = ("bidder", "other company", "buying city", "other city", "consultancy", "admin", "anonymous")


def may_see_bid(viewer, state):
    """The rule as people state it: the bidder in every state; the buying city once it opened the tender, and
    then only bids that were not withdrawn; nobody else, administrators included."""
    if viewer == "bidder":
        return True
    return viewer == "buying city" and state.startswith("submitted") and "opening" not in state


def test_a_bid_shows_to_its_bidder_and_to_the_buying_city_only_once_opened(app):
    from datetime import timedelta

    from portal.bids import services as bid_services
    from portal.bids.models import Award, Bid
    from portal.tenders.models import Tender

    with app.test_request_context():
        orgs = {"bidder": factories.organisation("company", name="Kelp Bidder"),
                "other company": factories.organisation("company", name="Kelp Rival"),
                "buying city": factories.organisation("city", name="Kelp City"),
                "other city": factories.organisation("city", name="Kelp Town"),
                "consultancy": factories.organisation("consultancy", name="Kelp Advisers")}
        people = {name: factories.user(organisation) for name, organisation in orgs.items()}
        people["admin"], people["anonymous"] = factories.user(None, is_admin=True), None
        earlier = utcnow() - timedelta(days=10)
        bids = {}
        for state in BID_STATES:
            tender = factories.tender_for_bids(orgs["buying city"], people["buying city"], title=f"Kelp {state}",
                                               now=earlier)
            responses = {criterion.id: "Nautilus floats." for criterion in tender.criteria}
            bid = bid_services.submit(people["bidder"], tender, tender.lots[0].id, {
                "price": 10, "partners": [], "responses": responses}, now=earlier + timedelta(days=1))
            if state.startswith("withdrawn"):
                bid_services.withdraw(people["bidder"], bid, now=earlier + timedelta(days=2))
            if "opening" not in state:
                bid_services.open_tender(people["buying city"], tender)
            if "awarded" in state:
                db.session.add(Award(tender_id=tender.id, lot_id=bid.lot_id, bid_id=bid.id, value=10, currency="EUR",
                                     organisation_id=bid.organisation_id, justification="Kelp.",
                                     decided_by_id=people["buying city"].id, standstill_ends_at=utcnow()))
                tender.status = Tender.AWARDED
            bids[state] = bid.id
        db.session.commit()
        viewers = {name: person.id if person else None for name, person in people.items()}
        for name in BID_VIEWERS:
            viewer = db.session.get(User, viewers[name]) if viewers[name] else None
            should = {state for state in BID_STATES if may_see_bid(name, state)}
            python = {state for state, id in bids.items() if db.session.get(Bid, id).is_visible_to(viewer)}
            listed = {state for state, id in bids.items()
                      if id in set(db.session.scalars(db.select(Bid.id).where(Bid.visible_to(viewer))))}
            assert python == should and listed == should, name
    for name in BID_VIEWERS:
        client = app.test_client()
        if viewers[name] is not None:
            log_in(app, client, viewers[name])
        should = {state for state in BID_STATES if may_see_bid(name, state)}
        pages = {state: client.get(f"/bids/{id}").status_code for state, id in bids.items()}
        assert pages == {state: 200 if state in should else 302 if name == "anonymous" else 404
                         for state in BID_STATES}, name
        found = client.get("/search?q=nautilus").get_data(as_text=True)
        assert "/bids/" not in found and "Nautilus floats" not in found, name  # bids are never indexed

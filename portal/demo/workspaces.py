"""Demo workspaces at different stages: Seoul's flood warnings ready to tender (in Korean, with a filled fit
table, an investment decision and its gate history), Copenhagen's V2G hubs in co-design, and Seoul's fall
detection just opened. Each is made once per challenge, so seeding again changes nothing."""
import json
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..accounts.models import User
from ..accounts.services import create_user
from ..challenges import services as challenges
from ..discussions.models import Post, Thread
from ..documents.models import Document, DocumentRevision
from ..extensions import db
from ..organisations import services as organisations
from ..proposals.models import Proposal
from ..workspaces.models import (
    ActionItem,
    Decision,
    FitAnswer,
    FitItem,
    GateDecision,
    InvestmentDecision,
    MeetingNote,
    Milestone,
    Workspace,
    WorkspaceMember,
)
from ..workspaces.services import record_activity

# People of member organisations that have no login of their own in the README's table.
PEOPLE = [("company@damsol.example", "이서연 (Lee Seoyeon)", "damsol-sensing", "ko"),
          ("company@haemil.example", "정하늘 (Jung Haneul)", "haemil-energy", "ko"),
          ("consultant@dolmaru.example", "최유진 (Choi Yujin)", "dolmaru-consulting", "ko")]

TEXTS_FILE = Path(__file__).parent / "workspaces.json"  # the demo's words, Korean ones first

def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def _ensure_people(password):
    for email, name, key, locale in PEOPLE:
        if _user(email) is None:
            create_user(email, name, password, organisation=organisations.get(key), locale=locale)


def _require_shortlisted(challenge, organisation):
    """A city opens a workspace with companies from its shortlist; the demo proposals must have put it there."""
    shortlist = set(db.session.scalars(Proposal.shortlisted_company_ids(challenge.id)))
    if organisation.id not in shortlist:
        raise RuntimeError(f"demo data: {organisation.key} is not on the shortlist of {challenge.key}")


def _at(day, hour, zone):
    return datetime.combine(day, time(hour), ZoneInfo(zone))


def _workspace(challenge_key, title, stage, city_person, companies, facilitator=None):
    """The challenge's workspace with its members, or None when it exists already (seeded before)."""
    challenge = challenges.get(challenge_key)
    if db.session.scalar(select(Workspace.id).where(Workspace.challenge_id == challenge.id)) is not None:
        return None
    workspace = Workspace(challenge=challenge, organisation=challenge.organisation, title=title, stage=stage)
    workspace.members.append(WorkspaceMember(organisation=challenge.organisation, role="city",
                                             invited_by_id=city_person.id))
    for key in companies:
        company = organisations.get(key)
        _require_shortlisted(challenge, company)
        workspace.members.append(WorkspaceMember(organisation=company, role="company", invited_by_id=city_person.id))
    if facilitator:
        workspace.members.append(WorkspaceMember(organisation=organisations.get(facilitator), role="facilitator",
                                                 invited_by_id=city_person.id))
    db.session.add(workspace)
    db.session.flush()
    return workspace


class _Feed:
    """Writes activity lines with the times they happened, oldest first."""

    def __init__(self, workspace):
        self.workspace = workspace

    def __call__(self, when, actor, kind, **params):
        record_activity(self.workspace, actor, kind, params).created_at = when


def _fit(workspace, feed, when, city_person, answerers, rows):
    """The city's fit items (dicts from the texts file) and the companies' answers three days later."""
    for number, row in enumerate(rows):
        item = FitItem(workspace_id=workspace.id, category=row["category"], title=row["title"],
                       description=row["description"], created_by_id=city_person.id, created_at=when)
        db.session.add(item)
        db.session.flush()
        feed(when + timedelta(minutes=number), city_person, "fit_item_added", title=item.title,
             category=item.category)
        for key, answer in row["answers"].items():
            db.session.add(FitAnswer(workspace_id=workspace.id, item_id=item.id,
                                     organisation_id=organisations.get(key).id, verdict=answer["verdict"],
                                     how=answer["how"], answered_by_id=answerers[key].id,
                                     answered_at=when + timedelta(days=3)))
    for key, person in answerers.items():
        if count := sum(1 for row in rows if key in row["answers"]):
            feed(when + timedelta(days=3), person, "fit_answered", organisation=organisations.get(key).name,
                 count=count)


def _flood(today, texts):
    city_person = _user("city@seoul.example")
    workspace = _workspace("ch-seoul-semi-basement-flood", "반지하 침수 조기경보 공동 기획", "ready-to-tender",
                           city_person, ["damsol-sensing", "haneul-mobility"], "dolmaru-consulting")
    if workspace is None:
        return
    zone = workspace.organisation.timezone
    facilitator, damsol, haneul = (_user(email) for email in (
        "consultant@dolmaru.example", "company@damsol.example", "company@haneul.example"))
    start = today - timedelta(days=120)
    feed = _Feed(workspace)
    feed(_at(start, 9, zone), city_person, "opened", challenge=workspace.challenge.title)
    for organisation, role in (("담솔센싱", "company"), ("하늘모빌리티 주식회사", "company"),
                               ("돌마루 스마트시티 컨설팅", "facilitator")):
        feed(_at(start, 9, zone), city_person, "member_invited", organisation=organisation, role=role)
    _fit(workspace, feed, _at(start + timedelta(days=30), 10, zone), city_person,
         {"damsol-sensing": damsol, "haneul-mobility": haneul}, texts["fit"])
    investment = texts["investment"]
    db.session.add(InvestmentDecision(
        workspace_id=workspace.id, amount=1_200_000_000, currency="KRW", procurement_model="innovation-partnership",
        approved_on=today - timedelta(days=25), recorded_by_id=city_person.id,
        recorded_at=_at(today - timedelta(days=24), 11, zone), **investment))
    feed(_at(today - timedelta(days=24), 11, zone), city_person, "investment_recorded",
         budget_line=investment["budget_line"])
    # The facilitator decided the gates in between; the city the first and the last.
    for number, gate in enumerate(texts["gates"]):
        when = _at(start + timedelta(days=25 * (number + 1)), 16, zone)
        decider = facilitator if 0 < number < len(texts["gates"]) - 1 else city_person
        db.session.add(GateDecision(workspace_id=workspace.id, from_stage=gate["from"], to_stage=gate["to"],
                                    reason=gate["reason"], decided_by_id=decider.id, decided_at=when))
        feed(when, decider, "gate_forward", reason=gate["reason"], **{"from": gate["from"], "to": gate["to"]})
    owners = (("seoul-smart-city-bureau", city_person), ("damsol-sensing", damsol), ("dolmaru-consulting", facilitator))
    for title, days, (key, person) in zip(texts["milestones"], (14, 150, 165), owners, strict=True):
        db.session.add(Milestone(workspace_id=workspace.id, title=title, due_on=today + timedelta(days=days),
                                 owner_organisation_id=organisations.get(key).id, owner_user_id=person.id,
                                 created_by_id=facilitator.id))
        feed(_at(today - timedelta(days=9), 10, zone), facilitator, "milestone_added", title=title,
             day=(today + timedelta(days=days)).isoformat())
    decision = texts["decision"]
    db.session.add(Decision(workspace_id=workspace.id, decided_on=start + timedelta(days=70),
                            recorded_by_id=facilitator.id, **decision))
    feed(_at(start + timedelta(days=70), 15, zone), facilitator, "decision_logged", title=decision["title"])
    meeting = MeetingNote(workspace_id=workspace.id, held_on=today - timedelta(days=7), recorded_by_id=facilitator.id,
                          **texts["meeting"])
    first, second = texts["actions"]
    done_at = _at(today - timedelta(days=2), 17, zone)
    meeting.action_items.extend([
        ActionItem(workspace_id=workspace.id, description=first, owner_id=damsol.id,
                   due_on=today + timedelta(days=5)),
        ActionItem(workspace_id=workspace.id, description=second, owner_id=haneul.id,
                   due_on=today - timedelta(days=1), done_at=done_at, done_by_id=haneul.id),
    ])
    db.session.add(meeting)
    feed(_at(today - timedelta(days=7), 18, zone), facilitator, "meeting_noted",
         day=(today - timedelta(days=7)).isoformat())
    feed(done_at, haneul, "action_done", description=second)
    _agreed_document(workspace, texts["document"], city_person, facilitator, today, zone, feed)
    _thread(workspace, texts["thread"], today, zone, feed)


def _agreed_document(workspace, text, city_person, facilitator, today, zone, feed):
    """The requirement document the members wrote, its second revision agreed by the city."""
    drafted, revised, agreed = (_at(today - timedelta(days=days), 10, zone) for days in (40, 30, 26))
    document = Document(workspace_id=workspace.id, title=text["title"], current_number=len(text["revisions"]),
                        created_by_id=facilitator.id, created_at=drafted, updated_at=revised)
    for number, (body, when, author) in enumerate(zip(text["revisions"], (drafted, revised),
                                                      (facilitator, city_person), strict=True), start=1):
        document.revisions.append(DocumentRevision(workspace_id=workspace.id, number=number, title=text["title"],
                                                   body=body, author_id=author.id, created_at=when))
        feed(when, author, "document_saved", number=number, title=text["title"])
    document.agreed_number, document.agreed_by_id, document.agreed_at = len(text["revisions"]), city_person.id, agreed
    db.session.add(document)
    feed(agreed, city_person, "document_agreed", number=document.agreed_number, title=text["title"])


def _thread(workspace, text, today, zone, feed):
    """A thread of the members' posts, the first mentioning the facilitator."""
    start = _at(today - timedelta(days=6), 9, zone)
    (first_email, _body), *_rest = text["posts"]
    thread = Thread(workspace_id=workspace.id, title=text["title"], author_id=_user(first_email).id,
                    created_at=start, last_post_at=start + timedelta(hours=len(text["posts"]) - 1))
    for hours, (email, body) in enumerate(text["posts"]):
        author, when = _user(email), start + timedelta(hours=hours)
        thread.posts.append(Post(workspace_id=workspace.id, author_id=author.id, body=body, created_at=when))
        feed(when, author, "thread_started" if hours == 0 else "post_added", title=text["title"])
    db.session.add(thread)


def _v2g(today, texts):
    city_person = _user("city@copenhagen.example")
    workspace = _workspace("ch-copenhagen-v2g-hubs", "V2G hubs for the city fleet", "co-design", city_person,
                           ["binrute", "haemil-energy"], "nordbro-advisory")
    if workspace is None:
        return
    zone = workspace.organisation.timezone
    facilitator, binrute, haemil = (_user(email) for email in (
        "consultant@nordbro.example", "company@binrute.example", "company@haemil.example"))
    start = today - timedelta(days=45)
    feed = _Feed(workspace)
    feed(_at(start, 9, zone), city_person, "opened", challenge=workspace.challenge.title)
    for organisation, role in (("Binrute", "company"), ("Haemil Energy Systems", "company"),
                               ("Nordbro Advisory", "facilitator")):
        feed(_at(start, 9, zone), city_person, "member_invited", organisation=organisation, role=role)
    for number, (before, after, reason) in enumerate((
            ("explore", "define", "Depot visits done; the fleet team's needs are written down."),
            ("define", "co-design", "Requirements and the fit items are agreed with both companies."))):
        when = _at(start + timedelta(days=15 * (number + 1)), 14, zone)
        db.session.add(GateDecision(workspace_id=workspace.id, from_stage=before, to_stage=after, reason=reason,
                                    decided_by_id=facilitator.id, decided_at=when))
        feed(when, facilitator, "gate_forward", reason=reason, **{"from": before, "to": after})
    _fit(workspace, feed, _at(start + timedelta(days=20), 10, zone), city_person,
         {"binrute": binrute, "haemil-energy": haemil}, texts["fit"])
    db.session.add(Milestone(workspace_id=workspace.id, title="Co-design workshop at the Sydhavn depot",
                             due_on=today + timedelta(days=10), owner_organisation_id=organisations.get(
                                 "nordbro-advisory").id, owner_user_id=facilitator.id, created_by_id=facilitator.id))
    feed(_at(today - timedelta(days=3), 10, zone), facilitator, "milestone_added",
         title="Co-design workshop at the Sydhavn depot", day=(today + timedelta(days=10)).isoformat())


def _falls(today):
    city_person = _user("city@seoul.example")
    workspace = _workspace("ch-seoul-elder-fall-detection", "홀몸 어르신 낙상 감지 공동 기획", "explore", city_person,
                           ["saebyeok-vision", "varsam-care"])
    if workspace is None:
        return
    feed = _Feed(workspace)
    when = _at(today - timedelta(days=2), 9, workspace.organisation.timezone)
    feed(when, city_person, "opened", challenge=workspace.challenge.title)
    for organisation in ("새벽비전AI", "Varsam Care"):
        feed(when, city_person, "member_invited", organisation=organisation, role="company")


def seed_workspaces(password, today):
    """Add the demo workspaces that are not there yet."""
    _ensure_people(password)
    texts = json.loads(TEXTS_FILE.read_text(encoding="utf-8"))
    _flood(today, texts["flood"])
    _v2g(today, texts["v2g"])
    _falls(today)
    db.session.flush()

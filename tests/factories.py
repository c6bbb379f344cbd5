"""Small factories: build valid records through the same code the portal uses."""
import itertools
from datetime import date, timedelta

from portal.accounts.services import create_user
from portal.challenges import services as challenge_services
from portal.challenges.models import Challenge
from portal.extensions import db
from portal.model_types import utcnow
from portal.organisations import services as organisation_services
from portal.organisations.models import Organisation
from portal.solutions import services as solution_services
from portal.solutions.models import Solution

PASSWORD = "correct horse battery"
_numbers = itertools.count(1)


def organisation(kind="company", verified=True, country="KR", name=None, **fields):
    """An organisation, verified unless asked otherwise."""
    number = next(_numbers)
    data = {"kind": kind, "name": name or f"{kind.title()} {number}", "country": country,
            "website": "", "description": f"A {kind} for tests.", "sectors": ["mobility"],
            "alliance_member": False}
    data.update(fields)
    org = organisation_services.create(data)
    if verified:
        org.verification = Organisation.VERIFIED
        org.verified_at = utcnow()
    db.session.flush()
    return org


def user(org=None, email=None, name=None, is_admin=False, password=PASSWORD, locale="en"):
    """A user of `org` (an admin without organisation when is_admin and no org)."""
    number = next(_numbers)
    return create_user(email or f"person{number}@example.org", name or f"Person {number}", password,
                       organisation=org, is_admin=is_admin, locale=locale)


def solution_data(**fields):
    data = {"title": "Smart crossing guard", "summary": "Warns drivers of pedestrians at crossings.",
            "description": "LiDAR sensors watch the crossing.", "language": "en", "title_ko": "",
            "summary_ko": "", "sectors": ["mobility", "safety"], "trl": 7, "countries": ["KR"],
            "tags": ["lidar"]}
    data.update(fields)
    return data


def solution(org, status=Solution.PUBLISHED, **fields):
    """A solution of company `org`."""
    data = solution_data(**fields)
    item = Solution(organisation=org, key=f"sol-test-{next(_numbers)}", status=status)
    solution_services.apply(item, data)
    db.session.add(item)
    db.session.flush()
    return item


def challenge_data(**fields):
    today = date.today()
    data = {"title": "Safer school routes", "summary": "Children walk to school on busy roads.",
            "problem": "Drivers do not see children at crossings.", "outcomes": "Fewer near misses.",
            "language": "en", "title_ko": "", "summary_ko": "", "sectors": ["safety"],
            "budget_min": 100000, "budget_max": 400000, "currency": "EUR",
            "opens": today - timedelta(days=10), "closes": today + timedelta(days=30)}
    data.update(fields)
    return data


def challenge(org, status=Challenge.PUBLISHED, **fields):
    """A challenge of city `org`, published and open unless asked otherwise."""
    item = Challenge(organisation=org, key=f"ch-test-{next(_numbers)}", status=status)
    challenge_services.apply(item, challenge_data(**fields))
    if status != Challenge.DRAFT:
        item.published_at = utcnow()
    db.session.add(item)
    db.session.flush()
    return item


def workspace(challenge, companies=(), facilitator=None, stage=None):
    """A workspace for `challenge` with its city, `companies` and an optional facilitating consultancy."""
    from portal.workspaces.models import Workspace, WorkspaceMember
    item = Workspace(challenge=challenge, organisation=challenge.organisation, title=f"Co-creating {challenge.title}")
    if stage:
        item.stage = stage
    item.members.append(WorkspaceMember(organisation=challenge.organisation, role=WorkspaceMember.CITY))
    item.members.extend(WorkspaceMember(organisation=company, role=WorkspaceMember.COMPANY) for company in companies)
    if facilitator is not None:
        item.members.append(WorkspaceMember(organisation=facilitator, role=WorkspaceMember.FACILITATOR))
    db.session.add(item)
    db.session.flush()
    return item


def proposal(challenge, org, status="draft", partners=(), solutions=(), **fields):
    """A complete proposal of company `org` for `challenge` in `status`; `partners` are
    (organisation, partner status) pairs, each a technology partner with a 10 % share."""
    from portal.proposals.models import ConsortiumPartner, Proposal, ProposalSolution
    data = {"title": "Crossing sensors for school routes", "approach": "LiDAR sensors warn drivers at crossings.",
            "cost_estimate": 250000, "currency": "EUR", "timeline": "Six months.", "team": "Four engineers.",
            "language": "en"}
    data.update(fields)
    item = Proposal(challenge=challenge, organisation=org, status=status, **data)
    if status != Proposal.DRAFT:
        item.submitted_at = utcnow()
    if status in (Proposal.SHORTLISTED, Proposal.DECLINED):
        item.decided_at, item.decision_reason = utcnow(), "Decided in a test."
    for partner, partner_status in partners:
        item.partners.append(ConsortiumPartner(organisation=partner, role="technology", share=10,
                                               status=partner_status))
    item.solution_links = [ProposalSolution(solution_id=solution.id) for solution in solutions]
    db.session.add(item)
    db.session.flush()
    return item


def shortlisted(challenge, company):
    """A proposal of `company` to `challenge`, on the city's shortlist."""
    from portal.proposals.models import Proposal
    item = Proposal(challenge=challenge, organisation=company, title=f"{company.name} answers", approach="Our way.",
                    status=Proposal.SHORTLISTED, submitted_at=utcnow(), decided_at=utcnow())
    db.session.add(item)
    db.session.flush()
    return item


def tender_record(city, author, status="published", lots=("The whole of it",),
                  criteria=(("price", "Price", 40), ("quality", "Quality of the service", 60)), **fields):
    """A tender of `city` written straight to the tables, its ocid made from the setting as the portal makes
    it; published a month ago, taking questions for ten days and bids for twenty, unless `fields` say else."""
    from flask import current_app

    from portal.tenders.models import AwardCriterion, Lot, Tender
    now = utcnow()
    data = {"title": "Flood warning sensors", "description": "Sensors that warn residents of flooding.",
            "language": "en", "procedure": "open", "estimated_value": 500000, "currency": "EUR",
            "publication_at": now - timedelta(days=30), "clarification_deadline": now + timedelta(days=10),
            "submission_deadline": now + timedelta(days=20), "opening_at": now + timedelta(days=20, hours=1)}
    data.update(fields)
    item = Tender(organisation=city, created_by=author, status=status, **data)
    if status != Tender.DRAFT:
        item.published_at = item.publication_at
    item.lots = [Lot(number=number, title=title, estimated_value=100000) for number, title in enumerate(lots, 1)]
    item.criteria = [AwardCriterion(position=position, kind=kind, name=name, weight=weight)
                     for position, (kind, name, weight) in enumerate(criteria, 1)]
    db.session.add(item)
    db.session.flush()
    item.ocid = item.ocid or f"{current_app.config.get('PORTAL_OCID_PREFIX', 'ocds-c0c1ty')}-{item.id}"
    db.session.flush()
    return item


def tender_version(tender, publisher, published_at=None, change_note=""):
    """The next version of `tender`, frozen as it stands now (its PDF's row only, no file)."""
    import secrets

    from portal.files.models import StoredFile
    from portal.tenders import services as tender_services
    from portal.tenders.models import TenderVersion
    number = len(tender.versions) + 1
    stored = StoredFile(original_name=f"tender-v{number}.pdf", content_type="application/pdf", size=1000,
                        sha256=secrets.token_hex(32), storage_name=secrets.token_hex(16), uploaded_by=publisher)
    version = TenderVersion(number=number, stored_file=stored, sha256=stored.sha256,
                            snapshot=tender_services.snapshot(tender), change_note=change_note, published_by=publisher,
                            published_at=published_at or tender.publication_at)
    tender.versions.append(version)
    db.session.flush()
    return version


def bid_record(tender, lot, company, author, status="submitted"):
    """A bid of `company` on `lot`; its sealed content is a stand-in."""
    from portal.bids.models import Bid
    item = Bid(tender=tender, lot=lot, organisation=company, submitted_by=author, status=status,
               sealed=b"sealed", digest="0" * 64, withdrawn_at=utcnow() if status == Bid.WITHDRAWN else None)
    db.session.add(item)
    db.session.flush()
    return item


def award_record(bid, decider, value, justification="The best value for money.", decided_at=None):
    """The award of `bid`'s lot to its bidder."""
    from portal.bids.models import Award
    decided_at = decided_at or utcnow()
    item = Award(tender_id=bid.tender_id, lot=bid.lot, bid=bid, organisation=bid.organisation, value=value,
                 currency=bid.tender.currency, justification=justification, decided_by=decider,
                 decided_at=decided_at, standstill_ends_at=decided_at + timedelta(days=10))
    db.session.add(item)
    db.session.flush()
    return item


def tender_for_bids(city, creator, status="published", lots=("Whole contract",),
                    criteria=(("quality", "Quality of the solution", 60), ("price", "Price", 40)),
                    deadline_in=timedelta(days=7), opening_after=timedelta(hours=1), now=None, **fields):
    """A tender of `city` as the tenders package leaves it once published: its lots, award criteria with weights
    summing to 100, its first version, and its instants (the submission deadline `deadline_in` from `now`, the
    opening `opening_after` it)."""
    now = now or utcnow()
    number = next(_numbers)
    fields = {"ocid": f"ocds-test-{number:06d}", "title": f"Tender {number}", "description": "A tender for tests.",
              "publication_at": now - timedelta(days=14),
              "clarification_deadline": now + deadline_in - timedelta(days=6),
              "submission_deadline": now + deadline_in, "opening_at": now + deadline_in + opening_after, **fields}
    item = tender_record(city, creator, status, lots, criteria, **fields)
    if status != "draft":
        tender_version(item, creator, published_at=item.published_at)  # a public tender has its first version
    return item

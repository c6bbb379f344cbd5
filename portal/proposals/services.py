"""The rules of proposals: who answers a challenge, who joins a consortium, and what the city decides.

A lead company drafts a proposal while the challenge is open, invites partners, and submits it; it can
change it until the challenge closes or the city decides, and withdraw it. The city shortlists or declines
(with a reason the company reads) and keeps private notes. Every status move is one conditional UPDATE
(`_move`), so a second click, a stale page or a racing request finds nothing to move and changes nothing.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy import update as sql_update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defaultload, joinedload, lazyload

from ..access import is_authenticated, is_member, require
from ..audit.services import record
from ..challenges import services as challenges
from ..challenges.models import Challenge
from ..errors import Invalid, NotFound
from ..extensions import db
from ..files import services as files
from ..keys import get_visible_by_id
from ..model_types import utcnow
from ..organisations.models import Organisation
from ..signals import (
    announce,
    partner_answered,
    partner_invited,
    proposal_decided,
    proposal_submitted,
    proposal_withdrawn,
)
from ..solutions.models import Solution
from ..validation import check_choice, check_currency, check_language, check_text
from .models import (
    REASON_MAX,
    TEXT_MAX,
    TITLE_MAX,
    ConsortiumPartner,
    Proposal,
    ProposalAttachment,
    ProposalNote,
    ProposalSolution,
)

NOTE_MAX = 5000
ATTACHMENTS_MAX = 20  # plans, drawings, references: more is a sign the proposal belongs in one document
COST_MAX = 10**15  # beyond any city budget; keeps the number inside 64 bits with room to spare
# What a lead may still change: a draft, or a proposal sent but not yet decided (while the challenge is open).
EDITABLE = (Proposal.DRAFT, Proposal.SUBMITTED)


class Stale(Invalid):
    """The record moved on since the page was shown (another click, another member, the deadline)."""


# ---------------------------------------------------------------- who is who

def is_verified_company_member(user):
    organisation = getattr(user, "organisation", None) if is_authenticated(user) else None
    return organisation is not None and organisation.kind == "company" and organisation.is_verified


def is_lead(user, proposal):
    return is_member(user, proposal.organisation)


def is_confirmed_partner(user, proposal):
    return is_authenticated(user) and any(
        partner.organisation_id == user.organisation_id and partner.status == ConsortiumPartner.CONFIRMED
        for partner in proposal.partners)


def is_city_of(user, challenge):
    """Members of the city that owns the challenge."""
    return challenges.can_edit(user, challenge)


def can_read_proposals_of(user, challenge):
    """The owning city and the consultancies assigned to the challenge read the proposals sent to it."""
    return is_city_of(user, challenge) or challenges.is_assigned_consultant(user, challenge)


def role_of(user, proposal):
    """How `user` meets a proposal they may see: lead, partner, city or consultant."""
    if is_lead(user, proposal):
        return "lead"
    if is_confirmed_partner(user, proposal):
        return "partner"
    if is_city_of(user, proposal.challenge):
        return "city"
    return "consultant"


def live_proposal(organisation_id, challenge_id):
    """The company's proposal to the challenge that is not withdrawn, or None."""
    return db.session.scalar(select(Proposal).where(
        Proposal.challenge_id == challenge_id, Proposal.organisation_id == organisation_id,
        Proposal.status != Proposal.WITHDRAWN))


def can_propose(user, challenge, now=None):
    """A member of a verified company may answer an open challenge, once at a time."""
    return (is_verified_company_member(user) and challenge.phase(now or utcnow()) == "open"
            and live_proposal(user.organisation_id, challenge.id) is None)


def editable(proposal, now=None):
    """Whether the proposal may still change: undecided, and the challenge still open."""
    return proposal.status in EDITABLE and proposal.challenge.phase(now or utcnow()) == "open"


def can_edit(user, proposal, now=None):
    return is_lead(user, proposal) and editable(proposal, now)


def lead_share(proposal):
    """The lead's share in per cent: what the partners, invited or confirmed, leave."""
    return 100 - sum(partner.share for partner in proposal.partners if partner.status != ConsortiumPartner.DECLINED)


def confirmed_partners(proposal):
    return [partner for partner in proposal.partners if partner.status == ConsortiumPartner.CONFIRMED]


# ---------------------------------------------------------------- reading

def get_for_view(user, proposal_id):
    """The proposal if `user` may see it (Proposal.visible_to says who); NotFound otherwise."""
    return get_visible_by_id(Proposal, user, proposal_id)


def panel(user, challenge, now=None):
    """What the challenge page offers about proposals: {"can_propose", "own", "count"} or None."""
    if not is_authenticated(user):
        return None
    now = now or utcnow()
    if can_read_proposals_of(user, challenge):
        count = db.session.scalar(select(func.count(Proposal.id)).where(
            Proposal.challenge_id == challenge.id, Proposal.status.in_(Proposal.SENT)))
        return {"can_propose": False, "own": None, "count": count}
    if is_verified_company_member(user):
        own = live_proposal(user.organisation_id, challenge.id)
        return {"can_propose": own is None and challenge.phase(now) == "open", "own": own, "count": None}
    return None


def of_organisation(user):
    """For a company's (or consultancy's) dashboard: the proposals it leads or confirmed a place in, newest
    first, and the invitations it has not answered."""
    if not is_authenticated(user) or user.organisation_id is None:
        return [], []
    proposals = db.session.scalars(select(Proposal).where(Proposal.visible_to(user), (
        Proposal.organisation_id == user.organisation_id) | Proposal.id.in_(select(ConsortiumPartner.proposal_id).where(
            ConsortiumPartner.organisation_id == user.organisation_id,
            ConsortiumPartner.status == ConsortiumPartner.CONFIRMED))).order_by(Proposal.updated_at.desc())
        .options(*_row_loading())).all()
    invitations = db.session.scalars(select(ConsortiumPartner).join(Proposal).where(
        ConsortiumPartner.organisation_id == user.organisation_id,
        ConsortiumPartner.status == ConsortiumPartner.INVITED,
        Proposal.status.in_(EDITABLE)).order_by(ConsortiumPartner.invited_at.desc())
        .options(joinedload(ConsortiumPartner.proposal), *_row_loading(defaultload(ConsortiumPartner.proposal)))).all()
    return proposals, invitations


def _row_loading(path=None):
    """Loader options for a proposal shown as one row (title, status, challenge and city): its challenge in
    the same query, and none of what only its own page shows. `path` leads to the proposal from another
    entity (a partner's)."""
    def at(option, attribute):
        return getattr(path, option)(attribute) if path is not None else {
            "joinedload": joinedload, "lazyload": lazyload}[option](attribute)
    return (at("joinedload", Proposal.challenge).options(*challenges.card_loading(), lazyload(Challenge._sector_rows)),
            at("lazyload", Proposal.partners), at("lazyload", Proposal.solution_links))


def solution_choices(organisation_id, proposal=None):
    """Solutions a proposal may build on: the lead's and its confirmed partners' published ones."""
    owners = [organisation_id]
    if proposal is not None:
        owners += [partner.organisation_id for partner in confirmed_partners(proposal)]
    return db.session.scalars(select(Solution).where(
        Solution.organisation_id.in_(owners), Solution.visible_to(None)).order_by(Solution.title)).all()


def partner_candidates(proposal):
    """Organisations the lead may invite: verified, not a city, not itself, not already asked (one that
    declined may be asked again)."""
    asked = [partner.organisation_id for partner in proposal.partners
             if partner.status != ConsortiumPartner.DECLINED]
    return db.session.scalars(select(Organisation).where(
        Organisation.verification == Organisation.VERIFIED, Organisation.kind != "city",
        Organisation.id != proposal.organisation_id, Organisation.id.not_in(asked),
    ).order_by(Organisation.name)).all()


# ---------------------------------------------------------------- writing: the lead

def validate(data):
    """Errors by field for proposal data (a draft may leave cost, timeline and team for later)."""
    checks = {
        "title": check_text(data.get("title"), TITLE_MAX),
        "approach": check_text(data.get("approach"), TEXT_MAX, multiline=True),
        "timeline": check_text(data.get("timeline"), TEXT_MAX, required=False, multiline=True),
        "team": check_text(data.get("team"), TEXT_MAX, required=False, multiline=True),
        "currency": check_currency(data.get("currency")),
        "language": check_language(data.get("language")),
    }
    cost = data.get("cost_estimate")
    if cost is not None and (isinstance(cost, bool) or not isinstance(cost, int) or not 0 <= cost <= COST_MAX):
        checks["cost_estimate"] = _l("Must be a whole, non-negative amount.")
    solutions = data.get("solutions") or []
    if not isinstance(solutions, list) or not all(isinstance(item, int) for item in solutions):
        checks["solutions"] = _l("Not a valid choice.")
    return {field: message for field, message in checks.items() if message}


def _apply(proposal, data):
    """Copy valid data onto the proposal; linked solutions must be among solution_choices."""
    allowed = {solution.id for solution in solution_choices(proposal.organisation.id, proposal)}
    chosen = list(dict.fromkeys(data.get("solutions") or []))
    if any(solution_id not in allowed for solution_id in chosen):
        raise Invalid({"solutions": _l("Link only your own and your confirmed partners' published solutions.")})
    proposal.title = data["title"].strip()
    proposal.approach = data["approach"].strip()
    proposal.timeline = (data.get("timeline") or "").strip()
    proposal.team = (data.get("team") or "").strip()
    proposal.cost_estimate = data.get("cost_estimate")
    proposal.currency = data["currency"]
    proposal.language = data["language"]
    kept = [link for link in proposal.solution_links if link.solution_id in chosen]
    known = {link.solution_id for link in kept}
    proposal.solution_links = kept + [ProposalSolution(solution_id=solution_id)
                                      for solution_id in chosen if solution_id not in known]


def create(actor, challenge, data):
    """A member of a verified company drafts a proposal to an open challenge."""
    require(is_verified_company_member(actor), _l("Only members of a verified company can answer a challenge."))
    if challenge.phase(utcnow()) != "open":
        raise Stale({"challenge": _l("This challenge is not open for proposals.")})
    if live_proposal(actor.organisation_id, challenge.id) is not None:
        raise Stale({"challenge": _l("Your company already has a proposal for this challenge; "
                                     "open it from the challenge page.")})
    if errors := validate(data):
        raise Invalid(errors)
    proposal = Proposal(challenge=challenge, organisation=actor.organisation, status=Proposal.DRAFT)
    _apply(proposal, data)
    db.session.add(proposal)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:  # the unique index: another request created one a moment ago
        if live_proposal(actor.organisation_id, challenge.id) is None:
            raise
        raise Stale({"challenge": _l("Your company already has a proposal for this challenge; "
                                     "open it from the challenge page.")}) from error
    record(actor, "proposal.created", proposal, challenge=challenge.key)
    return proposal


def _require_editable(actor, proposal):
    require(is_lead(actor, proposal), _l("Only the lead company changes a proposal."))
    if proposal.status not in EDITABLE:
        raise Stale({"status": _l("This proposal is %(status)s and can no longer be changed.",
                                  status=status_label(proposal.status))})
    if proposal.challenge.phase(utcnow()) != "open":
        raise Stale({"status": _l("The challenge has closed; the proposal can no longer be changed.")})


def update(actor, proposal, data, revision):
    """The lead changes its proposal; `revision` is the one its form showed (a newer one wins)."""
    _require_editable(actor, proposal)
    if revision != proposal.revision:
        raise Stale({"revision": _l("Someone saved this proposal after you opened it. Your changes are not "
                                    "saved: reload it, and make them again on the newest version.")})
    if errors := validate(data):
        raise Invalid(errors)
    _apply(proposal, data)
    _bump(proposal, revision)
    record(actor, "proposal.updated", proposal)
    return proposal


def _bump(proposal, revision):
    """Count a save, unless another request saved this revision first (then nothing of this one is kept)."""
    db.session.flush()
    moved = db.session.execute(sql_update(Proposal).where(Proposal.id == proposal.id, Proposal.revision == revision)
                               .values(revision=revision + 1).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise Stale({"revision": _l("Someone saved this proposal after you opened it. Your changes are not "
                                    "saved: reload it, and make them again on the newest version.")})
    proposal.revision = revision + 1


def _move(proposal, sources, target, message, **values):
    """Move the proposal from one of `sources` to `target` in one conditional UPDATE; Stale with `message`
    when it is no longer in any of them (a double click, a stale page, a racing request)."""
    db.session.flush()
    moved = db.session.execute(
        sql_update(Proposal).where(Proposal.id == proposal.id, Proposal.status.in_(sources))
        .values(status=target, updated_at=utcnow(), **values).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        db.session.refresh(proposal)
        raise Stale({"status": message})
    db.session.refresh(proposal)


def missing_for_submission(proposal):
    """Fields a proposal needs before it is sent, by field name."""
    missing = {}
    if proposal.cost_estimate is None:
        missing["cost_estimate"] = _l("Give a cost estimate before you submit.")
    if not proposal.timeline:
        missing["timeline"] = _l("Describe the timeline before you submit.")
    if not proposal.team:
        missing["team"] = _l("Name the team before you submit.")
    return missing


def submit(actor, proposal):
    """The lead sends its draft to the city while the challenge is open."""
    require(is_lead(actor, proposal), _l("Only the lead company submits a proposal."))
    if proposal.status != Proposal.DRAFT:
        raise Stale({"status": _l("This proposal was submitted already; nothing changed.")
                     if proposal.status == Proposal.SUBMITTED else
                     _l("This proposal is %(status)s and cannot be submitted.", status=status_label(proposal.status))})
    if proposal.challenge.phase(utcnow()) != "open":
        raise Stale({"status": _l("The challenge has closed; the proposal can no longer be submitted.")})
    if missing := missing_for_submission(proposal):
        raise Invalid(missing)
    _move(proposal, (Proposal.DRAFT,), Proposal.SUBMITTED, _l("This proposal was submitted already; nothing changed."),
          submitted_at=utcnow())
    record(actor, "proposal.submitted", proposal)
    announce(proposal_submitted, proposal=proposal, actor=actor)
    return proposal


def withdraw(actor, proposal):
    """The lead pulls a sent proposal back (submitted or shortlisted); the company may then send a new one."""
    require(is_lead(actor, proposal), _l("Only the lead company withdraws a proposal."))
    message = _l("This proposal is %(status)s and cannot be withdrawn.", status=status_label(proposal.status))
    if proposal.status == Proposal.WITHDRAWN:
        message = _l("This proposal was withdrawn already; nothing changed.")
    _move(proposal, (Proposal.SUBMITTED, Proposal.SHORTLISTED), Proposal.WITHDRAWN, message, withdrawn_at=utcnow())
    record(actor, "proposal.withdrawn", proposal)
    announce(proposal_withdrawn, proposal=proposal, actor=actor)
    return proposal


def delete_draft(actor, proposal):
    """The lead deletes a draft it abandoned (its invitations and attachments go with it); the company may then
    start a new proposal to the challenge. Anything sent stays: it is withdrawn instead."""
    require(is_lead(actor, proposal), _l("Only the lead company deletes its draft."))
    if proposal.status != Proposal.DRAFT:
        raise Stale({"status": _l("This proposal is %(status)s: only a draft can be deleted. A sent proposal can be "
                                  "withdrawn instead.", status=status_label(proposal.status))})
    # Claim the row first: a submit racing with this delete either finds it gone or makes this one stale.
    db.session.flush()
    claimed = db.session.execute(
        sql_update(Proposal).where(Proposal.id == proposal.id, Proposal.status == Proposal.DRAFT)
        .values(updated_at=utcnow()).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        db.session.refresh(proposal)
        raise Stale({"status": _l("This proposal was submitted meanwhile and is no longer a draft; nothing was "
                                  "deleted.")})
    record(actor, "proposal.deleted", proposal, challenge=proposal.challenge.key, title=proposal.title)
    for attachment in list(proposal.attachments):
        files.discard(attachment.stored_file)
    db.session.delete(proposal)
    db.session.flush()


# ---------------------------------------------------------------- attachments

def attachments_of(user, proposal):
    """The proposal's attachments `user` may see (all of them for whoever sees the proposal), oldest first."""
    return db.session.scalars(select(ProposalAttachment).where(
        ProposalAttachment.proposal_id == proposal.id, ProposalAttachment.visible_to(user))
        .order_by(ProposalAttachment.created_at, ProposalAttachment.id)).all()


def get_attachment(user, proposal, attachment_id):
    """The attachment `attachment_id` of this proposal if `user` may see it; NotFound otherwise (one of another
    proposal included, whatever the URL says)."""
    item = db.session.scalar(select(ProposalAttachment).where(
        ProposalAttachment.id == attachment_id, ProposalAttachment.proposal_id == proposal.id,
        ProposalAttachment.visible_to(user)))
    if item is None:
        raise NotFound()
    return item


def attach(actor, proposal, upload):
    """The lead attaches an upload while the proposal may change; Invalid on "file" when it is refused."""
    _require_editable(actor, proposal)
    if len(proposal.attachments) >= ATTACHMENTS_MAX:
        raise Invalid({"file": _l("A proposal holds at most %(count)d attachments. Remove one first.",
                                  count=ATTACHMENTS_MAX)})
    stored = files.store(upload, actor)
    item = ProposalAttachment(stored_file=stored)
    proposal.attachments.append(item)
    db.session.flush()
    record(actor, "proposal.attachment_added", proposal, name=stored.original_name, sha256=stored.sha256)
    return item


def remove_attachment(actor, proposal, attachment_id):
    """The lead removes an attachment while the proposal may change; its bytes go once that is committed."""
    _require_editable(actor, proposal)
    item = next((row for row in proposal.attachments if row.id == attachment_id), None)
    if item is None:
        raise NotFound()
    name = item.stored_file.original_name
    proposal.attachments.remove(item)
    db.session.flush()
    files.discard(item.stored_file)
    db.session.flush()
    record(actor, "proposal.attachment_removed", proposal, name=name)
    return name


def download(item):
    """The response that sends an attachment."""
    return files.send(item.stored_file)


# ---------------------------------------------------------------- the consortium

def invite_partner(actor, proposal, organisation_id, role, share):
    """The lead invites a verified organisation (not a city, not itself) with a role and a share."""
    _require_editable(actor, proposal)
    errors = {}
    partner_org = db.session.get(Organisation, organisation_id) if isinstance(organisation_id, int) else None
    if partner_org is None or partner_org not in partner_candidates(proposal):
        errors["organisation_id"] = _l("Choose a verified company or consultancy that is not in the consortium.")
    if message := check_choice(role, ConsortiumPartner.ROLES):
        errors["role"] = message
    if isinstance(share, bool) or not isinstance(share, int) or not 0 <= share <= 100:
        errors["share"] = _l("A whole number of per cent from 0 to 100.")
    elif share > lead_share(proposal):
        errors["share"] = _l("The shares would exceed 100 %%: at most %(left)d %% is left.", left=lead_share(proposal))
    if errors:
        raise Invalid(errors)
    partner = next((row for row in proposal.partners if row.organisation_id == partner_org.id), None)
    if partner is None:  # a declined invitation is asked again on its row (one row per organisation)
        partner = ConsortiumPartner(organisation=partner_org)
        proposal.partners.append(partner)
    partner.role, partner.share, partner.status = role, share, ConsortiumPartner.INVITED
    partner.invited_at, partner.answered_at = utcnow(), None
    db.session.flush()
    record(actor, "proposal.partner_invited", proposal, organisation=partner_org.key, role=role, share=share)
    announce(partner_invited, partner=partner, actor=actor)
    return partner


def remove_partner(actor, proposal, partner_id):
    """The lead takes back an invitation or removes a partner while the proposal can change."""
    _require_editable(actor, proposal)
    partner = next((row for row in proposal.partners if row.id == partner_id), None)
    if partner is None:
        raise NotFound()
    proposal.partners.remove(partner)
    # A removed partner's solutions no longer belong to the consortium.
    own = {solution.id for solution in solution_choices(proposal.organisation_id, proposal)}
    proposal.solution_links = [link for link in proposal.solution_links if link.solution_id in own]
    record(actor, "proposal.partner_removed", proposal, organisation=partner.organisation.key)


def get_invitation(user, partner_id):
    """An invitation for the user's organisation; NotFound for anyone else (the lead reads its proposal)."""
    partner = db.session.get(ConsortiumPartner, partner_id)
    if partner is None or not is_authenticated(user) or partner.organisation_id != user.organisation_id:
        raise NotFound()
    return partner


def invitation_open(partner, now=None):
    """Whether the invited organisation can still answer: not yet answered, the proposal still changing."""
    return partner.status == ConsortiumPartner.INVITED and editable(partner.proposal, now)


def answer_invitation(actor, partner, confirm):
    """A member of the invited organisation confirms or declines its place in the consortium."""
    require(is_authenticated(actor) and actor.organisation_id == partner.organisation_id)
    target = ConsortiumPartner.CONFIRMED if confirm else ConsortiumPartner.DECLINED
    if partner.status != ConsortiumPartner.INVITED:
        raise Stale({"status": _l("Your organisation answered this invitation already; nothing changed.")})
    if not editable(partner.proposal):
        raise Stale({"status": _l("This proposal can no longer change, so the invitation has lapsed.")})
    db.session.flush()
    moved = db.session.execute(
        sql_update(ConsortiumPartner).where(ConsortiumPartner.id == partner.id,
                                        ConsortiumPartner.status == ConsortiumPartner.INVITED)
        .values(status=target, answered_at=utcnow()).execution_options(synchronize_session=False))
    db.session.refresh(partner)
    if moved.rowcount != 1:
        raise Stale({"status": _l("Your organisation answered this invitation already; nothing changed.")})
    record(actor, f"proposal.partner_{target}", partner.proposal, organisation=partner.organisation.key)
    announce(partner_answered, partner=partner, actor=actor)
    return partner


# ---------------------------------------------------------------- the city

def _require_city(actor, proposal):
    require(is_city_of(actor, proposal.challenge), _l("Only the city that owns the challenge decides on proposals."))


def shortlist(actor, proposal, reason=""):
    """The city puts a submitted proposal on its shortlist, optionally saying why."""
    _require_city(actor, proposal)
    if message := check_text(reason, REASON_MAX, required=False, multiline=True):
        raise Invalid({"reason": message})
    stale = (_l("This proposal is on the shortlist already; nothing changed.")
             if proposal.status == Proposal.SHORTLISTED else
             _l("This proposal is %(status)s and cannot be shortlisted.", status=status_label(proposal.status)))
    _move(proposal, (Proposal.SUBMITTED,), Proposal.SHORTLISTED, stale,
          decision_reason=(reason or "").strip(), decided_at=utcnow())
    record(actor, "proposal.shortlisted", proposal)
    announce(proposal_decided, proposal=proposal, actor=actor)
    return proposal


def decline(actor, proposal, reason):
    """The city declines a submitted or shortlisted proposal; the company reads the reason."""
    _require_city(actor, proposal)
    if message := check_text(reason, REASON_MAX, multiline=True):
        raise Invalid({"reason": _l("Say why you decline: the company reads it.") if not (reason or "").strip()
                       else message})
    stale = (_l("This proposal was declined already; nothing changed.") if proposal.status == Proposal.DECLINED
             else _l("This proposal is %(status)s and cannot be declined.", status=status_label(proposal.status)))
    _move(proposal, (Proposal.SUBMITTED, Proposal.SHORTLISTED), Proposal.DECLINED, stale,
          decision_reason=reason.strip(), decided_at=utcnow())
    record(actor, "proposal.declined", proposal)
    announce(proposal_decided, proposal=proposal, actor=actor)
    return proposal


def notes_for(user, proposal):
    """The city's private notes on a proposal, oldest first; nobody but the city's members reads them."""
    if not is_city_of(user, proposal.challenge):
        return []
    return db.session.scalars(select(ProposalNote).where(ProposalNote.proposal_id == proposal.id)
                              .order_by(ProposalNote.created_at, ProposalNote.id)).all()


def add_note(actor, proposal, body):
    """A member of the city notes something on a proposal to its challenge."""
    _require_city(actor, proposal)
    if message := check_text(body, NOTE_MAX, multiline=True):
        raise Invalid({"body": message})
    note = ProposalNote(proposal_id=proposal.id, author=actor, body=body.strip())
    db.session.add(note)
    db.session.flush()
    return note


def sent_to(user, challenge):
    """The proposals sent to a challenge (never drafts), for its city and assigned consultancies."""
    require(can_read_proposals_of(user, challenge))
    return db.session.scalars(select(Proposal).where(
        Proposal.challenge_id == challenge.id, Proposal.status.in_(Proposal.SENT), Proposal.visible_to(user),
    ).order_by(Proposal.submitted_at, Proposal.id)).all()


def notes_by_proposal(user, proposals):
    """{proposal id: the city's notes}, for the city's members only."""
    if not proposals or not is_city_of(user, proposals[0].challenge):
        return {}
    notes = {}
    for note in db.session.scalars(select(ProposalNote).where(
            ProposalNote.proposal_id.in_([proposal.id for proposal in proposals]))
            .order_by(ProposalNote.created_at, ProposalNote.id)):
        notes.setdefault(note.proposal_id, []).append(note)
    return notes


# ---------------------------------------------------------------- labels

STATUS_LABELS = {Proposal.DRAFT: _l("draft"), Proposal.SUBMITTED: _l("submitted"),
                 Proposal.WITHDRAWN: _l("withdrawn"), Proposal.SHORTLISTED: _l("shortlisted"),
                 Proposal.DECLINED: _l("declined")}
ROLE_LABELS = {"technology": _l("technology provider"), "local-partner": _l("local partner"),
               "operator": _l("operator"), "financier": _l("financier"), "other": _l("other role")}
PARTNER_STATUS_LABELS = {ConsortiumPartner.INVITED: _l("invited"), ConsortiumPartner.CONFIRMED: _l("confirmed"),
                         ConsortiumPartner.DECLINED: _l("declined the invitation")}


def status_label(status):
    return STATUS_LABELS[status]


def role_label(role):
    return ROLE_LABELS[role]


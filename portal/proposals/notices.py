"""Who hears of what happens to a proposal: listeners that turn its signals into notifications."""
from .. import signals
from ..links import app_path
from ..notifications.services import notify
from .models import ConsortiumPartner


def _challenge_params(proposal):
    challenge = proposal.challenge
    return {"challenge": challenge.title, "challenge_ko": challenge.title_ko, "proposal": proposal.title,
            "lead": proposal.organisation.name, "lead_ko": proposal.organisation.name_ko or ""}


def _link(proposal):
    return app_path("proposals.show", proposal_id=proposal.id)


def _proposal_submitted(_app, proposal, **_data):
    for member in proposal.challenge.organisation.members:
        notify(member, "proposal_submitted", proposal, _link(proposal), **_challenge_params(proposal))


def _proposal_withdrawn(_app, proposal, **_data):
    for member in proposal.challenge.organisation.members:
        notify(member, "proposal_withdrawn", proposal, _link(proposal), **_challenge_params(proposal))


def _proposal_decided(_app, proposal, **_data):
    """The lead's and the confirmed partners' members read the decision and its reason."""
    kind = "proposal_shortlisted" if proposal.status == proposal.SHORTLISTED else "proposal_declined"
    organisations = [proposal.organisation] + [partner.organisation for partner in proposal.partners
                                               if partner.status == ConsortiumPartner.CONFIRMED]
    for organisation in organisations:
        for member in organisation.members:
            notify(member, kind, proposal, _link(proposal), reason=proposal.decision_reason,
                   **_challenge_params(proposal))


def _partner_invited(_app, partner, **_data):
    """The invited organisation's members get a link to the invitation, which shows no proposal content."""
    proposal = partner.proposal
    for member in partner.organisation.members:
        notify(member, "partner_invited", partner, app_path("proposals.invitation", partner_id=partner.id),
               role=partner.role, share=partner.share, **_challenge_params(proposal))


def _partner_answered(_app, partner, **_data):
    proposal = partner.proposal
    for member in proposal.organisation.members:
        notify(member, "partner_answered", partner, _link(proposal), partner=partner.organisation.name,
               partner_ko=partner.organisation.name_ko or "", answer=partner.status, **_challenge_params(proposal))


def subscribe(app):
    """Listen, for `app`, to what proposals announce."""
    signals.proposal_submitted.connect(_proposal_submitted, sender=app)
    signals.proposal_withdrawn.connect(_proposal_withdrawn, sender=app)
    signals.proposal_decided.connect(_proposal_decided, sender=app)
    signals.partner_invited.connect(_partner_invited, sender=app)
    signals.partner_answered.connect(_partner_answered, sender=app)

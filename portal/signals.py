"""What happened in a domain, announced for whoever listens.

A domain's services send these after they changed the records (in the same
transaction, before the commit), with the application as sender; listeners are
connected per application in create_app (each listening domain's subscribe(app)). A new
domain declares its signals here and needs no changes in the domains that
react to them.
"""
from blinker import Namespace
from flask import current_app

_signals = Namespace()

# sender: the app; organisation=, actor=
organisation_verified = _signals.signal("organisation-verified")
# sender: the app; organisation=, actor=, reason=
organisation_rejected = _signals.signal("organisation-rejected")
# sender: the app; organisation= (its time zone changed: days in that zone are other instants now)
organisation_timezone_changed = _signals.signal("organisation-timezone-changed")
# sender: the app; challenge= (published now, or imported as published)
challenge_published = _signals.signal("challenge-published")
# The domains that come next add theirs here: proposal_submitted, tender_amended, ...

# Proposals. sender: the app; proposal=, actor=
proposal_submitted = _signals.signal("proposal-submitted")
proposal_withdrawn = _signals.signal("proposal-withdrawn")
# sender: the app; proposal=, actor= (proposal.status is shortlisted or declined; decision_reason says why)
proposal_decided = _signals.signal("proposal-decided")
# sender: the app; partner= (a ConsortiumPartner, its proposal at partner.proposal), actor=
partner_invited = _signals.signal("partner-invited")
# sender: the app; partner=, actor= (partner.status is confirmed or declined)
partner_answered = _signals.signal("partner-answered")

# Workspaces. sender: the app; workspace=, organisation= (invited), actor=
workspace_member_invited = _signals.signal("workspace-member-invited")
# sender: the app; workspace=, decision= (a GateDecision, forward or back), actor=
gate_passed = _signals.signal("gate-passed")
# Inside a workspace (workspace_files, discussions, documents); sender: the app; actor= the member who did it.
# workspace_file= (a file was added)
workspace_file_added = _signals.signal("workspace-file-added")
# post=, mentioned= (ids of the users told by member_mentioned about this post)
thread_post_added = _signals.signal("thread-post-added")
# post=, user= (a member of the workspace whom the post mentions)
member_mentioned = _signals.signal("member-mentioned")
# document=, revision= (a requirement document was saved: created, edited or an old revision restored)
document_saved = _signals.signal("document-saved")
# document= (the city agreed its current revision, document.agreed_number)
document_agreed = _signals.signal("document-agreed")

# The facilitator's tools in a workspace. sender: the app; workspace=, actor=, and
# milestone= (added, owned by a member organisation and perhaps one of its people)
milestone_added = _signals.signal("milestone-added")
# decision= (an entry of the decision log)
decision_logged = _signals.signal("decision-logged")
# action= (an ActionItem of a meeting, given to its owner)
action_assigned = _signals.signal("action-assigned")

# The last steps of the path, so that everyone they concern hears of them. sender: the app; actor=
# challenge=, organisation= (a consultancy the city assigned to facilitate its challenge)
consultancy_assigned = _signals.signal("consultancy-assigned")
# workspace=, item= (a FitItem the city added: the member companies are asked to answer it)
fit_item_added = _signals.signal("fit-item-added")
# workspace=, organisation= (a member company), count= (how many of its answers changed)
fit_answered = _signals.signal("fit-answered")
# workspace=, decision= (an InvestmentDecision), changed= (False the first time it is recorded)
investment_recorded = _signals.signal("investment-recorded")

# Tenders. sender: the app; tender=, actor=
# version= (a TenderVersion: number 1, the publication)
tender_published = _signals.signal("tender-published")
# version= (the amendment's), extended= (True when it came less than six days before the submission deadline,
# which moved, with the opening, so that six days remain)
tender_amended = _signals.signal("tender-amended")
# question= (a company asked; who asked is for its own organisation only, never for listeners to pass on)
question_asked = _signals.signal("question-asked")
# question= (the city answered it; the answer is public now, the asker still anonymous)
question_answered = _signals.signal("question-answered")
# (tender.cancellation_reason says why)
tender_cancelled = _signals.signal("tender-cancelled")

# Sealed bids. sender: the app; bid=, actor=. Only the bidder's own members may hear of these before the
# opening: a listener tells nobody else that a bid exists.
bid_received = _signals.signal("bid-received")
bid_withdrawn = _signals.signal("bid-withdrawn")
# sender: the app; tender=, actor= (the city opened the bids after the opening instant)
tender_opened = _signals.signal("tender-opened")
# sender: the app; tender=, evaluator= (an Evaluator row: a person of the city named to score the bids), actor=
evaluator_named = _signals.signal("evaluator-named")
# sender: the app; tender=, awards= (its Award rows, one per lot: every lot is awarded now), actor=
tender_awarded = _signals.signal("tender-awarded")


def announce(signal, **data):
    """Send `signal` from the current application with `data` as keyword arguments."""
    signal.send(current_app._get_current_object(), **data)

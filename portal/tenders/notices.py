"""Who hears of what happens to a tender: the city of a question asked (never who asked), the asking organisation
of its answer, and the member companies of the workspace a tender was built from of its publication and
amendments. Bidders hear of amendments from the bids, which know who they are; nothing here counts or names
a bidder."""
from .. import signals
from ..extensions import db
from ..links import app_path
from ..notifications.services import notify
from ..organisations.models import Organisation
from ..workspaces.services import member_companies


def _params(tender):
    city = tender.organisation
    return {"tender": tender.title, "city": city.name, "city_ko": city.name_ko or "",
            "deadline": tender.submission_deadline.isoformat(), "zone": city.timezone}


def _link(tender, anchor=""):
    return app_path("tenders.show", tender_id=tender.id) + anchor


def _question_asked(_app, tender, question, **_data):
    """The city's people: a question waits for its answer. Who asked stays with the asking organisation."""
    for member in tender.organisation.members:
        notify(member, "question_asked", question, _link(tender, f"#question-{question.id}"), **_params(tender))


def _question_answered(_app, tender, question, **_data):
    for member in db.session.get(Organisation, question.organisation_id).members:
        notify(member, "question_answered", question, _link(tender, f"#question-{question.id}"), **_params(tender))


def _workspace_companies(tender):
    """The people of the member companies of the workspace the tender was built from."""
    if tender.workspace is None:
        return []
    return [person for company in member_companies(tender.workspace) for person in company.members]


def _tender_published(_app, tender, **_data):
    for person in _workspace_companies(tender):
        notify(person, "tender_published", tender, _link(tender), **_params(tender))


def _tender_amended(_app, tender, version, extended, **_data):
    for person in _workspace_companies(tender):
        notify(person, "tender_amended", tender, _link(tender, "#versions"), number=version.number,
               note=version.change_note, extended=extended, **_params(tender))


def subscribe(app):
    """Listen, for `app`, to what tenders announce."""
    signals.question_asked.connect(_question_asked, sender=app)
    signals.question_answered.connect(_question_answered, sender=app)
    signals.tender_published.connect(_tender_published, sender=app)
    signals.tender_amended.connect(_tender_amended, sender=app)

"""Tenders for tests, built through the same services the pages call."""
from datetime import timedelta

from portal.documents import services as documents
from portal.extensions import db
from portal.model_types import utcnow
from portal.tenders import services
from portal.workspaces.models import READY, FitAnswer, FitItem, InvestmentDecision

from . import factories


def timeline(now=None, days=30):
    """Instants (aware, UTC) for a tender published at `now`: questions for `days - 10` days, tenders due after
    `days`, opened an hour later."""
    now = now or utcnow()
    return {"publication_at": now + timedelta(hours=1), "clarification_deadline": now + timedelta(days=days - 10),
            "submission_deadline": now + timedelta(days=days), "opening_at": now + timedelta(days=days, hours=1)}


def data(now=None, **fields):
    """Complete tender data: an open procedure, two lots, price and quality weighed 40 and 60."""
    values = {"title": "Crossing sensors for school routes", "description": "Sensors that warn drivers.",
              "language": "en", "procedure": "open", "terms": {}, "estimated_value": 500000, "currency": "EUR",
              "technical_specification": "Detect a child at 30 m.", "eligibility_criteria": "Registered companies.",
              "selection_criteria": "Two references.", "contract_terms": "Three years.",
              "lots": [{"title": "Sensors", "description": "", "estimated_value": 300000},
                       {"title": "Maintenance", "description": "Five years.", "estimated_value": 200000}],
              "criteria": [{"kind": "price", "name": "Price", "description": "", "weight": 40},
                           {"kind": "quality", "name": "Detection quality", "description": "", "weight": 60}]}
    values.update(timeline(now))
    values.update(fields)
    return values


def draft(city_user, workspace=None, **fields):
    return services.create(city_user, data(**fields), workspace)


def published(city_user, now=None, **fields):
    """A tender of the user's city published at `now` (the server's clock by default)."""
    tender = services.create(city_user, data(now, **fields))
    services.publish(city_user, tender, tender.revision, now=now)
    return tender


def ready_workspace(city_org, city_user, companies, procurement_model="pre-commercial", amount=750000,
                    facilitator=None, challenge=None, currency="KRW", requirements="# Must\n\nWarn within 30 s.",
                    fit_items=(("data-standard", "KS X 6101 water levels", "Levels every minute."),)):
    """A workspace at ready-to-tender (for `challenge`, or a new one): an agreed requirement document saying
    `requirements`, fit items (category, title, text) every company answered, and an investment decision of
    `amount` in `currency`."""
    challenge = challenge or factories.challenge(city_org, title="Flood warnings for alleys")
    workspace = factories.workspace(challenge, companies, facilitator, stage=READY)
    document = documents.create(city_user, workspace, {"title": "Requirements", "body": "# Must\n\nWarn in 60 s."})
    documents.save(city_user, document, {"title": "Requirements", "body": requirements, "base": 1})
    documents.agree(city_user, document, 2)
    for category, title, text in fit_items:
        item = FitItem(workspace_id=workspace.id, category=category, title=title, description=text,
                       created_by_id=city_user.id)
        db.session.add(item)
        db.session.flush()
        for number, company in enumerate(companies):
            db.session.add(FitAnswer(workspace_id=workspace.id, item_id=item.id, organisation_id=company.id,
                                     verdict="fits" if number == 0 else "needs-work",
                                     how=f"{company.name}'s adapter", answered_by_id=city_user.id))
    db.session.add(InvestmentDecision(
        workspace_id=workspace.id, budget_line="Flood pilots", amount=amount, currency=currency,
        funding_source="City budget", procurement_model=procurement_model, approved_by_name="A. Park",
        approved_by_role="Mayor", approved_on=utcnow().date(), recorded_by_id=city_user.id))
    db.session.flush()
    return workspace

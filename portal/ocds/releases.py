"""Open Contracting (OCDS 1.1) releases of the public tenders, and the packages that carry them.

Only tenders that anyone may see are exported (`Tender.visible_to(None)`: never a draft). Each gives its
releases in the order things happened:

- `tender` for its first version and `tenderAmendment` for each later one, read from the version's
  snapshot, so a release says what that version published and not what the tender says now;
- `tenderUpdate` when the city opened the bids: from that release on the tenderers are named and counted.
  Before the opening no release names a bidder or says how many there are (the sealed-bid rule);
- `award` once the tender is awarded (`Award.visible_to(None)`), with the awards and their suppliers;
- `tenderCancellation` when the tender was cancelled.

Lots are described with the OCDS lots extension, which the package declares; items and awards point to
them (`relatedLot`, `relatedLots`). Release ids are the ocid and a suffix (`-tender-2`, `-award`), dates are
ISO 8601 with their offset (UTC), amounts are whole units of the currency.
"""
import json
from datetime import UTC, datetime

from babel import Locale
from flask import current_app
from sqlalchemy import select

from ..bids.models import Award
from ..bids.services import disclosed_bidders
from ..errors import NotFound
from ..extensions import db
from ..links import absolute, public_url
from ..model_types import utcnow
from ..tenders import models as tenders
from ..tenders.models import Lot, Question, Tender
from ..tenders.services import snapshot

LOTS_EXTENSION = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json"
INSTANTS = ("publication_at", "clarification_deadline", "submission_deadline", "opening_at")

# Each procedure as OCDS names its method (the OCDS guidance for EU procedures: every procedure with a call
# for competition that admits only selected candidates is `selective`), and a description of it.
PROCUREMENT_METHODS = {
    tenders.OPEN: ("open", "Open procedure (eForms BT-105: open)"),
    tenders.RESTRICTED: ("selective", "Restricted procedure (eForms BT-105: restricted)"),
    tenders.NEGOTIATED: ("selective", "Negotiated procedure with prior call for competition "
                                      "(eForms BT-105: neg-w-call)"),
    tenders.COMPETITIVE_DIALOGUE: ("selective", "Competitive dialogue (eForms BT-105: comp-dial)"),
    tenders.INNOVATION: ("selective", "Innovation partnership (eForms BT-105: innovation)"),
    tenders.PRE_COMMERCIAL: ("selective", "Pre-commercial procurement, in competing phases"),
    # Korean PPP (PPI Act): solicited or unsolicited, the project is put to open competition.
    tenders.BTO: ("open", "Build-Transfer-Operate (BTO), Korean public-private partnership: "
                          "a concession paid by user fees"),
    tenders.BTL: ("open", "Build-Transfer-Lease (BTL), Korean public-private partnership: "
                          "paid by government lease payments"),
    tenders.BOT: ("open", "Build-Operate-Transfer (BOT), Korean public-private partnership: "
                          "a concession paid by user fees"),
}
# A tender scored on criteria of one kind only; any mix is `ratedCriteria`.
SINGLE_KIND_CRITERIA = {tenders.PRICE: "priceOnly", tenders.COST: "costOnly", tenders.QUALITY: "qualityOnly"}
COUNTRY_NAMES = Locale("en").territories  # open data speaks English, whoever asks


# ---------------------------------------------------------------- what is exported

def public_tenders():
    """Every tender anyone may see, oldest first."""
    return db.session.scalars(select(Tender).where(Tender.visible_to(None)).order_by(Tender.id)).all()


def public_tender(ocid):
    """The public tender with this ocid; NotFound for a draft or an unknown ocid."""
    tender = db.session.scalar(select(Tender).where(Tender.ocid == ocid, Tender.visible_to(None)))
    if tender is None:
        raise NotFound()
    return tender


def public_awards(tender):
    return db.session.scalars(select(Award).join(Lot, Lot.id == Award.lot_id).where(
        Award.tender_id == tender.id, Award.visible_to(None)).order_by(Lot.number)).all()


def answer_times(tender):
    """When each of the tender's public answers was given."""
    return db.session.scalars(select(Question.answered_at).where(
        Question.tender_id == tender.id, Question.visible_to(None))).all()


# ---------------------------------------------------------------- packages

def tender_package(tender):
    return package(releases_of(tender), public_url("ocds.tender_package", ocid=tender.ocid))


def all_public_package():
    releases = [release for tender in public_tenders() for release in releases_of(tender)]
    return package(releases, public_url("ocds.all_releases"))


def package(releases, uri):
    """A release package; published on demand, so its date is that of its newest release."""
    return {
        "uri": uri,
        "version": "1.1",
        "extensions": [LOTS_EXTENSION],
        "publishedDate": max((release["date"] for release in releases), default=iso(utcnow())),
        "publisher": {"name": current_app.config.get("OCDS_PUBLISHER") or "CoCity",
                      "uri": current_app.config["BASE_URL"]},
        "releases": releases,
    }


def dumps(package):
    return json.dumps(package, ensure_ascii=False, indent=2)


# ---------------------------------------------------------------- releases

def releases_of(tender):
    """The tender's releases, oldest first."""
    versions = tender.versions
    bidders, awards, answered = disclosed_bidders(tender), public_awards(tender), answer_times(tender)

    def release(suffix, tag, date, version, status, awarded=()):
        # Bidders are named only in releases made after the opening.
        named = bidders if bidders is not None and date >= tender.opened_at else None
        published = [v for v in versions if v.published_at <= date]
        fields = version_fields(tender, version)
        section = tender_section(tender, fields, status, published, named, any(t <= date for t in answered))
        return build_release(tender, suffix, tag, date, fields, section, named, awarded)

    releases = [release(f"tender-{v.number}", "tenderAmendment" if v.is_amendment else "tender",
                        v.published_at, v, "active") for v in versions]
    latest = tender.current_version
    if tender.opened_at:
        releases.append(release("opening", "tenderUpdate", tender.opened_at, latest, "active"))
    if awards:
        decided = max(award.decided_at for award in awards)
        releases.append(release("award", "award", decided, latest, "complete", awards))
    if tender.status == Tender.CANCELLED and tender.cancelled_at:
        releases.append(release("cancellation", "tenderCancellation", tender.cancelled_at, latest, "cancelled"))
    return sorted(releases, key=lambda item: item["date"])


def build_release(tender, suffix, tag, date, fields, section, named, awards):
    item = {
        "ocid": tender.ocid,
        "id": f"{tender.ocid}-{suffix}",
        "date": iso(date),
        "tag": [tag],
        "initiationType": "tender",
        "language": fields["language"],
        "parties": parties(tender, named, awards),
        "buyer": reference(tender.organisation),
        "tender": section,
    }
    if awards:
        item["awards"] = [award_of(tender, award) for award in awards]
    return item


def parties(tender, named, awards):
    """The buyer, the tenderers (only when `named`) and the suppliers, each once with all its roles."""
    found = {tender.organisation.key: party(tender.organisation, ["buyer", "procuringEntity"])}
    for organisation, role in [(o, "tenderer") for o in named or ()] + [(a.organisation, "supplier") for a in awards]:
        found.setdefault(organisation.key, party(organisation, []))["roles"].append(role)
    return list(found.values())


def party(organisation, roles):
    return {"id": organisation.key, "name": organisation.name,
            "address": {"countryName": COUNTRY_NAMES.get(organisation.country, organisation.country)},
            "roles": roles}


def reference(organisation):
    return {"id": organisation.key, "name": organisation.name}


def tender_section(tender, fields, status, versions, named, has_enquiries):
    """The `tender` object of a release: `fields` as a version published them, `versions` published so far."""
    currency, criteria, lots = fields["currency"], fields["criteria"], published_lots(fields)
    method, method_details = PROCUREMENT_METHODS.get(fields["procedure"], (None, None))
    section = {
        "id": tender.ocid,
        "title": fields["title"],
        "description": fields["description"] or None,
        "status": status,
        "procuringEntity": reference(tender.organisation),
        "items": [{"id": f"item-{lot['number']}", "description": lot["title"], "relatedLot": lot_id(lot["number"])}
                  for lot in lots],
        "lots": [compact({"id": lot_id(lot["number"]), "title": lot["title"], "description": lot["description"] or None,
                          "value": value(lot["estimated_value"], currency)}) for lot in lots],
        "value": value(fields["estimated_value"], currency),
        "procurementMethod": method,
        "procurementMethodDetails": method_details,
        "awardCriteria": award_criteria(criteria),
        "awardCriteriaDetails": "; ".join(f"{c.get('name')} ({c.get('kind')}): {c.get('weight')}%"
                                          for c in criteria) or None,
        "submissionMethod": ["electronicSubmission"],
        "submissionMethodDetails": f"On the portal: {tender_url(tender)}",
        "eligibilityCriteria": fields["eligibility_criteria"] or None,
        "tenderPeriod": period(fields["publication_at"], fields["submission_deadline"]),
        "enquiryPeriod": period(fields["publication_at"], fields["clarification_deadline"]),
        "hasEnquiries": has_enquiries,
        "documents": [document(tender, version, fields["language"]) for version in versions],
        "amendments": [amendment(tender, version) for version in versions if version.is_amendment],
    }
    if named is not None:
        section["numberOfTenderers"] = len(named)
        section["tenderers"] = [reference(organisation) for organisation in named]
    return compact(section)


def published_lots(fields):
    """The lots a version published, each with every key (a snapshot may leave one out)."""
    return [{"number": number, "title": "", "description": "", "estimated_value": None, **lot}
            for number, lot in enumerate(fields["lots"], 1)]


def award_criteria(criteria):
    kinds = {criterion.get("kind") for criterion in criteria}
    if not kinds:
        return None
    return SINGLE_KIND_CRITERIA.get(kinds.pop()) if len(kinds) == 1 else "ratedCriteria"


def document(tender, version, language):
    """A version's frozen PDF; its SHA-256 has no field of its own in OCDS 1.1, so the description holds it."""
    kind = "amendment" if version.is_amendment else "publication"
    note = f" {version.change_note}" if version.change_note else ""
    return {
        "id": f"tender-notice-{version.number}",
        "documentType": "tenderNotice",
        "title": f"Tender notice, version {version.number} ({kind})",
        "description": f"SHA-256: {version.sha256}.{note}",
        "url": absolute(f"/tenders/{tender.id}/versions/{version.number}.pdf"),
        "datePublished": iso(version.published_at),
        "format": "application/pdf",
        "language": language,
    }


def amendment(tender, version):
    return compact({
        "id": f"amendment-{version.number}",
        "date": iso(version.published_at),
        "description": version.change_note or None,
        "amendsReleaseID": f"{tender.ocid}-tender-{version.number - 1}",
        "releaseID": f"{tender.ocid}-tender-{version.number}",
    })


def award_of(tender, award):
    return {
        "id": f"{tender.ocid}-award-{award.lot.number}",
        "title": award.lot.title,
        "description": award.justification,
        "status": "active",
        "date": iso(award.decided_at),
        "value": value(award.value, award.currency),
        "suppliers": [reference(award.organisation)],
        "relatedLots": [lot_id(award.lot.number)],
    }


# ---------------------------------------------------------------- a version's fields

def version_fields(tender, version):
    """What `version` published; a key its snapshot lacks (or a tender without a version) reads the tender."""
    return {**snapshot(tender), **(version.snapshot if version is not None else {})}


# ---------------------------------------------------------------- small values

def lot_id(number):
    return f"lot-{number}"


def tender_url(tender):
    return absolute(f"/tenders/{tender.id}")


def value(amount, currency):
    return None if amount is None else {"amount": amount, "currency": currency}


def period(start, end):
    return compact({"startDate": iso(start), "endDate": iso(end)}) or None


def iso(instant):
    """An instant (datetime or ISO 8601 text, UTC when it names no zone) as ISO 8601 with its offset."""
    if instant is None:
        return None
    if isinstance(instant, str):
        instant = datetime.fromisoformat(instant)
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(UTC).isoformat(timespec="seconds")


def compact(mapping):
    """`mapping` without the keys that say nothing (None or an empty list)."""
    return {key: item for key, item in mapping.items() if item is not None and item != []}

"""Demo data: organisations, solutions and challenges of our own, plus one login per role.

Challenge dates in data.json are written relative to REFERENCE_DAY and shifted
to today when seeding, so a demo set up on any day shows upcoming, open and
closed challenges.
"""
import json
from datetime import date
from pathlib import Path

from sqlalchemy import select

from ..accounts.models import User
from ..accounts.services import create_user
from ..challenges import services as challenges
from ..challenges.models import ChallengeConsultant
from ..extensions import db
from ..imports.services import load
from ..organisations import services as organisations
from .bids import seed_bids
from .proposals import seed_proposals
from .tenders import seed_tenders
from .workspaces import seed_workspaces

DATA_FILE = Path(__file__).parent / "data.json"
REFERENCE_DAY = date(2026, 11, 22)
PASSWORD = "cocity-demo-2026"

# (role, email, name, organisation key, locale)
LOGINS = [
    ("admin", "admin@cocity.example", "Ada Administrator", None, "en"),
    ("city", "city@seoul.example", "박민아 (Park Mina)", "seoul-smart-city-bureau", "ko"),
    ("city", "city@copenhagen.example", "Freja Holm", "copenhagen-smart-operations", "en"),
    ("company", "company@haneul.example", "김도윤 (Kim Doyun)", "haneul-mobility", "ko"),
    ("company", "company@binrute.example", "Mads Kjær", "binrute", "en"),
    ("consultant", "consultant@nordbro.example", "Ingrid Lund", "nordbro-advisory", "en"),
]

# An organisation that registered itself and waits in the admin's queue.
PENDING_ORGANISATION = {
    "kind": "company", "name": "Aurora Grid Analytics", "country": "NO",
    "website": "https://aurora-grid.example",
    "description": "Forecasts neighbourhood electricity demand from smart-meter data so grid "
                   "operators can defer reinforcement.",
    "sectors": ["energy", "ai-data"], "alliance_member": True,
}
PENDING_LOGIN = ("company", "pending@aurora-grid.example", "Sigrid Aune", "en")


def demo_records(today=None):
    """The demo file with challenge dates moved so REFERENCE_DAY becomes `today`."""
    shift = (today or date.today()) - REFERENCE_DAY
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    for challenge in data["challenges"]:
        for field in ("opens", "closes"):
            challenge[field] = (date.fromisoformat(challenge[field]) + shift).isoformat()
    return data


def _ensure_user(email, name, organisation, is_admin=False, locale="en"):
    if db.session.scalar(select(User.id).where(User.email == email)) is None:
        create_user(email, name, PASSWORD, organisation=organisation, is_admin=is_admin, locale=locale)


def seed(today=None):
    """Load the demo set; running it again changes nothing new. Returns the logins."""
    load(demo_records(today))
    for _role, email, name, key, locale in LOGINS:
        organisation = organisations.get(key) if key else None
        _ensure_user(email, name, organisation, is_admin=key is None, locale=locale)
    _role, email, name, locale = PENDING_LOGIN
    if db.session.scalar(select(User.id).where(User.email == email)) is None:
        pending = organisations.create(PENDING_ORGANISATION)
        _ensure_user(email, name, pending, locale=locale)
    # The demo consultancy facilitates one challenge, so its login shows matches.
    challenge = challenges.get("ch-copenhagen-v2g-hubs")
    consultancy = organisations.get("nordbro-advisory")
    if not any(row.organisation_id == consultancy.id for row in challenge.consultants):
        challenge.consultants.append(ChallengeConsultant(organisation_id=consultancy.id))
    seed_proposals()
    db.session.flush()
    seed_workspaces(PASSWORD, today or date.today())
    seed_bids(seed_tenders(today or date.today()), today or date.today())
    logins = [(role, email, PASSWORD) for role, email, *_ in LOGINS]
    return logins + [("pending", PENDING_LOGIN[1], PASSWORD)]



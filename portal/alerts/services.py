"""Alerts: saved searches and followed sectors, checked whenever a challenge becomes public."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from .. import signals
from ..access import is_authenticated, is_member_of_kind, require, require_member_of_kind
from ..accounts.models import User
from ..challenges.models import Challenge
from ..errors import Invalid, NotFound
from ..extensions import db
from ..links import app_path
from ..model_types import utcnow
from ..notifications.services import notified_users, notify
from ..organisations.models import Organisation
from ..search.analysis import gram_analyzer, terms, text_analyzer
from ..search.querying import plan
from ..taxonomy import SECTORS
from ..validation import check_text
from .models import QUERY_MAX, Alert

MAX_ALERTS = 50
_TEXT, _GRAMS = text_analyzer(), gram_analyzer()


def can_set_alerts(user):
    """Company members follow new challenges with alerts."""
    return is_member_of_kind(user, "company")


def my_alerts(user):
    require_member_of_kind(user, "company")
    return db.session.scalars(select(Alert).where(Alert.user_id == user.id).order_by(Alert.created_at)).all()


def create_alert(user, query="", sector=""):
    """Save a search or follow a sector."""
    require_member_of_kind(user, "company")
    query, sector = (query or "").strip(), (sector or "").strip()
    errors = {}
    if not query and not sector:
        errors["query"] = _l("Give words to look for or choose a sector.")
    if query and (message := check_text(query, QUERY_MAX)):
        errors["query"] = message
    elif query and not plan(query).words:
        errors["query"] = _l("These words are too common to look for; add a more specific one.")
    if sector and sector not in SECTORS:
        errors["sector"] = _l("Not a valid choice.")
    count = db.session.scalar(select(func.count(Alert.id)).where(Alert.user_id == user.id))
    if count >= MAX_ALERTS:
        errors["query"] = _l("You have %(n)d alerts already; remove one first.", n=MAX_ALERTS)
    if errors:
        raise Invalid(errors)
    alert = Alert(user_id=user.id, query=query, sector=sector)
    db.session.add(alert)
    db.session.flush()
    return alert


def delete_alert(user, alert_id):
    """Remove one of the user's own alerts."""
    require(is_authenticated(user))
    alert = db.session.get(Alert, alert_id)
    if alert is None or alert.user_id != user.id:
        raise NotFound()
    db.session.delete(alert)


def _challenge_terms(challenge):
    text = "\n".join(filter(None, (challenge.title, challenge.title_ko, challenge.summary, challenge.summary_ko,
                                   challenge.problem, challenge.outcomes)))
    return set(terms(_TEXT, text)) | set(terms(_GRAMS, text))


def matches(alert, challenge, challenge_terms):
    """Whether a challenge satisfies the alert: its sector, and every word of its search (or a translation)."""
    if alert.sector and alert.sector not in challenge.sectors:
        return False
    if not alert.query:
        return True
    for word in plan(alert.query).words:
        options = [*word.alternatives, *word.translations] + ([word.grams] if word.grams else [])
        if not any(set(option) <= challenge_terms for option in options):
            return False
    return True


def notify_new_challenge(challenge):
    """Notify every company member whose alert matches a challenge that just became public."""
    if challenge.phase(utcnow()) not in ("open", "upcoming") or not challenge.is_visible_to(None):
        return 0
    challenge_terms = _challenge_terms(challenge)
    already = notified_users("alert_match", challenge)
    alerts = db.session.scalars(
        select(Alert).join(Alert.user).join(Organisation, User.organisation_id == Organisation.id)
        .options(contains_eager(Alert.user))
        .where(User.active.is_(True), Organisation.kind == "company").order_by(Alert.id)).all()
    sent = 0
    for alert in alerts:
        if alert.user_id not in already and matches(alert, challenge, challenge_terms):
            already.add(alert.user_id)
            notification = notify(alert.user, "alert_match", challenge, app_path("challenges.show", key=challenge.key),
                                  title=challenge.title, title_ko=challenge.title_ko,
                                  organisation=challenge.organisation.name, query=alert.query, sector=alert.sector)
            sent += notification is not None
    return sent


def _challenge_published(_app, challenge, **_data):
    notify_new_challenge(challenge)


def _organisation_verified(_app, organisation, **_data):
    # Its challenges become public only now.
    for challenge in db.session.scalars(select(Challenge).where(Challenge.organisation_id == organisation.id)):
        notify_new_challenge(challenge)


def subscribe(app):
    """Listen, for `app`, to the announcements that can make a challenge public."""
    signals.challenge_published.connect(_challenge_published, sender=app)
    signals.organisation_verified.connect(_organisation_verified, sender=app)

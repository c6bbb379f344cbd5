"""Notifications: made when something happens, shown on the portal and mailed as each person chose."""
from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from .. import mail, signals
from ..access import is_authenticated, require
from ..errors import Invalid, NotFound
from ..extensions import db
from ..links import absolute, app_path, public_url
from ..model_types import utcnow
from .kinds import CHANNELS, EMAIL, KINDS, OFF, in_reader_language
from .models import Notification, NotificationPreference


def channel_for(user, kind):
    """How `user` wants notifications of `kind`: EMAIL, PORTAL or OFF."""
    row = db.session.get(NotificationPreference, (user.id, kind))
    return row.channel if row else KINDS[kind].default


def notify(recipient, kind, record, link, **params):
    """Tell `recipient` about `record` on the portal, and by mail if they want that; None if they do not."""
    entry = KINDS[kind]
    channel = channel_for(recipient, kind)
    if channel == OFF or not recipient.active:
        return None
    notification = Notification(user=recipient, kind=kind, record_type=type(record).__name__.lower(),
                                record_id=record.id, link=link, params=params)
    db.session.add(notification)
    if channel == EMAIL:
        _mail(recipient, entry, notification)
    return notification


def _mail(recipient, entry, notification):
    with force_locale(recipient.locale):
        context = {"recipient": recipient, "params": notification.params, "text": entry.describe(notification.params),
                   "link": absolute(notification.link), "preferences_link": public_url("accounts.preferences"),
                   "in_reader_language": in_reader_language}
        mail.queue(db.session, recipient.email, str(entry.subject),
                   render_template(f"email/{entry.name}.txt", **context),
                   render_template(f"email/{entry.name}.html", **context))


def notified_users(kind, record):
    """Ids of the users who have a notification of `kind` about `record`."""
    return set(db.session.scalars(select(Notification.user_id).where(
        Notification.kind == kind, Notification.record_type == type(record).__name__.lower(),
        Notification.record_id == record.id)))


def describe(notification):
    """The notification's line in the reader's language."""
    return KINDS[notification.kind].describe(notification.params)


def notifications(user, limit=100):
    """The user's newest notifications."""
    require(is_authenticated(user))
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)).all()


def unread_count(user):
    if not is_authenticated(user):
        return 0
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)))


def open_notification(user, notification_id):
    """The path a notification of `user` leads to, marked read now that they follow it; NotFound for anyone
    else's."""
    require(is_authenticated(user))
    notification = db.session.scalar(select(Notification).where(Notification.id == notification_id,
                                                                Notification.user_id == user.id))
    if notification is None:
        raise NotFound()
    if notification.read_at is None:
        notification.read_at = utcnow()
    return notification.link


def mark_all_read(user):
    require(is_authenticated(user))
    db.session.execute(update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
                       .values(read_at=utcnow()))


# ---------------------------------------------------------------- preferences

def preferences(user):
    """{kind: channel} for every kind, the user's choice or the kind's default."""
    chosen = dict(db.session.execute(select(NotificationPreference.kind, NotificationPreference.channel)
                                     .where(NotificationPreference.user_id == user.id)).all())
    return {name: chosen.get(name, kind.default) for name, kind in KINDS.items()}


def set_preferences(user, choices):
    """Save how the user wants each kind of notification; `choices` maps kind names to channels."""
    require(is_authenticated(user))
    errors = {name: _l("Not a valid choice.") for name in KINDS if choices.get(name) not in CHANNELS}
    if errors:
        raise Invalid(errors)
    for name in KINDS:
        row = db.session.get(NotificationPreference, (user.id, name))
        if row is None:
            db.session.add(NotificationPreference(user_id=user.id, kind=name, channel=choices[name]))
        else:
            row.channel = choices[name]


# ---------------------------------------------------------------- what other domains announce

def _organisation_verified(_app, organisation, **_data):
    for member in organisation.members:
        notify(member, "organisation_verified", organisation, app_path("organisations.show", key=organisation.key),
               organisation=organisation.name)


def _organisation_rejected(_app, organisation, reason, **_data):
    for member in organisation.members:
        notify(member, "organisation_rejected", organisation, app_path("organisations.show", key=organisation.key),
               organisation=organisation.name, reason=reason)


def _consultancy_assigned(_app, challenge, organisation, **_data):
    city = challenge.organisation
    for member in organisation.members:
        notify(member, "consultancy_assigned", challenge, app_path("challenges.show", key=challenge.key),
               city=city.name, city_ko=city.name_ko or "", challenge=challenge.title, challenge_ko=challenge.title_ko)


def subscribe(app):
    """Listen, for `app`, to what the domains announce."""
    signals.organisation_verified.connect(_organisation_verified, sender=app)
    signals.organisation_rejected.connect(_organisation_rejected, sender=app)
    signals.consultancy_assigned.connect(_consultancy_assigned, sender=app)

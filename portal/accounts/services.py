"""Accounts: passwords, sessions, login throttling, registration, invitations."""
import hashlib
import secrets
from contextlib import suppress
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from .. import mail
from ..access import is_admin, is_authenticated, require
from ..audit.services import record
from ..errors import Invalid, NotFound
from ..extensions import db
from ..links import public_url
from ..model_types import utcnow
from ..organisations import services as organisation_services
from ..organisations.models import Organisation
from ..validation import check_email, check_text, check_timezone
from .models import NAME_MAX, PASSWORD_MAX, PASSWORD_MIN, Invitation, LoginFailure, User, UserSession


class TooManyAttempts(Exception):
    """Login is throttled for this account or address."""

    def __init__(self, minutes):
        super().__init__(minutes)
        self.minutes = minutes


# ---------------------------------------------------------------- passwords

def _hasher():
    config = current_app.config
    return PasswordHasher(
        time_cost=config["PASSWORD_HASH_TIME_COST"],
        memory_cost=config["PASSWORD_HASH_MEMORY_KIB"],
        parallelism=1,
    )


def hash_password(password):
    """An Argon2id hash of the password."""
    return _hasher().hash(password)


def _stand_in_hash():
    """A hash with the current cost settings, checked when there is no account to check: refusing an
    unknown or deactivated account then takes as long as refusing a wrong password."""
    if "portal_stand_in_hash" not in current_app.extensions:
        current_app.extensions["portal_stand_in_hash"] = hash_password(secrets.token_hex(16))
    return current_app.extensions["portal_stand_in_hash"]


def password_matches(user, password):
    """Check the password, rehashing when the cost settings changed."""
    hasher = _hasher()
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True


def check_password(password, email="", name=""):
    """A message if the password is too weak, else None."""
    if not isinstance(password, str) or len(password) < PASSWORD_MIN:
        return _l("Use at least %(n)d characters.", n=PASSWORD_MIN)
    if len(password) > PASSWORD_MAX:
        return _l("At most %(n)d characters.", n=PASSWORD_MAX)
    lowered = password.lower()
    if email and lowered == email.lower() or name and lowered == name.lower():
        return _l("Do not use your email address or name as the password.")
    return None


def normalise_email(email):
    return (email or "").strip().lower()


# ---------------------------------------------------------------- sessions

def start_session(user):
    """Create a server-side session for `user` and return its token."""
    token = secrets.token_urlsafe(32)
    days = current_app.config["SESSION_LIFETIME_DAYS"]
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at <= utcnow()))
    db.session.add(UserSession(token=token, user=user, expires_at=utcnow() + timedelta(days=days)))
    user.session_token = token
    user.last_login_at = utcnow()
    return token


def load_session(token):
    """The active user whose live session has this token, or None."""
    if not token or not isinstance(token, str):
        return None
    row = db.session.get(UserSession, token)
    if row is None or row.expires_at <= utcnow() or not row.user.active:
        return None
    row.user.session_token = token
    return row.user


def end_session(token):
    """Forget one session: its cookie stops working, wherever it was copied to."""
    db.session.execute(delete(UserSession).where(UserSession.token == token))


def end_other_sessions(user, keep_token=None):
    """End every session of `user` except `keep_token`."""
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if keep_token:
        query = query.where(UserSession.token != keep_token)
    db.session.execute(query)


# ---------------------------------------------------------------- login

LOGIN_LOCK = 1  # the class of the PostgreSQL advisory locks logins take, one for each email address


def _recent_failures(column, value):
    since = utcnow() - timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    return db.session.scalar(
        select(func.count(LoginFailure.id)).where(column == value, LoginFailure.at > since)
    )


def check_throttle(email, address):
    """Raise TooManyAttempts while this account or address is locked out."""
    config = current_app.config
    if (
        _recent_failures(LoginFailure.email, normalise_email(email)) >= config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
        or _recent_failures(LoginFailure.address, address) >= config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    ):
        raise TooManyAttempts(config["LOGIN_WINDOW_MINUTES"])


def _lock_login(email):
    """Make concurrent logins to one account wait for each other until the first commits, so that each
    counts the failures of those before it. SQLite needs nothing: a writing transaction holds its lock
    from the start."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(LOGIN_LOCK, func.hashtext(email))))


def authenticate(email, password, address):
    """The user with these credentials, or None; records failures for throttling.

    The caller must commit even when this returns None, so the failure counts.
    """
    email = normalise_email(email)
    _lock_login(email)
    check_throttle(email, address)
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None or not user.active:
        # The same time as a real check, so that the answer does not tell whether the account exists.
        with suppress(VerificationError, InvalidHashError):
            _hasher().verify(_stand_in_hash(), password or "")
        user = None
    if user is None or not password_matches(user, password or ""):
        prune_login_failures()
        db.session.add(LoginFailure(email=email[:254], address=address[:64]))
        return None
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == email))
    return user


def prune_login_failures():
    """Drop failures older than the throttling window; they no longer count."""
    since = utcnow() - timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    db.session.execute(delete(LoginFailure).where(LoginFailure.at <= since))


# ---------------------------------------------------------------- registration

EMAIL_TAKEN = _l("An account with this email address exists already.")


def person_errors(data, email_field=True):
    errors = {}
    if email_field:
        if message := check_email(data.get("email")):
            errors["email"] = message
        elif db.session.scalar(select(User.id).where(User.email == normalise_email(data["email"]))):
            errors["email"] = EMAIL_TAKEN
    if message := check_text(data.get("name"), NAME_MAX):
        errors["name"] = message
    if message := check_password(data.get("password"), data.get("email", ""), data.get("name", "")):
        errors["password"] = message
    if data.get("locale") not in current_app.config["LANGUAGES"]:
        errors["locale"] = _l("Not a valid choice.")
    if message := check_timezone(data.get("timezone", "UTC")):
        errors["timezone"] = message
    return errors


def _new_user(data, organisation, email):
    """Add and flush the account; Invalid when a concurrent request took its email address meanwhile."""
    email, password_hash = normalise_email(email), hash_password(data["password"])
    try:
        with db.session.begin_nested():
            # By id, not through the relationship: a failed insert must leave no trace in `members`.
            user = User(email=email, name=data["name"].strip(), password_hash=password_hash, locale=data["locale"],
                        timezone=data.get("timezone") or organisation.timezone, organisation_id=organisation.id)
            db.session.add(user)
            db.session.flush()
    except IntegrityError:
        if not db.session.scalar(select(User.id).where(User.email == email)):
            raise
        raise Invalid({"email": EMAIL_TAKEN}) from None
    return user


def registration_errors(person, organisation_data):
    """Errors by form field for a registration with a new organisation."""
    errors = person_errors(person)
    organisation_errors = organisation_services.validate(organisation_data, new=True)
    errors.update({f"organisation_{k}": v for k, v in organisation_errors.items()})
    return errors


def register_with_organisation(person, organisation_data):
    """Create a new organisation (pending verification) and its first member."""
    if errors := registration_errors(person, organisation_data):
        raise Invalid(errors)
    organisation = organisation_services.create(organisation_data)
    user = _new_user(person, organisation, person["email"])
    record(user, "organisation.registered", organisation)
    return user


# ---------------------------------------------------------------- invitations

def _token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def can_invite(user):
    """Members of a verified organisation invite colleagues: an unverified one could use the portal as a mailer."""
    return is_authenticated(user) and user.organisation is not None and user.organisation.is_verified


def invite(actor, email):
    """Invite `email` to the actor's verified organisation and email them a link."""
    require(is_authenticated(actor) and actor.organisation is not None)
    organisation = actor.organisation
    if not can_invite(actor):
        raise Invalid({"email": _l("You can invite colleagues once an administrator has verified %(name)s.",
                                   name=organisation.name)})
    if message := check_email(email):
        raise Invalid({"email": message})
    email = normalise_email(email)
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise Invalid({"email": _l("This person has an account already; accounts belong to one organisation.")})
    limit = current_app.config["INVITATIONS_PER_DAY"]
    # Lock the organisation's row so concurrent invitations count one after another.
    db.session.execute(select(Organisation.id).where(Organisation.id == organisation.id).with_for_update())
    sent = db.session.scalar(select(func.count(Invitation.id)).where(
        Invitation.organisation_id == organisation.id, Invitation.created_at > utcnow() - timedelta(days=1)))
    if sent >= limit:
        raise Invalid({"email": _l("%(name)s has sent %(n)d invitations in the last 24 hours, the most it may; "
                                   "try again tomorrow.", name=organisation.name, n=limit)})
    token = secrets.token_urlsafe(32)
    days = current_app.config["INVITATION_DAYS"]
    invitation = Invitation(
        token_hash=_token_hash(token), organisation=actor.organisation, email=email,
        invited_by=actor, expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(invitation)
    link = public_url("accounts.accept_invitation", token=token)
    with force_locale(actor.locale):
        # Subject and sender are the portal's own words; names people chose appear only in the body.
        mail.queue(db.session, email, _("An invitation to join an organisation on CoCity"),
                   render_template("email/invitation.txt", invitation=invitation, link=link, days=days))
    record(actor, "organisation.invited", actor.organisation, email=email)
    return invitation


def find_invitation(token, for_update=False):
    """The open invitation for this token; NotFound when unknown, used or expired. `for_update` locks it
    until the transaction ends, and reads it afresh once a concurrent acceptance has committed."""
    if not token or not isinstance(token, str) or len(token) > 100:
        raise NotFound()
    statement = select(Invitation).where(Invitation.token_hash == _token_hash(token))
    if for_update:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    invitation = db.session.scalar(statement)
    if invitation is None or invitation.accepted_at or invitation.expires_at <= utcnow():
        raise NotFound()
    return invitation


def accept_invitation(token, person):
    """Create the invited person's account in the inviting organisation."""
    invitation = find_invitation(token, for_update=True)
    person = dict(person, email=invitation.email)
    if errors := person_errors(person):
        raise Invalid(errors)
    user = _new_user(person, invitation.organisation, invitation.email)
    invitation.accepted_at = utcnow()
    db.session.flush()
    record(user, "organisation.joined", invitation.organisation)
    return user


def pending_invitations(organisation):
    """Invitations of an organisation that are neither used nor expired."""
    return db.session.scalars(
        select(Invitation).where(
            Invitation.organisation_id == organisation.id,
            Invitation.accepted_at.is_(None), Invitation.expires_at > utcnow(),
        ).order_by(Invitation.created_at.desc())
    ).all()


# ---------------------------------------------------------------- passwords, profile

def _reset_serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _hash_fingerprint(user):
    # Part of the current hash: once the password changes, old links stop working.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def request_password_reset(email):
    """Email a reset link if an active account has this address; say nothing either way."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.active:
        return
    token = _reset_serializer().dumps({"u": user.id, "h": _hash_fingerprint(user)})
    link = public_url("accounts.reset_password", token=token)
    with force_locale(user.locale):
        mail.queue(
            db.session, user.email, _("Reset your CoCity password"),
            render_template("email/password_reset.txt", user=user, link=link,
                            minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60),
        )


def user_for_reset_token(token):
    """The user a valid, unused reset token belongs to; NotFound otherwise."""
    try:
        data = _reset_serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except BadSignature:
        raise NotFound() from None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not user.active or data.get("h") != _hash_fingerprint(user):
        raise NotFound()
    return user


def reset_password(token, password):
    """Set a new password from a reset link and end every session of the user."""
    user = user_for_reset_token(token)
    if message := check_password(password, user.email, user.name):
        raise Invalid({"password": message})
    user.password_hash = hash_password(password)
    end_other_sessions(user)
    record(user, "user.password_reset", user)
    return user


def change_password(user, current_password, new_password):
    """Change the password; other sessions of the user end."""
    if not password_matches(user, current_password or ""):
        raise Invalid({"current_password": _l("This is not your current password.")})
    if message := check_password(new_password, user.email, user.name):
        raise Invalid({"new_password": message})
    user.password_hash = hash_password(new_password)
    end_other_sessions(user, keep_token=user.session_token)
    record(user, "user.password_changed", user)


def update_preferences(user, locale, timezone):
    """Set the user's language and time zone."""
    errors = {}
    if locale not in current_app.config["LANGUAGES"]:
        errors["locale"] = _l("Not a valid choice.")
    if message := check_timezone(timezone):
        errors["timezone"] = message
    if errors:
        raise Invalid(errors)
    user.locale, user.timezone = locale, timezone


# ---------------------------------------------------------------- administration

def list_users(actor, query=None, page=1):
    """Users for the admin's user list, optionally filtered by name or email."""
    require(is_admin(actor))
    statement = select(User).order_by(User.created_at.desc())
    if query:
        pattern = f"%{query.lower()}%"
        statement = statement.where(
            func.lower(User.email).like(pattern) | func.lower(User.name).like(pattern)
        )
    return db.paginate(statement, page=page, per_page=current_app.config["PAGE_SIZE"], error_out=False)


def set_user_active(actor, user_id, active):
    """Deactivate (ending their sessions) or reactivate a user."""
    require(is_admin(actor))
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    if user.id == actor.id:
        raise Invalid({"user": _l("You cannot deactivate your own account.")})
    user.active = active
    if not active:
        end_other_sessions(user)
    record(actor, "user.activated" if active else "user.deactivated", user)
    return user


def create_user(email, name, password, organisation=None, is_admin=False, locale="en"):
    """Create an account directly (demo data, command line)."""
    errors = person_errors({"email": email, "name": name, "password": password,
                               "locale": locale, "timezone": "UTC"})
    if errors:
        raise Invalid(errors)
    user = User(
        email=normalise_email(email), name=name, password_hash=hash_password(password),
        locale=locale, organisation=organisation, is_admin=is_admin,
        timezone=organisation.timezone if organisation else "UTC",
    )
    db.session.add(user)
    db.session.flush()
    return user


"""People, their server-side sessions, failed logins and invitations."""
from flask_login import UserMixin

from ..extensions import db
from ..model_types import UTCDateTime, utcnow

NAME_MAX = 120
EMAIL_MAX = 254
PASSWORD_MIN = 10
PASSWORD_MAX = 200


class User(UserMixin, db.Model):
    """A person; belongs to one organisation unless they only administer the portal."""

    __tablename__ = "users"

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(EMAIL_MAX), unique=True, nullable=False)
    name = db.Column(db.String(NAME_MAX), nullable=False)
    password_hash = db.Column(db.String(255), nullable=False)
    locale = db.Column(db.String(5), nullable=False, default="en")
    timezone = db.Column(db.String(64), nullable=False, default="UTC")
    organisation_id = db.Column(db.Integer, db.ForeignKey("organisations.id"), index=True)
    is_admin = db.Column(db.Boolean, nullable=False, default=False)
    active = db.Column(db.Boolean, nullable=False, default=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    last_login_at = db.Column(UTCDateTime)

    organisation = db.relationship("Organisation", back_populates="members", lazy="joined")

    __table_args__ = (
        db.CheckConstraint("is_admin OR organisation_id IS NOT NULL", name="member_or_admin"),
    )

    # Flask-Login keeps this in the cookie instead of the user id: it names a
    # row in user_sessions, so deleting the row ends the session everywhere.
    session_token = None

    def get_id(self):
        return self.session_token

    @property
    def is_active(self):
        return self.active

    @property
    def role(self):
        """admin, city, company or consultant."""
        if self.is_admin:
            return "admin"
        return {"city": "city", "company": "company", "consultancy": "consultant"}[
            self.organisation.kind
        ]

    def __repr__(self):
        return f"<User {self.email}>"


class UserSession(db.Model):
    """A logged-in browser; the cookie carries only its random token."""

    __tablename__ = "user_sessions"

    token = db.Column(db.String(64), primary_key=True)
    user_id = db.Column(
        db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = db.Column(UTCDateTime, nullable=False)

    user = db.relationship("User", lazy="joined")


class LoginFailure(db.Model):
    """A failed login, kept for throttling; every worker process sees the same rows."""

    __tablename__ = "login_failures"

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(EMAIL_MAX), nullable=False, index=True)
    address = db.Column(db.String(64), nullable=False, index=True)
    at = db.Column(UTCDateTime, nullable=False, default=utcnow, index=True)


class Invitation(db.Model):
    """An emailed invitation to join an organisation; only the token's hash is stored."""

    __tablename__ = "invitations"

    id = db.Column(db.Integer, primary_key=True)
    token_hash = db.Column(db.String(64), unique=True, nullable=False)
    organisation_id = db.Column(
        db.Integer, db.ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False
    )
    email = db.Column(db.String(EMAIL_MAX), nullable=False)
    invited_by_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"))
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = db.Column(UTCDateTime, nullable=False)
    accepted_at = db.Column(UTCDateTime)

    organisation = db.relationship("Organisation")
    invited_by = db.relationship("User", foreign_keys=[invited_by_id])

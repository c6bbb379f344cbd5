"""Who may do what: small predicates shared by the domain services."""
from .errors import NotAllowed


def is_authenticated(user):
    return user is not None and getattr(user, "is_authenticated", False)


def is_admin(user):
    return is_authenticated(user) and user.is_admin


def is_member(user, organisation):
    """Whether the user belongs to this organisation."""
    return (
        is_authenticated(user)
        and organisation is not None
        and user.organisation_id == organisation.id
    )


def require(condition, reason=None):
    """Raise NotAllowed unless `condition` holds."""
    if not condition:
        raise NotAllowed(reason)


def is_member_of_kind(user, kind):
    """Whether the user belongs to an organisation of this kind (city, company, consultancy)."""
    return is_authenticated(user) and user.organisation is not None and user.organisation.kind == kind


def require_member_of_kind(user, kind):
    """The user belongs to an organisation of this kind; returns that organisation."""
    require(is_member_of_kind(user, kind))
    return user.organisation

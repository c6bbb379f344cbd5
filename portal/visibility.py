"""Who may see a record: one rule per model, which pages, listings, search, matching and the command line all ask.

A model says two things: `public_rule()`, the SQL condition under which anyone may see a record, and
`owner_id()`, the column naming the organisation whose members see the record in every state (drafts,
archived, before verification). Administrators see everything. `visible_to(user)` puts the three together
as one SQL condition; listings filter with it, a page loads its record through it, the search index stores
`visible_to(None)` as a document's `public` flag beside the owner, and `is_visible_to` answers for one
loaded record with the same condition, so no copy of the rule can drift from another.

A record that more than its owner's members see in every state (a proposal: its consortium partners and
the city it answers) widens `insider_rule`; the search index then needs to carry those organisations too.
Administrators see everything, except in models that set `admin_sees_all = False` (proposals, workspaces,
bids), where they see what their own organisation sees.
"""
from sqlalchemy import exists, or_, select, true

from .access import is_admin, is_authenticated
from .extensions import db


def organisation_of(user):
    """The id of the organisation the user is a member of; None for nobody signed in or no organisation."""
    return user.organisation_id if is_authenticated(user) else None


class Visible:
    """Mixin for models with one rule for who may see their records."""

    # Administrators see every record of most models; commercial and private content (proposals,
    # workspaces, bids) says False, and administrators then see it only where their organisation does.
    admin_sees_all = True

    @classmethod
    def public_rule(cls):
        """SQL condition: anyone, signed in or not, may see the record."""
        raise NotImplementedError

    @classmethod
    def owner_id(cls):
        """The column naming the organisation whose members always see the record."""
        return cls.organisation_id

    @classmethod
    def insider_rule(cls, organisation_id):
        """SQL condition: members of this organisation see the record in every state (its owner's do)."""
        return cls.owner_id() == organisation_id

    @classmethod
    def visible_to(cls, user):
        """SQL condition: `user` (None or anonymous for the public) may see the record."""
        if cls.admin_sees_all and is_admin(user):
            return true()
        organisation_id = organisation_of(user)
        if organisation_id is None:
            return cls.public_rule()
        return or_(cls.public_rule(), cls.insider_rule(organisation_id))

    def is_visible_to(self, user):
        """Whether `user` may see this record, asked of the database with the same condition."""
        model = type(self)
        return bool(db.session.scalar(select(exists().where(model.id == self.id, model.visible_to(user)))))

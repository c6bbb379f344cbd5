"""Requirement documents and their revisions, inside a workspace."""
from ..extensions import db
from ..model_types import UTCDateTime, utcnow
from ..workspaces.models import InsideWorkspace

TITLE_MAX = 200
BODY_MAX = 100_000


class Document(InsideWorkspace, db.Model):
    """A Markdown document; its text is that of its latest revision (`current_number`).

    The city may mark a revision agreed (`agreed_number`); a later revision ends the agreement and says so.
    A deleted document stays in the database, out of every list, and its pages answer 404 with the reason.
    """

    __tablename__ = "documents"

    id = db.Column(db.Integer, primary_key=True)
    workspace_id = db.Column(db.Integer, db.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False,
                             index=True)
    title = db.Column(db.String(TITLE_MAX), nullable=False)
    current_number = db.Column(db.Integer, nullable=False, default=1)
    agreed_number = db.Column(db.Integer)
    agreed_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    agreed_at = db.Column(UTCDateTime)
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    deleted_at = db.Column(UTCDateTime)
    deleted_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))

    workspace = db.relationship("Workspace")
    agreed_by = db.relationship("User", foreign_keys=[agreed_by_id])
    deleted_by = db.relationship("User", foreign_keys=[deleted_by_id])
    revisions = db.relationship("DocumentRevision", back_populates="document", cascade="all, delete-orphan",
                                order_by="DocumentRevision.number")

    def __repr__(self):
        return f"<Document {self.id} r{self.current_number}>"


class DocumentRevision(InsideWorkspace, db.Model):
    """One save of a document: its whole title and text, who saved it and when.

    `restored_from` names the revision whose text this one brought back; `ended_agreement` the agreed
    revision this one replaced, which is no longer agreed.
    """

    __tablename__ = "document_revisions"

    id = db.Column(db.Integer, primary_key=True)
    document_id = db.Column(db.Integer, db.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False,
                            index=True)
    workspace_id = db.Column(db.Integer, db.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False,
                             index=True)
    number = db.Column(db.Integer, nullable=False)
    title = db.Column(db.String(TITLE_MAX), nullable=False)
    body = db.Column(db.Text, nullable=False)
    author_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    restored_from = db.Column(db.Integer)
    ended_agreement = db.Column(db.Integer)

    document = db.relationship("Document", back_populates="revisions")
    author = db.relationship("User", lazy="joined")

    __table_args__ = (db.UniqueConstraint("document_id", "number", name="uq_document_revisions_number"),)

    def __repr__(self):
        return f"<DocumentRevision {self.document_id} r{self.number}>"

"""A file someone uploaded, as the portal stores it."""
from ..extensions import db
from ..model_types import UTCDateTime, utcnow

NAME_MAX = 255


class StoredFile(db.Model):
    """The bytes of an upload, kept in the instance folder under `storage_name`, and what is known of them.

    A stored file has no visibility rule of its own: the record that holds it (a workspace's file, later a
    proposal's attachment or a tender's document) says who may see it, and only that record's pages send it.
    `content_type` is what the portal detected from the content, never what the browser declared.
    """

    __tablename__ = "stored_files"

    id = db.Column(db.Integer, primary_key=True)
    original_name = db.Column(db.String(NAME_MAX), nullable=False)
    content_type = db.Column(db.String(100), nullable=False)
    size = db.Column(db.BigInteger, nullable=False)
    sha256 = db.Column(db.String(64), nullable=False)
    storage_name = db.Column(db.String(64), nullable=False, unique=True)
    uploaded_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    uploaded_by = db.relationship("User")

    __table_args__ = (db.CheckConstraint("size > 0", name="size"),)

    def __repr__(self):
        return f"<StoredFile {self.id} {self.content_type} {self.size}>"

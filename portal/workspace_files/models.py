"""A file shared in a workspace."""
from ..extensions import db
from ..model_types import UTCDateTime, utcnow
from ..workspaces.models import InsideWorkspace


class WorkspaceFile(InsideWorkspace, db.Model):
    """A stored file put into a workspace; its members see it, everyone else gets a 404."""

    __tablename__ = "workspace_files"

    id = db.Column(db.Integer, primary_key=True)
    workspace_id = db.Column(db.Integer, db.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False,
                             index=True)
    stored_file_id = db.Column(db.Integer, db.ForeignKey("stored_files.id"), nullable=False, unique=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    workspace = db.relationship("Workspace")
    stored_file = db.relationship("StoredFile", lazy="joined")

    def __repr__(self):
        return f"<WorkspaceFile {self.id} in {self.workspace_id}>"

"""Threads and their posts, inside a workspace."""
from ..extensions import db
from ..model_types import UTCDateTime, utcnow
from ..workspaces.models import InsideWorkspace

TITLE_MAX = 200
BODY_MAX = 20000


class Thread(InsideWorkspace, db.Model):
    """A conversation in a workspace, opened with its first post."""

    __tablename__ = "discussion_threads"

    id = db.Column(db.Integer, primary_key=True)
    workspace_id = db.Column(db.Integer, db.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False,
                             index=True)
    title = db.Column(db.String(TITLE_MAX), nullable=False)
    author_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    last_post_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    workspace = db.relationship("Workspace")
    author = db.relationship("User")
    posts = db.relationship("Post", back_populates="thread", cascade="all, delete-orphan",
                            order_by="Post.id")

    def __repr__(self):
        return f"<Thread {self.id} in {self.workspace_id}>"


class Post(InsideWorkspace, db.Model):
    """One member's message in a thread, in Markdown; `edited_at` marks a post its author changed."""

    __tablename__ = "discussion_posts"

    id = db.Column(db.Integer, primary_key=True)
    thread_id = db.Column(db.Integer, db.ForeignKey("discussion_threads.id", ondelete="CASCADE"), nullable=False,
                          index=True)
    # The thread's workspace, kept on the post so that the one rule for records inside a workspace applies.
    workspace_id = db.Column(db.Integer, db.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False,
                             index=True)
    author_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    body = db.Column(db.Text, nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    edited_at = db.Column(UTCDateTime)

    thread = db.relationship("Thread", back_populates="posts")
    author = db.relationship("User", lazy="joined")

    def __repr__(self):
        return f"<Post {self.id} in thread {self.thread_id}>"

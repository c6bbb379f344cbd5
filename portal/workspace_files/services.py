"""The rules of a workspace's files: members list, add and download them; for anyone else they do not exist."""
from ..access import require
from ..audit.services import record
from ..errors import NotFound
from ..extensions import db
from ..files import services as files
from ..signals import announce, workspace_file_added
from ..workspaces import services as workspaces
from .models import WorkspaceFile


def files_of(user, workspace):
    """The workspace's files that `user` may see, newest first."""
    return db.session.scalars(db.select(WorkspaceFile).where(
        WorkspaceFile.workspace_id == workspace.id, WorkspaceFile.visible_to(user))
        .order_by(WorkspaceFile.created_at.desc(), WorkspaceFile.id.desc())).all()


def get_for(user, workspace, file_id):
    """The file `file_id` of this workspace if `user` may see it; NotFound otherwise (a file of another
    workspace included, whatever the URL says)."""
    item = db.session.scalar(db.select(WorkspaceFile).where(
        WorkspaceFile.id == file_id, WorkspaceFile.workspace_id == workspace.id, WorkspaceFile.visible_to(user)))
    if item is None:
        raise NotFound()
    return item


def add(actor, workspace, upload):
    """A member adds an upload to the workspace; Invalid on "file" when the upload is refused."""
    require(workspaces.membership(workspace, actor) is not None)
    stored = files.store(upload, actor)
    item = WorkspaceFile(workspace=workspace, stored_file=stored)
    db.session.add(item)
    db.session.flush()
    record(actor, "workspace.file_added", item, name=stored.original_name, sha256=stored.sha256)
    announce(workspace_file_added, workspace_file=item, actor=actor)
    return item


def download(item):
    """The response that sends the file."""
    return files.send(item.stored_file)

"""The rules of threads: members start them, reply, edit their own posts, and mention each other."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from ..access import require
from ..accounts.models import User
from ..audit.services import record
from ..errors import Invalid, NotFound
from ..extensions import db
from ..links import app_path
from ..markup import Mentionable, handles, render
from ..model_types import utcnow
from ..signals import announce, member_mentioned, thread_post_added
from ..validation import check_text
from ..workspaces import services as workspaces
from .models import BODY_MAX, TITLE_MAX, Post, Thread


def require_member(user, workspace):
    require(workspaces.membership(workspace, user) is not None)


def threads_of(user, workspace):
    """[(thread, number of posts)] of the workspace that `user` may see, the latest activity first."""
    counts = (db.select(Post.thread_id, func.count(Post.id).label("posts")).group_by(Post.thread_id).subquery())
    rows = db.session.execute(
        db.select(Thread, counts.c.posts).join(counts, counts.c.thread_id == Thread.id)
        .where(Thread.workspace_id == workspace.id, Thread.visible_to(user))
        .order_by(Thread.last_post_at.desc(), Thread.id.desc())).all()
    return [(thread, posts) for thread, posts in rows]


def get_thread(user, workspace, thread_id):
    """The thread of this workspace if `user` may see it; NotFound otherwise."""
    thread = db.session.scalar(db.select(Thread).where(
        Thread.id == thread_id, Thread.workspace_id == workspace.id, Thread.visible_to(user)))
    if thread is None:
        raise NotFound()
    return thread


def get_post(user, thread, post_id):
    post = db.session.scalar(db.select(Post).where(
        Post.id == post_id, Post.thread_id == thread.id, Post.visible_to(user)))
    if post is None:
        raise NotFound()
    return post


def mentionable(workspace):
    """{handle: Mentionable} for the active people of the workspace's member organisations."""
    organisations = {member.organisation_id: member.organisation for member in workspace.members}
    people = db.session.scalars(db.select(User).where(
        User.organisation_id.in_(organisations), User.active.is_(True))).all()
    return {handle: Mentionable(person.id, f"{person.name} · {organisations[person.organisation_id].name}",
                                app_path("organisations.show", key=organisations[person.organisation_id].key))
            for handle, person in handles(people).items()}


def check_body(body):
    """An error for a post's text, or None."""
    if body is None or not str(body).strip():
        return _l("A post cannot be empty: write something first.")
    return check_text(body, BODY_MAX, multiline=True)


def validate(data, with_title=False):
    checks = {"body": check_body(data.get("body"))}
    if with_title:
        checks["title"] = check_text(data.get("title"), TITLE_MAX)
    return {field: message for field, message in checks.items() if message}


def start_thread(actor, workspace, data):
    """A member opens a thread with its first post."""
    require_member(actor, workspace)
    if errors := validate(data, with_title=True):
        raise Invalid(errors)
    thread = Thread(workspace=workspace, title=data["title"].strip(), author=actor)
    db.session.add(thread)
    post = _add_post(actor, thread, data["body"])
    record(actor, "thread.started", thread)
    return thread, post


def reply(actor, thread, data):
    """A member adds a post to a thread; the same text sent twice in a row (a double click) is refused."""
    require_member(actor, thread.workspace)
    if errors := validate(data):
        raise Invalid(errors)
    last = thread.posts[-1] if thread.posts else None
    if last is not None and last.author_id == actor.id and last.body.strip() == data["body"].strip():
        raise Invalid({"body": _l("You posted this text already; it is the last post of the thread.")})
    return _add_post(actor, thread, data["body"])


def _add_post(actor, thread, body):
    now = utcnow()
    post = Post(thread=thread, workspace_id=thread.workspace.id, author=actor, body=body.strip(), created_at=now)
    db.session.add(post)
    thread.last_post_at = now
    db.session.flush()
    mentioned = _announce_mentions(actor, post, already=set())
    announce(thread_post_added, post=post, actor=actor, mentioned=mentioned)
    return post


def can_edit(user, post):
    return user.is_authenticated and post.author_id == user.id


def edit(actor, post, data):
    """The author changes their post; it keeps an "edited" mark. People newly mentioned are told."""
    require(can_edit(actor, post))
    require_member(actor, post.thread.workspace)
    if errors := validate(data):
        raise Invalid(errors)
    body = data["body"].strip()
    if body == post.body:
        return post
    before = set(render(post.body, mentionable(post.thread.workspace))[1])
    post.body = body
    post.edited_at = utcnow()
    record(actor, "post.edited", post)
    _announce_mentions(actor, post, already=before)
    return post


def _announce_mentions(actor, post, already):
    """Tell everyone the post mentions (but the author, and those `already` mentioned); their user ids."""
    people = mentionable(post.thread.workspace)
    told = set()
    for handle, person in render(post.body, people)[1].items():
        if handle in already or person.user_id == actor.id or person.user_id in told:
            continue
        announce(member_mentioned, post=post, user=db.session.get(User, person.user_id), actor=actor)
        told.add(person.user_id)
    return told


def participants(thread):
    """The people who wrote in the thread."""
    return db.session.scalars(db.select(User).where(
        User.id.in_(db.select(Post.author_id).where(Post.thread_id == thread.id)))).all()


def link_to(post):
    """The post's place on its thread page."""
    return app_path("discussions.thread", workspace_id=post.workspace_id, thread_id=post.thread_id) + f"#post-{post.id}"

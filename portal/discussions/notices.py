"""Who hears of what happens in threads: the people mentioned, and those who took part in a thread."""
from .. import signals
from ..notifications.services import notify
from . import services


def _params(post, actor):
    return {"author": actor.name, "thread": post.thread.title, "workspace": post.thread.workspace.title}


def _member_mentioned(_app, post, user, actor, **_data):
    if post.is_visible_to(user):
        notify(user, "member_mentioned", post, services.link_to(post), **_params(post, actor))


def _thread_post_added(_app, post, actor, mentioned=(), **_data):
    # The mentioned heard of this post already, and whoever left the workspace hears nothing of it.
    for person in services.participants(post.thread):
        if person.id != actor.id and person.id not in mentioned and post.is_visible_to(person):
            notify(person, "thread_post", post, services.link_to(post), **_params(post, actor))


def subscribe(app):
    """Listen, for `app`, to what threads announce."""
    signals.member_mentioned.connect(_member_mentioned, sender=app)
    signals.thread_post_added.connect(_thread_post_added, sender=app)

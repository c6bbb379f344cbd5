"""Thread pages: the list, a new thread, a thread with its posts and the reply form, editing one's post."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import Invalid
from ..forms import apply_errors
from ..web import form_page
from ..workspaces import services as workspaces
from . import services
from .forms import PostForm, ThreadForm

bp = Blueprint("discussions", __name__, url_prefix="/workspaces/<int:workspace_id>/threads")


@bp.route("")
@login_required
def index(workspace_id):
    workspace = workspaces.get_for(current_user, workspace_id)
    return render_template("discussions/index.html", workspace=workspace,
                           threads=services.threads_of(current_user, workspace),
                           title=_("Threads of %(title)s", title=workspace.title))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new(workspace_id):
    workspace = workspaces.get_for(current_user, workspace_id)
    form = ThreadForm()
    if form.validate_on_submit():
        try:
            thread, _post = services.start_thread(current_user, workspace, form.data)
        except Invalid as error:
            apply_errors(form, error.errors)
        else:
            flash(_("The thread is started."), "success")
            return redirect(url_for("discussions.thread", workspace_id=workspace.id, thread_id=thread.id))
    return form_page("discussions/new.html", form, workspace=workspace,
                     mentionable=services.mentionable(workspace), title=_("New thread"))


@bp.route("/<int:thread_id>", methods=["GET", "POST"])
@login_required
def thread(workspace_id, thread_id):
    workspace = workspaces.get_for(current_user, workspace_id)
    item = services.get_thread(current_user, workspace, thread_id)
    form = PostForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            post = services.reply(current_user, item, form.data)
        except Invalid as error:
            apply_errors(form, error.errors)
        else:
            flash(_("Your post is added."), "success")
            return redirect(url_for("discussions.thread", workspace_id=workspace.id, thread_id=item.id,
                                    _anchor=f"post-{post.id}"))
    return form_page("discussions/thread.html", form, workspace=workspace, thread=item,
                     mentionable=services.mentionable(workspace), can_edit=services.can_edit, title=item.title)


@bp.route("/<int:thread_id>/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit(workspace_id, thread_id, post_id):
    workspace = workspaces.get_for(current_user, workspace_id)
    item = services.get_thread(current_user, workspace, thread_id)
    post = services.get_post(current_user, item, post_id)
    services.require(services.can_edit(current_user, post), _("Only its author can change a post."))
    form = PostForm(obj=post)
    if form.validate_on_submit():
        try:
            services.edit(current_user, post, form.data)
        except Invalid as error:
            apply_errors(form, error.errors)
        else:
            flash(_("Your post is saved."), "success")
            return redirect(url_for("discussions.thread", workspace_id=workspace.id, thread_id=item.id,
                                    _anchor=f"post-{post.id}"))
    return form_page("discussions/edit.html", form, workspace=workspace, thread=item, post=post,
                     mentionable=services.mentionable(workspace), title=_("Edit your post"))

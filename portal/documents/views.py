"""Requirement document pages: list, new, the document, edit (with the merge page for a stale edit),
history, one revision, comparison side by side, restore, agree and delete."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import Invalid, error_page
from ..forms import apply_errors
from ..web import form_page
from ..workspaces import services as workspaces
from . import diff, services
from .forms import DocumentForm

bp = Blueprint("documents", __name__, url_prefix="/workspaces/<int:workspace_id>/documents")


@bp.errorhandler(services.Deleted)
def deleted(error):
    document = error.document
    return error_page(404, _("“%(title)s” was deleted by %(name)s; its text and revisions are no longer shown.",
                             title=document.title, name=document.deleted_by.name))


def _load(workspace_id, document_id, lock=False):
    workspace = workspaces.get_for(current_user, workspace_id)
    return workspace, services.get_document(current_user, workspace, document_id, lock=lock)


def _to_document(document, **values):
    return redirect(url_for("documents.show", workspace_id=document.workspace_id, document_id=document.id, **values))


@bp.route("")
@login_required
def index(workspace_id):
    workspace = workspaces.get_for(current_user, workspace_id)
    return render_template("documents/index.html", workspace=workspace,
                           documents=services.documents_of(current_user, workspace),
                           title=_("Documents of %(title)s", title=workspace.title))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new(workspace_id):
    workspace = workspaces.get_for(current_user, workspace_id)
    form = DocumentForm()
    if form.validate_on_submit():
        try:
            document = services.create(current_user, workspace, form.to_data())
        except Invalid as error:
            apply_errors(form, error.errors)
        else:
            flash(_("The document is saved as revision 1."), "success")
            return _to_document(document)
    return form_page("documents/edit.html", form, workspace=workspace, document=None, title=_("New document"))


@bp.route("/<int:document_id>")
@login_required
def show(workspace_id, document_id):
    workspace, document = _load(workspace_id, document_id)
    revisions = document.revisions
    return render_template("documents/show.html", workspace=workspace, document=document,
                           revision=revisions[-1], ended=revisions[-1].ended_agreement,
                           is_city=services.is_city(current_user, workspace), title=document.title)


@bp.route("/<int:document_id>/edit", methods=["GET", "POST"])
@login_required
def edit(workspace_id, document_id):
    workspace, document = _load(workspace_id, document_id, lock=request.method == "POST")
    latest = services.current(document)
    form = DocumentForm(obj=latest) if request.method == "GET" else DocumentForm()
    if request.method == "GET":
        form.base.data = str(latest.number)
    if form.validate_on_submit():
        try:
            saved = services.save(current_user, document, form.to_data())
        except Invalid as error:
            apply_errors(form, error.errors)
        except services.Stale as stale:
            return _merge_page(workspace, document, form, stale)
        else:
            if saved is None:
                flash(_("Nothing changed, so no new revision was saved."), "info")
            else:
                flash(_("Saved as revision %(number)d.", number=saved.number), "success")
            return _to_document(document)
    return form_page("documents/edit.html", form, workspace=workspace, document=document, base=latest,
                     title=_("Edit %(title)s", title=document.title))


def _merge_page(workspace, document, form, stale):
    """The stale edit: both versions side by side, and the form with the sender's text based on the latest."""
    theirs, yours = stale.theirs, stale.yours
    form.base.data = str(theirs.number)
    rows = diff.side_by_side(theirs.body, (yours.get("body") or "").strip())
    title_changed = theirs.title != (yours.get("title") or "").strip()
    return render_template("documents/merge.html", workspace=workspace, document=document, form=form, theirs=theirs,
                           based_on=yours.get("base"), rows=rows, title_changed=title_changed,
                           title=_("Merge your changes")), 409


@bp.route("/<int:document_id>/revisions")
@login_required
def history(workspace_id, document_id):
    workspace, document = _load(workspace_id, document_id)
    return render_template("documents/history.html", workspace=workspace, document=document,
                           revisions=list(reversed(document.revisions)),
                           title=_("History of %(title)s", title=document.title))


@bp.route("/<int:document_id>/revisions/<int:number>")
@login_required
def revision(workspace_id, document_id, number):
    workspace, document = _load(workspace_id, document_id)
    return render_template("documents/revision.html", workspace=workspace, document=document,
                           revision=services.revision(document, number),
                           title=_("%(title)s, revision %(number)d", title=document.title, number=number))


@bp.route("/<int:document_id>/compare")
@login_required
def compare(workspace_id, document_id):
    workspace, document = _load(workspace_id, document_id)
    left_number = request.args.get("from", type=int) or max(document.current_number - 1, 1)
    right_number = request.args.get("to", type=int) or document.current_number
    left, right, title_rows, rows = services.compare(document, left_number, right_number)
    return render_template("documents/compare.html", workspace=workspace, document=document, left=left, right=right,
                           title_rows=title_rows, rows=rows, changed=diff.changed(title_rows + rows),
                           title=_("Compare revisions of %(title)s", title=document.title))


@bp.route("/<int:document_id>/revisions/<int:number>/restore", methods=["POST"])
@login_required
def restore(workspace_id, document_id, number):
    workspace, document = _load(workspace_id, document_id, lock=True)
    try:
        new = services.restore(current_user, document, number)
    except Invalid as error:
        flash(" ".join(map(str, error.errors.values())), "danger")
        return redirect(url_for("documents.history", workspace_id=workspace.id, document_id=document.id))
    flash(_("Revision %(old)d is restored as revision %(number)d.", old=number, number=new.number), "success")
    return _to_document(document)


@bp.route("/<int:document_id>/agree", methods=["POST"])
@login_required
def agree(workspace_id, document_id):
    _workspace, document = _load(workspace_id, document_id, lock=True)
    try:
        services.agree(current_user, document, request.form.get("base", type=int))
    except Invalid as error:
        flash(" ".join(map(str, error.errors.values())), "danger")
    else:
        flash(_("Revision %(number)d is agreed.", number=document.agreed_number), "success")
    return _to_document(document)


@bp.route("/<int:document_id>/delete", methods=["POST"])
@login_required
def delete(workspace_id, document_id):
    workspace, document = _load(workspace_id, document_id, lock=True)
    services.delete(current_user, document)
    flash(_("“%(title)s” is deleted.", title=document.title), "success")
    return redirect(url_for("documents.index", workspace_id=workspace.id))

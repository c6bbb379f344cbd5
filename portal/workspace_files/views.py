"""A workspace's files page: the list, the upload form and each file's download."""
from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import Invalid
from ..files import services as files
from ..forms import apply_errors
from ..web import form_page
from ..workspaces import services as workspaces
from . import services
from .forms import UploadForm

bp = Blueprint("workspace_files", __name__, url_prefix="/workspaces/<int:workspace_id>/files")
bp.url_value_preprocessor(lambda _endpoint, _values: files.allow_upload_body())


@bp.route("", methods=["GET", "POST"])
@login_required
def index(workspace_id):
    workspace = workspaces.get_for(current_user, workspace_id)
    form = UploadForm()
    form.file.description = _("Up to %(limit)s. Accepted: %(formats)s. The type is checked from the content, "
                              "not from the name.", limit=files.human_size(files.max_upload_bytes()),
                              formats=files.accepted_formats())
    if form.validate_on_submit():
        try:
            item = services.add(current_user, workspace, form.file.data)
        except Invalid as error:
            apply_errors(form, error.errors)
        else:
            flash(_("“%(name)s” is uploaded.", name=item.stored_file.original_name), "success")
            return redirect(url_for("workspace_files.index", workspace_id=workspace.id))
    return form_page("workspace_files/index.html", form, workspace=workspace,
                     files=services.files_of(current_user, workspace),
                     title=_("Files of %(title)s", title=workspace.title))


@bp.route("/<int:file_id>")
@login_required
def download(workspace_id, file_id):
    workspace = workspaces.get_for(current_user, workspace_id)
    return services.download(services.get_for(current_user, workspace, file_id))


@bp.app_template_global()
def file_size(size):
    return files.human_size(size)


@bp.app_template_global()
def file_format(content_type):
    return files.format_name(content_type)

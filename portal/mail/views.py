"""The admin's page of mail that could not be delivered."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from . import services

admin_bp = Blueprint("mail_admin", __name__, url_prefix="/admin/mail")


def configure_mail(app):
    """Mail templates show names people chose with `| one_line`: no line break of theirs starts a line."""
    app.add_template_filter(services.one_line, "one_line")


@admin_bp.route("")
@login_required
def failed():
    return render_template("mail/admin_failed.html", messages=services.failed_mail(current_user),
                           title=_("Undelivered mail"))


@admin_bp.route("/<int:mail_id>/requeue", methods=["POST"])
@login_required
def requeue(mail_id):
    mail = services.requeue(current_user, mail_id)
    flash(_("The message to %(email)s is queued again.", email=mail.recipient), "success")
    return redirect(url_for("mail_admin.failed"))

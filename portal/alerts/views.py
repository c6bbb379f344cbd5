"""Alert pages, and the notifications page they lead to."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..errors import Invalid
from ..notifications import services as notifications_services
from ..taxonomy import SECTORS
from ..web import safe_next
from . import services

bp = Blueprint("alerts", __name__)


@bp.route("/alerts")
@login_required
def index():
    return render_template("alerts/index.html", alerts=services.my_alerts(current_user), sectors=SECTORS,
                           errors={}, values={}, title=_("Alerts"))


@bp.route("/alerts", methods=["POST"])
@login_required
def create():
    query, sector = request.form.get("query", ""), request.form.get("sector", "")
    try:
        services.create_alert(current_user, query, sector)
    except Invalid as error:
        return render_template("alerts/index.html", alerts=services.my_alerts(current_user), sectors=SECTORS,
                               errors={k: str(v) for k, v in error.errors.items()},
                               values={"query": query, "sector": sector}, title=_("Alerts")), 422
    flash(_("Saved. We will tell you here when a new challenge matches."), "success")
    return redirect(safe_next(request.form.get("next"), url_for("alerts.index")))


@bp.route("/alerts/<int:alert_id>/delete", methods=["POST"])
@login_required
def delete(alert_id):
    services.delete_alert(current_user, alert_id)
    flash(_("The alert is removed."), "success")
    return redirect(url_for("alerts.index"))


@bp.route("/notifications")
@login_required
def notifications():
    return render_template("notifications/index.html",
                           notifications=notifications_services.notifications(current_user),
                           can_set_alerts=services.can_set_alerts(current_user), title=_("Notifications"))


@bp.route("/notifications/<int:notification_id>")
@login_required
def open_notification(notification_id):
    """Follow a notification to its page; it counts as read from then on."""
    return redirect(request.script_root + notifications_services.open_notification(current_user, notification_id))


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_read():
    notifications_services.mark_all_read(current_user)
    return redirect(url_for("alerts.notifications"))

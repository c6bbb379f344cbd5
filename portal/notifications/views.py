"""What every page needs from notifications; the /notifications page itself sits with the alerts pages."""
from flask_login import current_user

from . import services


def configure_notifications(app):
    """Every page's header shows the number of unread notifications."""

    @app.context_processor
    def unread_notifications():
        return {"unread_notifications": services.unread_count(current_user)}

    app.add_template_global(services.describe, "describe_notification")

"""Domain errors raised by services, and the handlers that turn them into answers."""
from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError


class DomainError(Exception):
    """Base of the errors services raise."""


class NotFound(DomainError):
    """The object does not exist, or the user may not know it exists."""


class NotAllowed(DomainError):
    """The user may not do this."""

    def __init__(self, reason=None):
        super().__init__(reason)
        self.reason = reason


class Invalid(DomainError):
    """Input broke a rule; `errors` maps field names to messages."""

    def __init__(self, errors):
        super().__init__("; ".join(f"{field}: {msg}" for field, msg in errors.items()))
        self.errors = dict(errors)


class BadInput(DomainError):
    """The request itself is malformed (NUL bytes, broken UTF-8, ...)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


ERROR_TITLES = {
    400: _l("Bad request"),
    403: _l("Not allowed"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    413: _l("Request too large"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
}


def error_page(status, reason=None):
    """Render the error page for `status` with an optional reason."""
    if request.accept_mimetypes.best == "application/json":
        return {"error": str(ERROR_TITLES.get(status, status)), "reason": reason}, status
    return render_template(
        "errors/error.html", status=status,
        title=ERROR_TITLES.get(status, _("Error")), reason=reason,
    ), status


def register_error_handlers(app):
    """Map domain errors and HTTP errors to pages with a reason."""

    @app.errorhandler(NotFound)
    def not_found(_error):
        return error_page(404)

    @app.errorhandler(NotAllowed)
    def not_allowed(error):
        return error_page(403, error.reason)

    @app.errorhandler(Invalid)
    def invalid(error):
        return error_page(400, str(error))

    @app.errorhandler(BadInput)
    def bad_input(error):
        return error_page(400, error.reason)

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return error_page(400, _("The form has expired or came from another site. Reload the page and try again."))

    @app.errorhandler(SecurityError)
    def untrusted_host(_error):
        # No page links can be built for a host the portal does not serve (TRUSTED_HOSTS): plain text.
        return _("This address is not served here."), 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code is None or error.code < 400:
            return error
        reasons = {413: _("The request is larger than this site accepts.")}
        return error_page(error.code, reasons.get(error.code))

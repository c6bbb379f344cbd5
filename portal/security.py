"""Request hygiene: malformed input gets a 400 with a reason, responses get safe headers."""
from urllib.parse import unquote_to_bytes

from flask import g, request
from flask_babel import gettext as _
from werkzeug.datastructures import ImmutableMultiDict

from .errors import BadInput
from .web import RecordIdConverter

FORM_URLENCODED = "application/x-www-form-urlencoded"


def _decoded_parts(raw):
    """Each name and value of a urlencoded string, percent-decoded to bytes."""
    for pair in raw.split(b"&"):
        for part in pair.split(b"=", 1):
            yield unquote_to_bytes(part.replace(b"+", b" "))


def check_urlencoded(raw, allow_nul=False):
    """Raise BadInput if urlencoded bytes hold malformed UTF-8 or (unless allowed) a NUL character."""
    for part in _decoded_parts(raw):
        try:
            text = part.decode("utf-8")
        except UnicodeDecodeError:
            raise BadInput(_("The request is not valid UTF-8 text.")) from None
        if "\x00" in text and not allow_nul:
            raise BadInput(_("The request contains a NUL character, which is not allowed."))


def remove_nul_from_form():
    """Take NUL characters out of a submitted form and note the fields that held one.

    PostgreSQL refuses NUL in text and nobody means to type one, yet refusing the
    whole request would lose everything typed: the form comes back instead, with a
    message on each such field (see portal.forms.PortalForm).
    """
    if not any("\x00" in name or "\x00" in value for name, value in request.form.items(multi=True)):
        return
    held = {name.replace("\x00", "") for name, values in request.form.lists()
            if "\x00" in name or any("\x00" in value for value in values)}
    request.form = ImmutableMultiDict(
        [(name.replace("\x00", ""), value.replace("\x00", "")) for name, value in request.form.items(multi=True)]
    )
    g.fields_with_nul = frozenset(held)


def reject_malformed_input():
    """Check the query string and form bodies before any view sees them.

    Werkzeug would quietly replace broken UTF-8 with U+FFFD, and PostgreSQL
    refuses NUL in text: both would otherwise surface as wrong data or a 500.
    """
    if "\x00" in request.path:
        raise BadInput(_("The request contains a NUL character, which is not allowed."))
    check_urlencoded(request.query_string)
    if request.mimetype == FORM_URLENCODED:
        check_urlencoded(request.get_data(cache=True), allow_nul=True)
    elif request.mimetype == "multipart/form-data":
        for values in request.form.listvalues():
            if any("\ufffd" in value for value in values):
                raise BadInput(_("The form contains characters that are not allowed."))
    if request.mimetype in (FORM_URLENCODED, "multipart/form-data"):
        remove_nul_from_form()


def add_security_headers(response):
    """A strict content policy: every script and style comes from this site."""
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
        "frame-ancestors 'none'; form-action 'self'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def configure_security(app):
    app.url_map.converters["int"] = RecordIdConverter  # before any route is added
    app.before_request(reject_malformed_input)
    app.after_request(add_security_headers)

"""Small helpers for the thin views."""
from urllib.parse import urlsplit

from flask import render_template, request
from werkzeug.routing import IntegerConverter

MAX_RECORD_ID = 2**31 - 1  # ids are 32-bit integers in PostgreSQL; a larger number is a database error there


def form_page(template, form, **context):
    """Render a form page; a submitted form with errors answers 422 so nothing commits."""
    has_errors = form.is_submitted() and (form.errors or form.form_errors)
    return render_template(template, form=form, **context), 422 if has_errors else 200


def safe_next(target, default):
    """`target` if it is a path on this site, else `default` (no open redirects)."""
    if not target or not isinstance(target, str) or "\\" in target or any(ord(c) < 32 for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def page_arg():
    """The ?page= number, 1 when missing or nonsense."""
    page = request.args.get("page", type=int) or 1
    return max(1, min(page, 10_000))


def client_address():
    return request.remote_addr or "unknown"


class RecordIdConverter(IntegerConverter):
    """`<int:...>` in routes: a number no record can have answers 404 instead of reaching the database."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_RECORD_ID, signed=False):
        super().__init__(url_map, fixed_digits, min, max, signed)


def record_id(value):
    """`value` as a record id, for `request.form.get(name, type=record_id)`; ValueError (so None there) when
    no record can have it."""
    number = int(value)
    if not 1 <= number <= MAX_RECORD_ID:
        raise ValueError(value)
    return number

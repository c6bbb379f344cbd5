"""Small helpers for the thin views."""
from urllib.parse import urlsplit

from flask import render_template, request


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

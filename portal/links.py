"""Links to the portal's pages that do not depend on the request.

Mail is read elsewhere and later, so its links come from the configured public
address (BASE_URL), never from the Host header a client sent; the command line
has no request at all.
"""
from flask import current_app

from .config import REQUIRED_SETTINGS, ConfigError


def app_path(endpoint, **values):
    """The path of a page inside the portal, such as /challenges/ch-flood."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def public_url(endpoint, **values):
    """The absolute address of a page, built from BASE_URL."""
    return absolute(app_path(endpoint, **values))


def absolute(path):
    """BASE_URL joined with a path from app_path; ConfigError while BASE_URL is not set."""
    base_url = current_app.config.get("BASE_URL")
    if not base_url:
        raise ConfigError(REQUIRED_SETTINGS["BASE_URL"])
    return base_url + path

"""The web application for WSGI servers: `gunicorn portal.wsgi:app`."""
from gunicorn.errors import AppImportError

from . import create_app
from .config import ConfigError

try:
    app = create_app()
except ConfigError as error:
    # gunicorn prints this as one line and stops, instead of a traceback and workers failing to boot.
    raise AppImportError(f"error: {error}") from None

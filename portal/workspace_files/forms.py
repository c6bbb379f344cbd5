"""The upload form."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField

from ..forms import PortalForm


class UploadForm(PortalForm):
    # Whether a file came, and what it is, the files service decides (it reads the content).
    file = FileField(_l("File"))

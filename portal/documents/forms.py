"""The document form: title, Markdown text, and the revision the edit started from."""
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField, TextAreaField

from ..forms import PortalForm

MARKDOWN_HINT = _l("Markdown works: # headings, **bold**, lists with -, tables with |, [links](https://…).")


class DocumentForm(PortalForm):
    title = StringField(_l("Title"))
    body = TextAreaField(_l("Text"), description=MARKDOWN_HINT)
    base = HiddenField()

    def base_number(self):
        """The revision number the edit started from; None when missing or nonsense."""
        try:
            return int(self.base.data)
        except (TypeError, ValueError):
            return None

    def to_data(self):
        return {"title": self.title.data, "body": self.body.data, "base": self.base_number()}

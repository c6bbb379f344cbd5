"""Thread and post forms; the service says what is missing or too long."""
from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField

from ..forms import PortalForm

MARKDOWN_HINT = _l("Markdown works: **bold**, *italic*, lists with -, [a link](https://…), tables with |.")


class PostForm(PortalForm):
    body = TextAreaField(_l("Your post"), description=MARKDOWN_HINT)


class ThreadForm(PortalForm):
    title = StringField(_l("Subject"))
    body = TextAreaField(_l("First post"), description=MARKDOWN_HINT)

"""The choice of how each kind of notification reaches a person."""
from flask import request
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField

from ..forms import options
from .kinds import CHANNELS, KINDS

SECTION = "notifications"


def channels_form(current):
    """A form with one choice per kind of notification, filled with `current` ({kind: channel})."""

    class ChannelsForm(FlaskForm):
        section = HiddenField(default=SECTION)

    for name, kind in KINDS.items():
        setattr(ChannelsForm, name, SelectField(kind.label, choices=options(CHANNELS.items())))
    return ChannelsForm(prefix="notify", data=current)


def submitted(form):
    """Whether this request posts the channels form (the account page has two forms)."""
    return form.is_submitted() and request.form.get(form.section.name) == SECTION


def chosen(form):
    """{kind: channel} as submitted."""
    return {name: form[name].data for name in KINDS}

"""What stages, roles, fit categories, verdicts and procurement models are called, in the reader's language."""
from flask_babel import lazy_gettext as _l

from .models import CO_DESIGN, DEFINE, EXPLORE, PILOT, READY, WorkspaceMember

STAGE_LABELS = {EXPLORE: _l("Explore"), DEFINE: _l("Define"), CO_DESIGN: _l("Co-design"), PILOT: _l("Pilot"),
                READY: _l("Ready to tender")}
MEMBER_ROLE_LABELS = {WorkspaceMember.CITY: _l("problem owner"), WorkspaceMember.COMPANY: _l("company"),
                      WorkspaceMember.FACILITATOR: _l("facilitator")}
FIT_CATEGORY_LABELS = {"system": _l("System or platform"), "data-standard": _l("Data standard"),
                       "regulation": _l("Regulation"), "operations": _l("Operations and maintenance")}
FIT_VERDICT_LABELS = {"fits": _l("Fits"), "needs-work": _l("Needs work"), "does-not-fit": _l("Does not fit")}
PROCUREMENT_MODEL_LABELS = {
    "open-procedure": _l("Open procedure"), "innovation-partnership": _l("Innovation partnership"),
    "pre-commercial": _l("Pre-commercial procurement"), "bto": _l("BTO (build–transfer–operate)"),
    "btl": _l("BTL (build–transfer–lease)"), "bot": _l("BOT (build–operate–transfer)"),
}


def stage_label(stage):
    return STAGE_LABELS.get(stage, stage)


def member_role_label(role):
    return MEMBER_ROLE_LABELS.get(role, role)

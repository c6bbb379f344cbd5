"""Solution pages: the public catalogue, details, and editing for company members."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..caching import cached_fragment
from ..errors import Invalid
from ..extensions import db
from ..forms import apply_errors, country_options, options, validate_with
from ..organisations.models import Organisation
from ..taxonomy import SECTORS
from ..web import form_page, page_arg
from . import services
from .forms import CatalogueFilterForm, SolutionForm

bp = Blueprint("solutions", __name__, url_prefix="/solutions")


def _companies():
    return db.session.execute(
        db.select(Organisation.key, Organisation.name)
        .where(Organisation.kind == "company", Organisation.visible_to(None))
        .order_by(Organisation.name)
    ).all()


def _level(value):
    """A TRL filter value, None when blank."""
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


@bp.route("")
def catalogue():
    # The filters, the count and the cards show public records only, the same for every reader of a
    # language: made once per state of the data.
    results = cached_fragment(("solutions.catalogue", *sorted(request.args.items(multi=True))), _catalogue_results)
    return render_template("solutions/catalogue.html", results=results,
                           can_create=services.can_create(current_user), title=_("Solutions"))


def _catalogue_results():
    form = CatalogueFilterForm(request.args)
    anything = [("", _("Any"))]
    form.sector.choices = options(anything + list(SECTORS.items()))
    form.country.choices = country_options(_("Any"))
    form.organisation.choices = options(anything + [tuple(row) for row in _companies()])
    form.validate()  # an unknown value (an old link, a typo) is ignored and said so; the others still filter
    filters = {name: form[name].data or None for name in ("sector", "country", "organisation")
               if not form[name].errors}
    filters.update({name: _level(form[name].data) for name in ("trl_min", "trl_max") if not form[name].errors})
    pagination = services.catalogue(page=page_arg(), **filters)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("solutions/_catalogue_results.html", form=form, pagination=pagination, args=args)


def _form(solution=None):
    form = SolutionForm(obj=solution)
    form.countries.choices = country_options()
    return form


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    services.require_can_create(current_user)
    form = _form()
    if request.method == "GET":
        form.language.data = current_user.locale
    if validate_with(form, lambda: services.validate(form.to_data())):
        try:
            solution = services.create(current_user, form.to_data())
        except Invalid as error:
            apply_errors(form, error.errors)
        else:
            flash(_("The solution is saved."), "success")
            return redirect(url_for("solutions.show", key=solution.key))
    return form_page("solutions/edit.html", form, solution=None, title=_("New solution"))


@bp.route("/<key>")
def show(key):
    solution = services.get_for_view(current_user, key)
    return render_template("solutions/show.html", solution=solution,
                           can_edit=services.can_edit(current_user, solution), title=solution.title)


@bp.route("/<key>/edit", methods=["GET", "POST"])
@login_required
def edit(key):
    solution = services.get_for_edit(current_user, key)
    form = _form(solution)
    if request.method == "GET":
        form.sectors.data = solution.sectors
        form.countries.data = list(solution.countries)
    if validate_with(form, lambda: services.validate(form.to_data())):
        try:
            services.update(current_user, solution, form.to_data())
        except Invalid as error:
            apply_errors(form, error.errors)
        else:
            flash(_("The solution is saved."), "success")
            return redirect(url_for("solutions.show", key=solution.key))
    return form_page("solutions/edit.html", form, solution=solution, title=_("Edit %(title)s", title=solution.title))


@bp.route("/<key>/<any(archive, restore):action>", methods=["POST"])
@login_required
def set_archived(key, action):
    solution = services.get_for_view(current_user, key)
    services.set_archived(current_user, solution, action == "archive")
    if action == "archive":
        flash(_("The solution is archived: only your organisation sees it now."), "success")
    else:
        flash(_("The solution is back in the public catalogue."), "success")
    return redirect(url_for("solutions.show", key=key))

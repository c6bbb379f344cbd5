"""Account pages: register, log in and out, passwords, invitations, admin user list."""
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from ..errors import Invalid
from ..extensions import db, login_manager
from ..forms import apply_errors, country_options, options, validate_with
from ..i18n import timezone_choices
from ..notifications import forms as notification_forms
from ..notifications import services as notifications
from ..web import client_address, form_page, page_arg, safe_next
from . import services
from .forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    PreferencesForm,
    RegisterForm,
    ResetPasswordForm,
    UserSearchForm,
)

bp = Blueprint("accounts", __name__)
admin_bp = Blueprint("accounts_admin", __name__, url_prefix="/admin/users")


def configure_login(app):
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(services.load_session)


def _log_in(user):
    services.start_session(user)
    session.clear()
    session.permanent = True
    login_user(user)


def _person(form):
    return {"name": form.name.data, "password": form.password.data, "locale": form.locale.data}


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = RegisterForm()
    form.organisation_country.choices = country_options(_("Choose a country"))
    if request.method == "GET":
        form.locale.data = str(get_locale())
    person = dict(_person(form), email=form.email.data)
    organisation = {
        "kind": form.organisation_kind.data, "name": form.organisation_name.data,
        "country": form.organisation_country.data, "website": form.organisation_website.data,
        "description": form.organisation_description.data, "sectors": form.organisation_sectors.data,
        "alliance_member": form.organisation_alliance_member.data,
    }
    if validate_with(form, lambda: services.registration_errors(person, organisation)):
        try:
            user = services.register_with_organisation(person, organisation)
        except Invalid as error:
            apply_errors(form, error.errors)
        else:
            _log_in(user)
            flash(_("Welcome to CoCity. An administrator will verify %(name)s; "
                    "until then it is visible only to its members.", name=user.organisation.name), "success")
            return redirect(url_for("main.dashboard"))
    return form_page("accounts/register.html", form, title=_("Register"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    target = safe_next(request.values.get("next"), url_for("main.dashboard"))
    if current_user.is_authenticated:
        return redirect(target)
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, client_address())
        except services.TooManyAttempts as error:
            form.form_errors.append(
                _("Too many failed attempts. Try again in %(minutes)d minutes or reset your password.",
                  minutes=error.minutes))
            return render_template("accounts/login.html", form=form, next=target, title=_("Log in")), 429
        if user is None:
            db.session.commit()  # the failure must count although the answer is an error
            form.form_errors.append(_("The email or password is wrong."))
            return render_template("accounts/login.html", form=form, next=target, title=_("Log in")), 401
        _log_in(user)
        return redirect(target)
    return form_page("accounts/login.html", form, next=target, title=_("Log in"))


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        services.end_session(current_user.session_token)
        logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def preferences():
    form = PreferencesForm(obj=current_user)
    form.timezone.choices = options(timezone_choices())
    channels = notification_forms.channels_form(notifications.preferences(current_user))
    if notification_forms.submitted(channels):
        if channels.validate():
            try:
                notifications.set_preferences(current_user, notification_forms.chosen(channels))
            except Invalid as error:
                apply_errors(channels, error.errors)
            else:
                flash(_("Your notification settings are saved."), "success")
                return redirect(url_for("accounts.preferences", _anchor="notifications"))
        return render_template("accounts/preferences.html", form=form, channels=channels,
                               title=_("Your account")), 422
    if form.validate_on_submit():
        try:
            services.update_preferences(current_user, form.locale.data, form.timezone.data)
        except Invalid as error:
            apply_errors(form, error.errors)
        else:
            flash(_("Your preferences are saved."), "success")
            return redirect(url_for("accounts.preferences"))
    return form_page("accounts/preferences.html", form, channels=channels, title=_("Your account"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.new_password.data)
        except Invalid as error:
            apply_errors(form, error.errors)
        else:
            flash(_("Your password is changed; other sessions were logged out."), "success")
            return redirect(url_for("accounts.preferences"))
    return form_page("accounts/change_password.html", form, title=_("Change password"))


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash(_("If an account uses that address, we have sent it a link to set a new password."), "info")
        return redirect(url_for("accounts.login"))
    return form_page("accounts/forgot_password.html", form, title=_("Forgotten password"))


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    user = services.user_for_reset_token(token)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except Invalid as error:
            apply_errors(form, error.errors)
        else:
            flash(_("Your password is set. Log in with it."), "success")
            return redirect(url_for("accounts.login"))
    return form_page("accounts/reset_password.html", form, user=user, title=_("Set a new password"))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token):
    invitation = services.find_invitation(token)
    if current_user.is_authenticated:
        flash(_("Log out first to accept an invitation for another account."), "warning")
        return redirect(url_for("main.dashboard"))
    form = AcceptInvitationForm()
    # Whether the address has an account meanwhile is for the service to say, under the invitation's lock:
    # checked here, a concurrent acceptance that had just committed made this one a form error, not "used".
    if validate_with(form, lambda: services.person_errors(dict(_person(form), email=invitation.email),
                                                          email_field=False)):
        try:
            user = services.accept_invitation(token, _person(form))
        except Invalid as error:
            apply_errors(form, error.errors)
        else:
            _log_in(user)
            flash(_("Welcome to %(name)s on CoCity.", name=user.organisation.name), "success")
            return redirect(url_for("main.dashboard"))
    return form_page("accounts/accept_invitation.html", form, invitation=invitation,
                     title=_("Join %(name)s", name=invitation.organisation.name))


@admin_bp.route("")
@login_required
def users():
    form = UserSearchForm(request.args)
    pagination = services.list_users(current_user, form.q.data, page_arg())
    return render_template("accounts/admin_users.html", form=form, pagination=pagination, title=_("Users"))


@admin_bp.route("/<int:user_id>/<any(activate, deactivate):action>", methods=["POST"])
@login_required
def set_active(user_id, action):
    try:
        user = services.set_user_active(current_user, user_id, action == "activate")
    except Invalid as error:
        flash(" ".join(map(str, error.errors.values())), "danger")
        return redirect(url_for("accounts_admin.users"))
    if user.active:
        flash(_("%(email)s can log in again.", email=user.email), "success")
    else:
        flash(_("%(email)s is deactivated and logged out.", email=user.email), "success")
    return redirect(url_for("accounts_admin.users"))


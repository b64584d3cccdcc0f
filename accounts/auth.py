"""Signing up, signing in and out, and the owner's own profile."""
import hashlib

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash

from accounts import audit
from accounts.access import login_required, role_required
from accounts.forms import LoginForm, PasswordForm, RegionForm, RegisterForm
from accounts.landing import landing_url
from accounts.models import ROLE_NAMES
from accounts.region_field import stepping
from accounts.regions import region_name
from accounts.sessions import end_sessions
from accounts.users import authenticate, create_user, duplicate_errors, normalize_identifier, set_password
from accounts.validators import mask_identifier
from core.db import utcnow
from core.extensions import db, limiter
from core.http import error_response, safe_next, wants_json
from core.security import has_bearer_token

bp = Blueprint("auth", __name__)


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def identifier_key() -> str:
    """Throttle key per account tried, whatever the address; a digest, so no ID number is stored."""
    typed = normalize_identifier(request.form.get("identifier"))
    return "login-id:" + hashlib.sha256(typed.encode()).hexdigest()[:32]


def _nothing_typed() -> bool:
    return not normalize_identifier(request.form.get("identifier"))


def _not_signed_in(response) -> bool:
    """Only failed attempts count against an account, so its owner is not locked out by success."""
    return response.status_code not in (302, 303)


def _next_target(user) -> str:
    """A safe ``next`` wins; otherwise the signed-in user lands on their role's work."""
    return safe_next(request.args.get("next"), default="") or landing_url(user)


def _next_param() -> str | None:
    """The ``next`` to carry on to the form's action, only when it is a safe one."""
    return safe_next(request.args.get("next"), default="") or None


# What an account that must change its password may still open: the page that changes it, and the way out.
PASSWORD_FIRST_OPEN = {"auth.profile", "auth.logout", "static", "i18n.switch"}


@bp.before_app_request
def _password_first():
    """An account made for someone else (its one-time password shown to the one who made it)
    opens nothing else until its owner sets a password of their own, whatever the role."""
    if request.endpoint in PASSWORD_FIRST_OPEN or not current_user.is_authenticated:
        return None
    if not current_user.must_change_password:
        return None
    message = _("请先修改初始密码，然后才能使用其他功能。")
    if wants_json() or has_bearer_token():
        return error_response(403, "password_change_required", message)
    flash(message, "error")
    return redirect(url_for("auth.profile"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@limiter.limit(login_limit, methods=["POST"], key_func=identifier_key, deduct_when=_not_signed_in,
               exempt_when=_nothing_typed)
def login():
    if current_user.is_authenticated:
        return redirect(_next_target(current_user))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = authenticate(form.identifier.data, form.password.data)
        if user is not None and user.active:
            _sign_in(user)
            db.session.commit()
            flash(_("登录成功，欢迎您，%(name)s。", name=user.real_name), "success")
            return redirect(_next_target(user))
        # A right password on a disabled account may be told so: its owner already knows it exists.
        error = _("该账号已停用，请联系管理员。") if user else _("身份证号/手机号或密码不正确。")
        audit.record("login_failed", target=mask_identifier(normalize_identifier(form.identifier.data)),
                     reason="inactive" if user else "bad_credentials")
        db.session.commit()
    return render_template("auth/login.html", form=form, error=error, next=_next_param())


def _sign_in(user) -> None:
    login_user(user)
    user.last_login_at = utcnow()
    audit.record("login", target=f"user:{user.id}", actor=user)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(_next_target(current_user))
    form = RegisterForm()
    if not stepping() and form.validate_on_submit():
        user = _register(form)
        if user is not None:
            flash(_("注册成功，欢迎您，%(name)s。", name=user.real_name), "success")
            # A new trainee chooses their unit first (the page offers to skip to 我的学习),
            # unless registering interrupted something (a safe ``next``).
            return redirect(_next_param() or url_for("my_unit.index", welcome=1))
    return render_template("auth/register.html", form=form, next=_next_param())


def _register(form: RegisterForm):
    """Create and sign in the trainee, or put the refusal on the form and return None."""
    values = form.values()
    if _refuse_duplicates(form, values):
        return None
    try:
        user = create_user(values, role="trainee")
        audit.record("user_registered", target=f"user:{user.id}", actor=user)
        _sign_in(user)
        db.session.commit()
    except IntegrityError:
        # Someone registered the same ID number or phone between our check and the insert.
        db.session.rollback()
        logout_user()
        if not _refuse_duplicates(form, values):
            form.id_number.errors.append(_("该身份证号或手机号已注册。"))
        return None
    return user


def _refuse_duplicates(form: RegisterForm, values: dict) -> bool:
    errors = duplicate_errors(values["id_number"], values["phone"])
    for name, message in errors.items():
        form[name].errors.append(message)
    return bool(errors)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        logout_user()  # watching's receiver closes the trainee's watch sessions
        db.session.commit()
        flash(_("您已退出登录。"), "success")
    return redirect(url_for("catalogue.index"))  # "/": the catalogue, now signed out


@bp.route("/me", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@login_required
def profile():
    """The owner's own data, with the full ID number (shown nowhere else), and a password change."""
    user = current_user._get_current_object()
    form = PasswordForm()
    if form.validate_on_submit():
        if check_password_hash(user.password_hash, form.current.data):
            set_password(user, form.password.data)
            user.must_change_password = False
            end_sessions(user, utcnow(), keep_current=True)  # signed in elsewhere: signed out there
            audit.record("password_changed", target=f"user:{user.id}")
            db.session.commit()
            flash(_("密码已修改，下次登录请使用新密码。"), "success")
            return redirect(url_for("auth.profile"))
        form.current.errors.append(_("当前密码不正确。"))
    return _profile_page(user, form)


def _profile_page(user, form: PasswordForm, region_form: RegionForm | None = None):
    if region_form is None:
        region_form = RegionForm(formdata=None, region_code=user.region_code)
    region_form.region_code.keep = user.region_code
    page = render_template("auth/profile.html", user=user, form=form, role_names=ROLE_NAMES,
                           region=region_name(user.region_code), region_form=region_form)
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"  # a full ID number: keep it out of caches
    return response


@bp.post("/me/region")
@role_required("trainee")
def region():
    """A trainee's own region: whose rules credit their 学时 and which bureau sees them (audited).
    Other accounts' regions are an admin's to set (an officer's is their scope)."""
    user = current_user._get_current_object()
    form = RegionForm()
    form.region_code.keep = user.region_code
    if stepping() or not form.validate_on_submit():
        return _profile_page(user, PasswordForm(formdata=None), form)
    if form.region_code.data != user.region_code:
        audit.record("region_changed", target=f"user:{user.id}",
                     region_code=[user.region_code, form.region_code.data])
        user.region_code = form.region_code.data
        db.session.commit()
        flash(_("所在地区已改为%(region)s。", region=region_name(user.region_code)), "success")
    return redirect(url_for("auth.profile"))

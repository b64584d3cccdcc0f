"""The profile page's own forms (/me): phone number and e-mail, each after the password, and
职称. Each answers with the profile page again, with a message; refusals change nothing.
The work is accounts.contact's (audited there); the API's twins are in account_api.
"""
from flask import Blueprint, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from accounts import contact
from accounts.access import login_required
from accounts.forms import EmailForm, PhoneForm, TitleForm
from core.extensions import db, limiter

bp = Blueprint("profile_changes", __name__)


def _limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]  # a password is checked: as many tries as signing in


def _back(anchor: str):
    return redirect(url_for("auth.profile") + f"#{anchor}")


def _refused(form, anchor: str):
    """The form's first message (a stale form's too) as a flash, back on the profile page."""
    messages = [error for field in form for error in field.errors] or [_("表单已过期，请重新提交。")]
    flash(str(messages[0]), "error")
    return _back(anchor)


def _apply(change):
    """Run ``change`` on the signed-in user; commit, or roll back and say why."""
    try:
        changed = change(current_user._get_current_object())
        db.session.commit()
    except contact.ContactError as e:
        db.session.rollback()
        flash(str(e), "error")
        return None
    except IntegrityError:  # the phone was taken between the check and the update
        db.session.rollback()
        flash(contact.phone_taken_message(), "error")
        return None
    return changed


@bp.post("/me/phone")
@limiter.limit(_limit)
@login_required
def phone():
    form = PhoneForm()
    if not form.validate_on_submit():
        return _refused(form, "phone")
    changed = _apply(lambda user: contact.change_phone(user, form.current.data, form.phone.data))
    if changed:
        flash(_("手机号已更换，请用新手机号登录。"), "success")
    elif changed is False:
        flash(_("这已经是您的手机号。"), "success")
    return _back("phone")


@bp.post("/me/email")
@limiter.limit(_limit)
@login_required
def email():
    """Set (or clear: it is optional) the address notices and password-reset links go to."""
    form = EmailForm()
    if not form.validate_on_submit():
        return _refused(form, "email")
    changed = _apply(lambda user: contact.change_email(user, form.current.data, form.email.data))
    if changed is not None:
        flash(_("电子邮箱已保存。") if form.email.data else _("电子邮箱已清除，通知只在站内显示。"), "success")
    return _back("email")


@bp.post("/me/title")
@login_required
def title():
    form = TitleForm()
    if not form.validate_on_submit():
        return _refused(form, "title")
    if _apply(lambda user: contact.change_title(user, form.title.data)) is not None:
        flash(_("职称已保存。"), "success")
    return _back("title")

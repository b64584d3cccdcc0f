"""忘记密码: the pages. /password/forgot mails a signed one-use link to the account's e-mail
address (the answer is the same whether the account exists, has an address, or not);
/password/reset/<token> sets the new password; /password/sms sends a code by SMS (when an
SMS provider is configured) and takes it with the new password. A reset ends the account's
sessions everywhere (accounts.sessions); the person then signs in with the new password.
A trainee without an e-mail address is told to ask their unit administrator.
"""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from core.db import utcnow
from core.extensions import db, limiter
from core.http import Refused, client_ip
from recovery import delivery, limits, service
from recovery.forms import ForgotForm, NewPasswordForm, SmsResetForm, SmsStartForm

bp = Blueprint("forgot", __name__, url_prefix="/password")
SMS_PHONE = "recovery_sms_phone"  # the phone a code was asked for, in the session


def sms_on() -> bool:
    return bool(current_app.config.get("SMS_PROVIDER"))


@bp.context_processor
def _settings():
    return {"sms_on": sms_on(), "mail_on": bool(current_app.config.get("SMTP_URL")),
            "link_minutes": current_app.config["PASSWORD_RESET_MINUTES"]}


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(limits.address_limit, methods=["POST"])
@limiter.limit(limits.address_limit, methods=["POST"], key_func=limits.identifier_key)
def forgot():
    form = ForgotForm()
    if form.validate_on_submit():
        started = service.start_by_email(form.identifier.data, utcnow(), client_ip())
        if started is not None:
            delivery.send_after_commit("email", started.user.email, started.secret, started.user.real_name)
        db.session.commit()
        return render_template("forgot/forgot.html", form=form, sent=True)
    return render_template("forgot/forgot.html", form=form, sent=False)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(limits.address_limit, methods=["POST"])
def reset(token: str):
    now = utcnow()
    try:
        service.reset_of_link(token[:512], now)
    except Refused as e:
        return render_template("forgot/reset.html", refused=e.message, form=None), e.status
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            service.complete_link(token[:512], form.password.data, now)
        except Refused as e:
            db.session.rollback()
            return render_template("forgot/reset.html", refused=e.message, form=None), e.status
        db.session.commit()
        return _done()
    return render_template("forgot/reset.html", refused=None, form=form)


def _done():
    flash(_("密码已重置，请用新密码登录。您在其他设备上的登录已全部退出。"), "success")
    return redirect(url_for("auth.login"))


@bp.route("/sms", methods=["GET", "POST"])
@limiter.limit(limits.sms_address_limit, methods=["POST"])
@limiter.limit(limits.sms_phone_limit, methods=["POST"], key_func=limits.phone_key)
def sms():
    """Step one: the phone number; a code goes to it when it is an account's."""
    if not sms_on():
        abort(404)
    form = SmsStartForm()
    if form.validate_on_submit():
        started = service.start_by_sms(form.phone.data, utcnow(), client_ip())
        if started is not None:
            delivery.send_after_commit("sms", started.user.phone, started.secret, started.user.real_name)
        db.session.commit()
        session[SMS_PHONE] = form.phone.data
        flash(_("如该手机号已注册，验证码已发送，%(minutes)s 分钟内有效。",
                minutes=current_app.config["SMS_CODE_MINUTES"]), "success")
        return redirect(url_for("forgot.sms_reset"))
    return render_template("forgot/sms.html", form=form)


@bp.route("/sms/reset", methods=["GET", "POST"])
@limiter.limit(limits.address_limit, methods=["POST"])
def sms_reset():
    """Step two: the phone (filled in from step one), the code and the new password."""
    if not sms_on():
        abort(404)
    form = SmsResetForm()
    if request.method == "GET" and session.get(SMS_PHONE):
        form.phone.data = session[SMS_PHONE]
    if form.validate_on_submit():
        now = utcnow()
        reset = service.check_code(form.phone.data, form.code.data, now)
        if reset is not None:
            service.complete_code(reset, form.password.data, now)
            db.session.commit()
            session.pop(SMS_PHONE, None)
            return _done()
        db.session.commit()  # the wrong guess counts
        form.code.errors.append(service.code_refused().message)
    return render_template("forgot/sms_reset.html", form=form)

"""Sending a link or a code, after the commit that stored its reset, by the worker.

As for notices (notices.mail), the request only queues: a rolled-back reset is never sent,
and the request takes as long whether an account exists or not (no SMTP or SMS call in it).
The queue holds the link or code until the worker sends it (seconds); the database keeps
only its HMAC. A failed send is retried a few times, then logged; the person can ask again.
"""
import logging
import smtplib
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from flask import current_app, has_request_context, request
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session

from core.db import utcnow
from core.extensions import db
from core.queue import task
from notices.mail import send
from recovery import sms

log = logging.getLogger(__name__)
PENDING = "recovery_to_send"
RETRIES, RETRY_DELAY_SECONDS = 2, 30


def send_after_commit(channel: str, to: str, secret: str, name: str) -> None:
    """Queue the link (``channel`` "email": ``secret`` is the token) or the code ("sms") once
    the current transaction commits."""
    link = _absolute(f"/password/reset/{secret}") if channel == "email" else ""
    session = db.session()
    session.info.setdefault(PENDING, []).append((channel, to, secret if channel == "sms" else link, name))
    if not event.contains(session, "after_commit", _enqueue):
        event.listen(session, "after_commit", _enqueue)
        event.listen(session, "after_rollback", _forget)


def _absolute(path: str) -> str:
    if site := current_app.config.get("SITE_URL"):
        return site.rstrip("/") + path
    return request.host_url.rstrip("/") + path if has_request_context() else path


def _enqueue(session: Session) -> None:
    for channel, to, what, name in session.info.pop(PENDING, ()):
        try:
            (mail_link if channel == "email" else text_code)(to, what, name)
        except Exception:  # the queue is down: the person can ask again
            log.exception("recovery: could not queue the %s", channel)


def _forget(session: Session) -> None:
    session.info.pop(PENDING, None)


def compose(to: str, link: str, name: str, sender: str, minutes: int) -> EmailMessage:
    """The mail with the reset link (in Chinese, the site's language)."""
    message = EmailMessage()
    with force_locale("zh"):
        message["Subject"] = _("知新：重置密码")
        text = _("%(name)s，您好：\n\n请在 %(minutes)s 分钟内打开下面的链接设置新密码（链接只能使用一次）：\n\n"
                 "%(link)s\n\n如果这不是您本人的操作，请忽略本邮件，您的密码不会改变。",
                 name=name, minutes=minutes, link=link)
    message["From"] = sender
    message["To"] = to
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid("reset", domain=parseaddr(sender)[1].rpartition("@")[2] or "localhost")
    message.set_content(text + "\n", charset="utf-8")
    return message


@task(retries=RETRIES, retry_delay=RETRY_DELAY_SECONDS)
def mail_link(to: str, link: str, name: str) -> None:
    config = current_app.config
    try:
        send(config["SMTP_URL"], compose(to, link, name, config["MAIL_FROM"], config["PASSWORD_RESET_MINUTES"]))
    except (smtplib.SMTPException, OSError) as e:
        log.warning("recovery: the reset mail was not sent (%s)", e)
        raise


@task(retries=RETRIES, retry_delay=RETRY_DELAY_SECONDS)
def text_code(phone: str, code: str, name: str) -> None:
    try:
        sms.send_code(current_app.config, phone, code, utcnow())
    except sms.SmsNotSent as e:
        log.warning("recovery: the SMS code was not sent (%s)", e)
        raise

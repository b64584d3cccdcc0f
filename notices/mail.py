"""Notices by mail: queued after the commit that wrote them, sent by the worker over SMTP.

:func:`mail_after_commit` keeps the notice's id in the session until its transaction
commits, then enqueues :func:`mail_notice` (a rollback forgets it): a worker can never mail
a notice that was not stored, and the request never waits for an SMTP server. With
``QUEUE_IMMEDIATE`` (tests, trials) the task runs inside the commit hook, where the
request's session can no longer emit SQL, so the task reads and writes through sessions of
its own. Whatever SMTP answers, the notice stays in the box; the task logs, retries a few
times, and sets ``mailed_at`` once a server accepted the message.

``SMTP_URL``: ``smtp://host[:25]`` (plain), ``smtp+starttls://user:pass@host[:587]`` or
``smtps://user:pass@host[:465]``; user and password are URL-quoted.
"""
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from urllib.parse import unquote, urlsplit

from flask import current_app, has_request_context, request
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from core.queue import task
from notices.models import Notice

log = logging.getLogger(__name__)
PENDING = "notices_to_mail"
TIMEOUT_SECONDS = 20  # connecting, and each SMTP command
RETRIES, RETRY_DELAY_SECONDS = 3, 120
PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


class MailNotSent(Exception):
    """The SMTP server was unreachable or refused the message (the task will try again)."""


@dataclass(frozen=True)
class Letter:
    """What one notice mail needs, read before the connection to SMTP is opened."""

    notice_id: int
    to: str
    title: str
    body: str


def mail_after_commit(notice_id: int, link: str | None) -> None:
    """Enqueue :func:`mail_notice` for ``notice_id`` once the current transaction commits."""
    session = db.session()
    session.info.setdefault(PENDING, []).append((notice_id, _absolute(link)))
    if not event.contains(session, "after_commit", _enqueue_pending):
        event.listen(session, "after_commit", _enqueue_pending)
        event.listen(session, "after_rollback", _forget_pending)


def _absolute(link: str | None) -> str:
    """The link as an address a mail reader can open: on ``SITE_URL``, else on the site this
    request came to (its Host header, which whoever caused the notice chose), else the path."""
    if not link:
        return ""
    if site := current_app.config.get("SITE_URL"):
        return site.rstrip("/") + link
    return request.host_url.rstrip("/") + link if has_request_context() else link


def _enqueue_pending(session: Session) -> None:
    for notice_id, link in session.info.pop(PENDING, ()):
        try:
            mail_notice(notice_id, link)
        except Exception:  # the queue is down: the notice is in the box all the same
            log.exception("notices: could not queue the mail of notice %s", notice_id)


def _forget_pending(session: Session) -> None:
    session.info.pop(PENDING, None)


@task(retries=RETRIES, retry_delay=RETRY_DELAY_SECONDS, context=True)
def mail_notice(notice_id: int, link: str, task=None) -> None:
    """Mail notice ``notice_id`` to its user's address, unless it went already, the address is
    gone or ``SMTP_URL`` is unset; raise :class:`MailNotSent` while retries remain."""
    url = current_app.config.get("SMTP_URL")
    letter = _letter(notice_id) if url else None
    if letter is None:
        return
    try:
        send(url, compose(letter, link, current_app.config["MAIL_FROM"]))
    except (smtplib.SMTPException, OSError) as e:
        if task is not None and task.retries:
            log.warning("notices: mail of notice %s to the SMTP server failed (%s); trying again", notice_id, e)
            raise MailNotSent(str(e)) from e
        log.error("notices: mail of notice %s not sent, giving up: %s", notice_id, e)
        return
    except ValueError as e:  # SMTP_URL or MAIL_FROM makes no sense: retrying changes nothing
        log.error("notices: mail of notice %s not sent: %s", notice_id, e)
        return
    with Session(db.engine) as session:
        session.execute(update(Notice).where(Notice.id == notice_id, Notice.mailed_at.is_(None))
                        .values(mailed_at=utcnow()))
        session.commit()


def _letter(notice_id: int) -> Letter | None:
    """The notice and its user's address, when it is still to be mailed and there is one."""
    with Session(db.engine) as session:
        row = session.execute(select(Notice.title, Notice.body, Notice.mailed_at, User.email, User.active)
                              .join(User, User.id == Notice.user_id).where(Notice.id == notice_id)).first()
    if row is None or row.mailed_at is not None or not row.email or not row.active:
        return None
    return Letter(notice_id, row.email, row.title, row.body)


def compose(letter: Letter, link: str, sender: str) -> EmailMessage:
    """The mail: the notice's title as subject (UTF-8), its body and the absolute link as text."""
    message = EmailMessage()
    message["Subject"] = " ".join(letter.title.split())  # a line break would end the header
    message["From"] = sender
    message["To"] = letter.to
    message["Date"] = format_datetime(utcnow())
    # The sender's domain: make_msgid would otherwise ask DNS for this host's name.
    message["Message-ID"] = make_msgid("notice", domain=parseaddr(sender)[1].rpartition("@")[2] or "localhost")
    text = letter.body.strip()
    if link:
        text = f"{text}\n\n{link}" if text else link
    message.set_content(text + "\n", charset="utf-8")
    return message


def send(url: str, message: EmailMessage) -> None:
    """Hand ``message`` to the SMTP server of ``url`` (TLS certificates verified)."""
    parts = urlsplit(url)
    if parts.scheme not in PORTS or not parts.hostname:
        raise ValueError("ZHIXIN_SMTP_URL must be smtp://, smtp+starttls:// or smtps:// with a host")
    port = parts.port or PORTS[parts.scheme]
    if parts.scheme == "smtps":
        client = smtplib.SMTP_SSL(parts.hostname, port, timeout=TIMEOUT_SECONDS,
                                  context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(parts.hostname, port, timeout=TIMEOUT_SECONDS)
    with client:
        if parts.scheme == "smtp+starttls":
            client.starttls(context=ssl.create_default_context())
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(message)

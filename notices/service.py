"""Sending notices, and a user's notice box. Flushes only; the caller commits (and so decides
whether it was sent). A notice to a user with an e-mail address is also mailed when
``SMTP_URL`` is set — queued once the transaction that wrote it commits (:mod:`notices.mail`)."""
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select, update

from accounts.models import User
from core.extensions import db
from core.http import safe_next
from core.paging import Page
from notices import mail
from notices.models import Notice

KINDS = ("unit_link_confirmed", "unit_link_rejected", "declaration_returned", "declaration_approved",
         "study_reminder", "certificate_superseded", "face_in_person", "face_review", "face_reviewed",
         "transfer_accepted", "transfer_rejected", "checks_cleared")


def notify(user_id: int, kind: str, title: str, body: str = "", link: str = "") -> Notice:
    """Add a notice of ``kind`` (one of :data:`KINDS`) to the user's box and flush it.

    ``link`` is a path on this site (``/me/learning``); the box follows nothing else. With
    ``SMTP_URL`` set and an e-mail address on the user's account, the notice is also mailed
    after the commit (a rollback sends nothing).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown notice kind {kind!r}")
    notice = Notice(user_id=user_id, kind=kind, title=title[:128], body=body, link=link[:255])
    db.session.add(notice)
    db.session.flush()
    if current_app.config.get("SMTP_URL"):
        user = db.session.get(User, user_id)
        if user is not None and user.email:
            mail.mail_after_commit(notice.id, local_link(notice.link))
    return notice


def local_link(link: str) -> str | None:
    """``link`` when it is a path on this site, else None: a stored link is followed only then."""
    return safe_next(link, default="") or None


def unread_count(user_id: int) -> int:
    """How many of the user's notices are unread: one COUNT on ``ix_notices_user_read``."""
    return db.session.scalar(select(func.count()).select_from(Notice)
                             .where(Notice.user_id == user_id, Notice.read_at.is_(None))) or 0


def box(user_id: int, page: int, per_page: int, unread_only: bool = False) -> Page:
    """Page ``page`` of the user's notices, newest first (unread ones only, if asked)."""
    where = [Notice.user_id == user_id]
    if unread_only:
        where.append(Notice.read_at.is_(None))
    total = db.session.scalar(select(func.count()).select_from(Notice).where(*where)) or 0
    rows = db.session.scalars(select(Notice).where(*where).order_by(Notice.created_at.desc(), Notice.id.desc())
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return Page.of(list(rows), page, per_page, total)


def own_notice(user_id: int, notice_id: int) -> Notice | None:
    """The notice ``notice_id`` when it is the user's; None for another's or none at all."""
    notice = db.session.get(Notice, notice_id)
    return notice if notice is not None and notice.user_id == user_id else None


def mark_read(notice: Notice, now: datetime) -> None:
    """Mark ``notice`` read at ``now``; a notice read before keeps its first reading time."""
    if notice.read_at is None:
        notice.read_at = now
        db.session.flush()


def mark_all_read(user_id: int, now: datetime) -> int:
    """Mark every unread notice of the user read at ``now``; how many were unread."""
    result = db.session.execute(update(Notice).where(Notice.user_id == user_id, Notice.read_at.is_(None))
                                .values(read_at=now).execution_options(synchronize_session="fetch"))
    return result.rowcount or 0


def as_json(notice: Notice) -> dict:
    """A notice as the v1 API gives it."""
    return {"id": notice.id, "kind": notice.kind, "title": notice.title, "body": notice.body,
            "link": local_link(notice.link), "created_at": notice.created_at.isoformat(),
            "read_at": notice.read_at.isoformat() if notice.read_at else None}

"""Sending notices. Flushes only; the caller commits (and so decides whether it was sent)."""
from core.extensions import db
from notices.models import Notice

KINDS = ("unit_link_confirmed", "unit_link_rejected", "declaration_returned", "declaration_approved",
         "study_reminder", "certificate_superseded")


def notify(user_id: int, kind: str, title: str, body: str = "", link: str = "") -> Notice:
    """Add a notice of ``kind`` (one of :data:`KINDS`) to the user's box and flush it."""
    if kind not in KINDS:
        raise ValueError(f"unknown notice kind {kind!r}")
    notice = Notice(user_id=user_id, kind=kind, title=title[:128], body=body, link=link[:255])
    db.session.add(notice)
    db.session.flush()
    return notice

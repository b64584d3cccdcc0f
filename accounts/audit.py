"""The audit log: who did what to whom, from where. Every room writes through :func:`record`."""
from flask import has_request_context
from flask_login import current_user

from accounts.models import AuditLog, User
from core.extensions import db
from core.http import client_ip


def record(action: str, *, target: str = "", actor: User | None = None, **details) -> AuditLog:
    """Add an audit row and flush it; the caller's transaction commits it (or not).

    ``actor`` defaults to the signed-in user of the current request (None outside a
    request, e.g. in the CLI, or for an anonymous visitor). ``details`` must be
    JSON-serialisable and never hold a password, token or unmasked ID number.
    """
    if actor is None:
        actor = _current_actor()
    row = AuditLog(
        action=action[:64],
        target=str(target)[:128],
        actor=actor,
        details=details,
        ip=client_ip()[:45] if has_request_context() else "",
    )
    db.session.add(row)
    db.session.flush()
    return row


def _current_actor() -> User | None:
    if has_request_context() and current_user.is_authenticated:
        return current_user._get_current_object()
    return None

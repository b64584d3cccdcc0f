"""Ending a user's signed-in sessions, everywhere at once (a password reset or change).

Sessions are signed cookies that name the user's ``session_epoch`` (``User.get_id``);
raising the epoch makes every cookie issued before it name no one (accounts.access). Rooms
that keep sessions of their own (learning's watch sessions) listen to :data:`sessions_ended`.
"""
from datetime import datetime

from blinker import Namespace
from flask_login import current_user, login_user

from accounts.models import User
from core.extensions import db

_signals = Namespace()
# Sent with the user and ``now`` after their sessions were ended (the caller commits).
sessions_ended = _signals.signal("sessions-ended")


def end_sessions(user: User, now: datetime, keep_current: bool = False) -> None:
    """End every session of ``user``; with ``keep_current``, the request's own session (the
    user's, when they changed their own password) carries on in the new epoch. Flushes only."""
    user.session_epoch = (user.session_epoch or 0) + 1
    db.session.flush()
    sessions_ended.send(user, now=now)
    if keep_current and current_user.is_authenticated and current_user.id == user.id:
        login_user(user)  # the cookie now names the new epoch

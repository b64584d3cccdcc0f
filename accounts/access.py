"""Who is asking: session users and Bearer tokens, and the role check every view makes."""
import functools

from flask import abort, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.models import ApiToken, User
from accounts.tokens import token_for
from core.db import utcnow
from core.extensions import db, login_manager
from core.http import error_response, wants_json
from core.security import has_bearer_token


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The session's user, while still active and in the session's epoch: deactivation and
    a password reset (accounts.sessions.end_sessions) end existing sessions too.

    A request that carries a Bearer token is that token's alone (the CSRF check skips it),
    so the session cookie sent along with it is ignored.
    """
    if has_bearer_token():
        return None
    key, _dot, epoch = user_id.partition(".")
    if not key.isdigit() or not (epoch or "0").isdigit():
        return None
    user = db.session.get(User, int(key))
    if user is None or not user.active or (user.session_epoch or 0) != int(epoch or "0"):
        return None  # deactivated, or its sessions were ended (accounts.sessions) after this one began
    return user


@login_manager.request_loader
def load_user_from_bearer(req) -> User | None:
    """The Bearer token's owner; the token itself is kept in ``g.api_token`` (see current_api_token)."""
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    now = utcnow()
    token = token_for(header[len("Bearer "):].strip(), now)
    if token is not None and token.last_used_at == now:
        # The token's last use; this loader is the request's edge. Committing only then keeps
        # the loaded user fresh for the view instead of expiring it.
        db.session.commit()
    g.api_token = token
    return token.user if token is not None else None


def current_api_token() -> ApiToken | None:
    """The ApiToken that authenticated this request, or None for a session (or anonymous) request."""
    if not current_user.is_authenticated:  # loading the user also sets g.api_token
        return None
    return g.get("api_token")


@login_manager.unauthorized_handler
def unauthorized():
    if wants_json() or has_bearer_token():  # a script with a bad token wants JSON, not a login page
        return error_response(401, "unauthorized", _("请先登录，或提供有效的 API 令牌。"))
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def role_required(*roles: str):
    """Let in signed-in users holding one of ``roles``; others get login (anonymous) or 403."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


login_required = role_required()

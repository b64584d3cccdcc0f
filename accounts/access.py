"""Who is asking: session users and Bearer tokens, and the role check every view makes."""
import functools

from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.models import User
from accounts.tokens import user_for_token
from core.db import utcnow
from core.extensions import db, login_manager
from core.http import error_response, wants_json


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


@login_manager.request_loader
def load_user_from_bearer(req) -> User | None:
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    user = user_for_token(header[len("Bearer "):].strip(), utcnow())
    db.session.commit()  # the token's last use; this loader is the request's edge
    return user


@login_manager.unauthorized_handler
def unauthorized():
    if wants_json():
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

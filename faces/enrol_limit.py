"""How often a trainee may try enrolment (a reference photo, by camera or file, on /me/face/enrol
or PUT /api/v1/me/face/reference): ``FACE_ENROL_RATE_LIMIT`` (default 5 per hour), one budget
per trainee for the page and the v1 call together. Every try counts, refused photos too: each
runs the face model, and a stream of photos is how a stranger's face would be tried until one
passes. Kept in the app's rate-limit storage (core.extensions.limiter, as signing in and the
recovery calls are; memory, or Redis when scaled out), so ``RATELIMIT_ENABLED`` switches it too;
counted here rather than by a decorator so the refusal can say how long to wait."""
import math
import time

from flask import current_app
from flask_babel import gettext as _
from limits import parse_many

from core.extensions import limiter
from core.http import Refused

SCOPE = "face-enrol"


def enrol_limit() -> str:
    return current_app.config.get("FACE_ENROL_RATE_LIMIT", "5 per hour")


def take_try(user_id: int) -> None:
    """Count one enrolment try of ``user_id``, or refuse it (429 ``too_many_attempts``, with
    Retry-After) when the trainee's budget is spent; a refused try is not counted."""
    if not limiter.enabled:
        return
    strategy, items, key = limiter.limiter, parse_many(enrol_limit()), str(user_id)
    spent = [item for item in items if not strategy.test(item, SCOPE, key)]
    if spent:
        wait = max(strategy.get_window_stats(item, SCOPE, key).reset_time for item in spent) - time.time()
        minutes = max(1, math.ceil(wait / 60))
        error = Refused(429, "too_many_attempts", _(
            "人脸照片采集尝试次数过多，请 %(minutes)s 分钟后再试；如多次无法通过，可联系单位管理员当面核验。",
            minutes=minutes))
        error.headers["Retry-After"] = str(max(1, math.ceil(wait)))
        raise error
    for item in items:
        strategy.hit(item, SCOPE, key)

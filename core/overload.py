"""Overload made explicit: an API request that waited too long for a web thread is refused at once.

nginx stamps every request it passes on with the time it did so (README's block:
``proxy_set_header X-Request-Start "t=${msec}"``); gunicorn queues what its threads cannot
take yet. In a deadline rush the queue grew until answers came 20–30 s late, each one still
doing the whole work. Now an ``/api/`` request that has already waited more than
``MAX_QUEUE_SECONDS`` when a thread takes it up is answered 503 with ``Retry-After`` before
any other work (no session, no database): the queue holds at most that much waiting, the
threads go to requests that can still be answered in time, and the player sends the same
heartbeat again after Retry-After (static/js/player/queue.js), so nothing is lost.

Why the wait and not a count: nginx's bounded upstream ``queue`` is NGINX Plus only;
open-source ``max_conns`` without it answers the excess 502, which the player cannot tell
from a fault; ``limit_conn`` needs a count per deployment and host and counts the media a
request hands back to nginx; a full gunicorn ``--backlog`` drops connections, which clients
see as timeouts, not quick answers. The time waited needs no count: it holds whatever the
number of threads, processes and hosts. Pages and media are not refused: a person or a
<video> would only see an error, while the API's callers (the player, uploads, sync
clients) come back when told. Without the header (no nginx, e.g. ``make run``) nothing changes.
"""
import math
import time

from flask import Flask, request
from flask_babel import gettext as _

from core.http import ApiError

HEADER = "X-Request-Start"
ENVIRON_KEY = "HTTP_X_REQUEST_START"  # the header as a WSGI environ names it


def waited(stamp: str | None, now: float) -> float | None:
    """Seconds between nginx's stamp (``t=<Unix seconds>``, as ``${msec}`` writes it) and
    ``now`` (Unix seconds), or None when there is no readable stamp."""
    if not stamp:
        return None
    try:
        at = float(stamp.strip().removeprefix("t="))
    except ValueError:
        return None
    return now - at if math.isfinite(at) else None


def retry_after(max_wait: float) -> int:
    """Seconds the client is asked to wait: twice the longest wait allowed (the queue held at
    least that much work when it refused), at least one."""
    return max(1, math.ceil(2 * max_wait))


def refusal(stamp: str | None, max_wait: float, now: float) -> ApiError | None:
    """The 503 (with Retry-After) for a request stamped ``stamp`` by nginx that waited more than
    ``max_wait`` seconds by ``now``; None when it may go on (or ``max_wait`` ≤ 0: off)."""
    late = waited(stamp, now)
    if max_wait <= 0 or late is None or late <= max_wait:
        return None
    return ApiError(503, "overloaded", _("服务器繁忙，请稍后再试。"), {"Retry-After": str(retry_after(max_wait))})


def init_app(app: Flask) -> None:
    """Refuse late ``/api/`` requests first thing, when ``MAX_QUEUE_SECONDS`` > 0.
    (Heartbeats, answered beside Flask, ask :func:`refusal` themselves: learning.heartbeat_app.)"""
    max_wait = float(app.config["MAX_QUEUE_SECONDS"])
    if max_wait <= 0:
        return

    def refuse_if_late():
        if not request.path.startswith("/api/"):
            return
        refused = refusal(request.headers.get(HEADER), max_wait, time.time())
        if refused is not None:
            raise refused

    # First of all before_request functions: nothing else (sessions, rate limits) runs for it.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_if_late)

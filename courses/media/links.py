"""Media links: where a viewer's page and player fetch a video's poster, renditions and captions.

Without ``MEDIA_LINK_SECRET`` they are the app's own routes (``courses.media.media``), which
check access on every request. With it, nginx decides alone: each link names the file under
``MEDIA_ROOT`` and carries the viewer's id, an expiry and nginx's ``secure_link`` checksum::

    /signed-media/renditions/7/720p.mp4?u=<user id>&e=<expires, unix>&s=<checksum>

    location /signed-media/ {
        secure_link $arg_s,$arg_e;
        secure_link_md5 "$secure_link_expires$uri$arg_u <MEDIA_LINK_SECRET>";
        if ($secure_link = "")  { return 403; }   # wrong checksum, another file or user
        if ($secure_link = "0") { return 410; }   # expired: the player asks for fresh links
        alias /srv/zhixin/media/;
    }

nginx serves each range straight from disk, so a link is the access check: whoever may play
the video when the page (or ``GET /api/v1/lessons/<id>/media``) is answered may fetch it
until it expires. Withdrawn access therefore takes effect within ``MEDIA_LINK_SECONDS`` (plus
the rounding below). Links are only made for a viewer the caller has found may see the video.
"""
import base64
import hashlib
from datetime import UTC, datetime
from urllib.parse import quote

from flask import current_app, url_for

from courses.access import is_signed_in
from courses.media import storage
from courses.models import Video

PREFIX = "/signed-media/"
# Expiries are rounded up to this many seconds, so that the links of one viewer's pages are
# the same URLs for a while (the browser's cache keeps them) and a link lives at least
# MEDIA_LINK_SECONDS.
ROUND_SECONDS = 60


def checksum(uri: str, user_id: int, expires_at: int, secret: str) -> str:
    """What nginx computes for ``secure_link_md5 "$secure_link_expires$uri$arg_u <secret>"``:
    the MD5 of that string, base64url without padding (22 characters). ``uri`` is the
    decoded path, as nginx's ``$uri``."""
    digest = hashlib.md5(f"{expires_at}{uri}{user_id} {secret}".encode(), usedforsecurity=False).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def sign(relative_path: str, user_id: int, expires_at: int, secret: str) -> str:
    """The signed URL (path and query) of the file ``relative_path`` under MEDIA_ROOT, for
    ``user_id`` until ``expires_at`` (unix seconds). ``relative_path`` must be clean
    (``storage.clean``)."""
    uri = PREFIX + relative_path
    token = checksum(uri, user_id, expires_at, secret)
    return f"{quote(uri)}?u={user_id}&e={expires_at}&s={token}"


def expiry(now: datetime, seconds: int) -> int:
    """Unix time ``seconds`` after ``now``, rounded up to the next whole ROUND_SECONDS."""
    at = int(now.timestamp()) + int(seconds)
    return -(-at // ROUND_SECONDS) * ROUND_SECONDS


def video_links(video: Video, user, now: datetime) -> dict:
    """The links of ``video`` for ``user`` (who the caller found may see it):
    ``{"renditions": [{"height", "url"}] by height, "poster", "captions", "expires_at",
    "expires_in"}``. Signed when MEDIA_LINK_SECRET is set and ``user`` is signed in (then
    ``expires_at`` is an ISO 8601 UTC time and ``expires_in`` the seconds left from ``now``);
    otherwise the app's routes, with both null."""
    secret = current_app.config.get("MEDIA_LINK_SECRET") or ""
    if not isinstance(secret, str):  # ZHIXIN_ values that parse as JSON (digits) are not strings
        raise TypeError("MEDIA_LINK_SECRET must be a string (e.g. secrets.token_urlsafe(24))")
    if not secret or not is_signed_in(user):
        return _app_links(video)
    expires = expiry(now, current_app.config["MEDIA_LINK_SECONDS"])

    def link(relative: str | None, fallback: str) -> str | None:
        if not relative:
            return None
        try:
            return sign(storage.clean(relative), user.id, expires, secret)
        except storage.UnsafePath:
            return fallback  # the app's route refuses it (404) and logs why
    links = _app_links(video)
    return {
        "renditions": [
            {"height": r["height"], "url": link(r.get("path"), r["url"])} for r in _by_height(video, links)
        ],
        "poster": link(video.poster_path, links["poster"]),
        "captions": link(video.captions_path, links["captions"]),
        "expires_at": datetime.fromtimestamp(expires, UTC).isoformat(),
        "expires_in": expires - int(now.timestamp()),
    }


def _app_links(video: Video) -> dict:
    return {
        "renditions": [
            {"height": r["height"], "url": url_for("media.rendition", video_id=video.id, height=r["height"])}
            for r in sorted(video.renditions or [], key=lambda r: r["height"])
        ],
        "poster": url_for("media.poster", video_id=video.id) if video.poster_path else None,
        "captions": url_for("media.captions", video_id=video.id) if video.captions_path else None,
        "expires_at": None,
        "expires_in": None,
    }


def _by_height(video: Video, links: dict) -> list[dict]:
    """The video's renditions by height, each with its app URL (``url``) beside its ``path``."""
    urls = {r["height"]: r["url"] for r in links["renditions"]}
    return [{**r, "url": urls[r["height"]]} for r in sorted(video.renditions or [], key=lambda r: r["height"])]

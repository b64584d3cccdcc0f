"""Lesson media — posters, renditions, captions — served only to those who may see them.

The URL names a video and, for a rendition, a height; the file itself is always taken
from the ``Video`` row and resolved under ``MEDIA_ROOT`` by ``courses.media.storage``. A video
the user may not see answers 404, exactly like one that does not exist; an anonymous
visitor asking for a rendition or captions is sent to log in (whatever the id, so that
reveals nothing either). Access rules: ``courses.access``.

Python serves the bytes by default, with byte ranges and conditional requests (see
``range_environ``). Scaled out, set ``MEDIA_ACCEL_REDIRECT`` (e.g. ``/protected-media/``):
the app still checks access, then answers with an empty body and
``X-Accel-Redirect: <prefix><relative path>``, and nginx sends the file, doing ranges,
ETag and If-Modified-Since itself. nginx keeps the app's Content-Type, Cache-Control,
Expires and Set-Cookie on such a response and drops its other headers, hence the
``add_header`` below::

    location /protected-media/ {
        internal;                   # reachable only through X-Accel-Redirect
        alias /srv/zhixin/media/;   # = MEDIA_ROOT; trailing slash on both, or paths escape
        add_header X-Content-Type-Options nosniff always;
    }

With ``MEDIA_LINK_SECRET`` nginx decides alone: pages and calls link to URLs signed for the
viewer (``courses.media.links``, given to templates as ``media_links(video)``), and these
routes serve only what still points here (the catalogue's public posters).
"""
import stat
from datetime import UTC, datetime
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, request
from flask_login import current_user
from werkzeug.exceptions import RequestedRangeNotSatisfiable
from werkzeug.http import is_resource_modified, parse_date, parse_range_header
from werkzeug.utils import send_file
from werkzeug.wsgi import wrap_file

from core.extensions import db, login_manager
from courses.access import can_view_video, poster_audience
from courses.media import links, storage
from courses.models import Video

bp = Blueprint("media", __name__, url_prefix="/media")

# Browsers may reuse media for an hour; access can be withdrawn, so not much longer.
MAX_AGE = 3600
# Block size when a server reads a ranged body itself rather than sendfile()-ing it.
READ_BYTES = 64 * 1024


@bp.app_context_processor
def link_helpers() -> dict:
    """``media_links(video)`` for every template: the video's links for the viewer
    (``courses.media.links.video_links``) with ``by_height``, height → rendition URL."""
    def media_links(video: Video) -> dict:
        found = links.video_links(video, current_user, datetime.now(UTC))
        return {**found, "by_height": {r["height"]: r["url"] for r in found["renditions"]}}
    return {"media_links": media_links}


@bp.get("/videos/<int:video_id>/poster.jpg")
def poster(video_id: int):
    video = db.session.get(Video, video_id)
    audience = poster_audience(current_user, video) if video is not None else None
    if audience is None:
        abort(404)
    return _serve(video.poster_path, "image/jpeg", public=audience == "public")


@bp.get("/videos/<int:video_id>/<int:height>p.mp4")
def rendition(video_id: int, height: int):
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    video = _playable_video(video_id)
    path = next((r.get("path") for r in video.renditions if r.get("height") == height), None)
    return _serve(path, "video/mp4", public=False)


@bp.get("/videos/<int:video_id>/captions.vtt")
def captions(video_id: int):
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return _serve(_playable_video(video_id).captions_path, "text/vtt", public=False)


def _playable_video(video_id: int) -> Video:
    video = db.session.get(Video, video_id)
    if video is None or not can_view_video(current_user, video):
        abort(404)
    return video


def _serve(relative: str | None, mimetype: str, *, public: bool) -> Response:
    """The file at ``relative`` (from a Video row), or 404 when there is none."""
    if not relative:
        abort(404)
    try:
        relative = storage.clean(relative)
    except storage.UnsafePath:
        current_app.logger.warning("refused to serve media path %r", relative)
        abort(404)
    prefix = current_app.config.get("MEDIA_ACCEL_REDIRECT")
    if prefix:
        response = current_app.response_class(mimetype=mimetype)
        response.headers["X-Accel-Redirect"] = f"{prefix.rstrip('/')}/{relative}"
    else:
        response = _send(storage.resolve(relative), mimetype)
    cache = response.cache_control
    cache.no_cache = None
    cache.public, cache.private = public, not public
    cache.max_age = MAX_AGE
    return response


def _send(path: Path, mimetype: str) -> Response:
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        abort(404)
    if not stat.S_ISREG(info.st_mode):
        abort(404)
    etag = f"{info.st_mtime_ns:x}-{info.st_size:x}"
    modified = datetime.fromtimestamp(int(info.st_mtime), UTC)
    environ = range_environ(request.environ, etag, modified, info.st_size)
    response = send_file(
        path, environ, mimetype=mimetype, etag=etag, last_modified=modified,
        max_age=MAX_AGE, response_class=current_app.response_class,
    )
    if response.status_code == 206:
        _body_from_range_start(response, path)
    return response


def _body_from_range_start(response: Response, path: Path) -> None:
    """Make a 206's body the range alone, read from a file opened at the range's start.

    Werkzeug seeks to the start only through its own file wrapper; under a server's
    (gunicorn's cannot seek) it reads and drops every byte before the range, so a seek
    near the end of a long lecture read the whole file. The slice still has a file
    descriptor at the start, so gunicorn sendfile()s Content-Length bytes from there.
    """
    span = response.content_range
    response.response.close()
    file = path.open("rb", buffering=0)
    file.seek(span.start)
    response.response = wrap_file(request.environ, FileSlice(file, span.stop - span.start), READ_BYTES)


class FileSlice:
    """``length`` bytes of ``file`` from its current position: ``read`` ends there;
    ``fileno`` lets a server send them with sendfile (no more than Content-Length)."""

    def __init__(self, file, length: int):
        self._file, self._left = file, length

    def read(self, size: int = -1) -> bytes:
        data = self._file.read(self._left if size < 0 else min(size, self._left))
        self._left -= len(data)
        return data

    def fileno(self) -> int:
        return self._file.fileno()

    def close(self) -> None:
        self._file.close()


def range_environ(environ: dict, etag: str, modified: datetime, size: int) -> dict:
    """A copy of ``environ`` whose ``Range`` (if any) werkzeug's ``send_file`` may follow.

    Werkzeug strays from RFC 9110 on its own: it answers 416 to ranges it should ignore
    (another unit, several ranges, bad syntax) and to a suffix longer than the file,
    lets a range win over a matching If-None-Match (§13.2.2: 304 first) and takes a
    weak or merely older If-Range validator as a match (§13.1.5: strong and exact).
    So the decision is made here: the copy keeps one canonical satisfiable range or
    none, and no If-Range. ``etag`` is unquoted; ``modified`` has whole seconds.
    Raises ``RequestedRangeNotSatisfiable`` (416) for a range starting past the end.
    """
    plain = {k: v for k, v in environ.items() if k not in ("HTTP_RANGE", "HTTP_IF_RANGE")}
    wanted = environ.get("HTTP_RANGE")
    if not wanted or not is_resource_modified(plain, f'"{etag}"', last_modified=modified):
        return plain
    if not _if_range_holds(environ.get("HTTP_IF_RANGE"), etag, modified):
        return plain
    span = byte_span(wanted, size)
    if span is not None:
        plain["HTTP_RANGE"] = f"bytes={span[0]}-{span[1] - 1}"
    return plain


def _if_range_holds(value: str | None, etag: str, modified: datetime) -> bool:
    if value is None:
        return True
    value = value.strip()
    if value.startswith(("W/", '"')):
        return value == f'"{etag}"'  # strong comparison: a weak tag never matches
    return parse_date(value) == modified


def byte_span(header: str, size: int) -> tuple[int, int] | None:
    """The ``(start, stop)`` bytes one ``Range`` header asks of ``size``, or ``None`` to
    ignore it (several ranges, another unit, bad syntax, an empty file). A suffix longer
    than the file means all of it; an end past the file is cut to it.
    Raises ``RequestedRangeNotSatisfiable`` when the range starts at or past the end.
    """
    parsed = parse_range_header(header)
    if parsed is None or parsed.units != "bytes" or len(parsed.ranges) != 1 or size == 0:
        return None
    start, stop = parsed.ranges[0]
    if start < 0:
        return max(size + start, 0), size
    if start >= size:
        raise RequestedRangeNotSatisfiable(length=size)
    return start, size if stop is None else min(stop, size)

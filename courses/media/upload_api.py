"""tus 1.0.0 resumable uploads at ``/api/v1/uploads``: core, creation, termination, checksum, expiration.

**The upload URL names the video.** ``POST`` creates, at once, the Video the upload will
become (status "uploading", progress 0, owned by the producer, ``original_filename`` from
the metadata) and an Upload row whose id is a secret 32-hex id that names the partial
file ``uploads/<id>.part``. ``Location`` is ``/api/v1/uploads/<video_id>``, so the finished
upload is the video whose id is the last segment of its Location (the v1 contract), and
``GET /api/v1/videos/<id>`` answers for it from the first byte on. Video ids are
sequential, so the URL is no secret: every call looks the upload up by video id *and*
owner, and another user's upload answers 404 exactly like one that does not exist.
The upload id never leaves the server. When the last byte arrives, the bytes move to
``originals/<video_id>/source``, the video becomes "processing" with its ``original_*``
fields, the upload is marked completed, all of it is committed, and only then is
``courses.media.tasks.process_video(video_id)`` queued; that response carries
``Zhixin-Video-Id``.

**Who.** Producers only (role "producer"), anonymous callers get 401, every other role
403: a video belongs to its owner's organisation and only producers have one (admins
manage accounts, they do not publish). OPTIONS, the protocol's discovery, needs no
account. Browser uploads authenticate with the session cookie, so their unsafe requests
send ``X-CSRFToken`` (``core.security.check_csrf``); Bearer-token clients do not.

**Protocol rules.** ``Tus-Resumable: 1.0.0`` on every request but OPTIONS, else 412 with
``Tus-Version``; every response carries ``Tus-Resumable`` and ``Cache-Control: no-store``.
Errors keep the tus status and have the house JSON body ``{"error": {"code", "message"}}``.
PATCH needs ``application/offset+octet-stream`` (415) and the current offset (409); a
length over ``MAX_UPLOAD_BYTES`` (413 at creation) or a body past ``Upload-Length`` (413)
writes nothing; an ``Upload-Checksum`` (sha1, md5, sha256) that does not match answers 460
and appends nothing. Each PATCH or creation moves the expiry ``UPLOAD_EXPIRY_HOURS`` ahead
(``Upload-Expires``); an expired upload answers 410 until the periodic purge removes it
(then 404). A PATCH or DELETE while another PATCH writes the same upload answers 423.
A finished upload cannot be terminated (409): its bytes are a video now.
``X-HTTP-Method-Override`` on a POST to the upload URL is honoured for PATCH and DELETE.

**Bytes.** A PATCH body streams from ``request.stream`` to disk in 1 MiB chunks, never
whole into memory; ``MAX_CONTENT_LENGTH`` does not limit it (each PATCH may carry what the
upload still lacks). Bytes reach the disk (fsync) before the offset that counts them is
committed. A PATCH cut off by the network keeps what arrived, so the client resumes from
there, unless it carried a checksum, which then cannot be verified. The client's file
name is metadata only: never part of a path, shown escaped.
"""
import os

from flask import Blueprint, Response, abort, current_app, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.http import http_date

from accounts.access import role_required
from core.db import utcnow
from core.extensions import db
from core.http import ApiError, error_response
from courses.media import storage, tasks, uploads
from courses.media.upload_tasks import remove
from courses.media.uploads import TUS_VERSION
from courses.models import Upload, Video

PREFIX = "/api/v1/uploads"
bp = Blueprint("upload_api", __name__, url_prefix=PREFIX)
# Flask's automatic OPTIONS answer would hide the tus discovery view below.
_NO_AUTO_OPTIONS = {"provide_automatic_options": False}


@bp.before_request
def require_tus_version():
    if request.method == "OPTIONS" or request.headers.get("Tus-Resumable") == TUS_VERSION:
        return None
    response = error_response(412, "unsupported_version", _("不支持此 tus 协议版本，请使用 1.0.0。"))
    response.headers["Tus-Version"] = TUS_VERSION
    return response


@bp.before_request
def lift_body_limit():
    """A PATCH body is limited by what the upload lacks (checked while copying), not by
    ``MAX_CONTENT_LENGTH``. Nothing reads a tus body before this runs (the CSRF check takes
    the token from the header for non-form bodies).
    """
    if request.endpoint in ("upload_api.patch", "upload_api.method_override"):
        # One byte of slack: werkzeug refuses a read at an exact maximum, even at the body's end.
        request.max_content_length = current_app.config["MAX_UPLOAD_BYTES"] + 1


@bp.after_app_request
def tus_headers(response: Response) -> Response:
    """Every answer under the prefix, unmatched routes and errors included, speaks tus."""
    if request.path == PREFIX or request.path.startswith(PREFIX + "/"):
        response.headers["Tus-Resumable"] = TUS_VERSION
        response.headers["Cache-Control"] = "no-store"
        if response.status_code == 460:
            response.status = "460 Checksum Mismatch"
    return response


@bp.route("", methods=["OPTIONS"])
@bp.route("/<int:video_id>", methods=["OPTIONS"])
def options(video_id: int | None = None):
    response = Response(status=204)
    response.headers.update({
        "Tus-Version": TUS_VERSION,
        "Tus-Extension": ",".join(uploads.EXTENSIONS),
        "Tus-Max-Size": str(current_app.config["MAX_UPLOAD_BYTES"]),
        "Tus-Checksum-Algorithm": ",".join(uploads.CHECKSUMS),
    })
    return response


@bp.route("", methods=["POST"], **_NO_AUTO_OPTIONS)
@role_required("producer")
def create():
    length = _size_header("Upload-Length", "bad_length")
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    if length > limit:
        raise ApiError(413, "too_large", _("文件超过上传大小上限（%(limit)s）。", limit=_size_text(limit)))
    metadata = _header_value(uploads.parse_metadata, request.headers.get("Upload-Metadata"))
    now = utcnow()
    upload = _start(length, metadata, now)
    if length == 0:
        _finish(upload, now)
    db.session.commit()
    if length == 0:
        _enqueue(upload.video_id)
    response = _described(Response(status=201), upload)
    response.headers["Location"] = url_for("upload_api.patch", video_id=upload.video_id)
    return response


@bp.route("/<int:video_id>", methods=["HEAD"], **_NO_AUTO_OPTIONS)
@role_required("producer")
def head(video_id: int):
    upload = _own_upload(video_id)
    response = _described(Response(status=200), upload)
    if upload.upload_metadata:
        response.headers["Upload-Metadata"] = uploads.encode_metadata(upload.upload_metadata)
    return response


@bp.route("/<int:video_id>", methods=["PATCH"], **_NO_AUTO_OPTIONS)
@role_required("producer")
def patch(video_id: int):
    upload = _own_upload(video_id)
    if request.mimetype != uploads.OFFSET_CONTENT_TYPE:
        raise ApiError(415, "unsupported_media_type",
                       _("PATCH 请求的 Content-Type 应为 application/offset+octet-stream。"))
    offset = _size_header("Upload-Offset", "bad_offset")
    checksum = _header_value(uploads.parse_checksum, request.headers.get("Upload-Checksum"))
    if upload.completed_at is not None:
        raise ApiError(409, "upload_finished", _("此上传已经完成。"))
    if offset != upload.offset:
        raise _offset_conflict(upload.offset)
    if (request.content_length or 0) > upload.length - offset:
        raise _past_length()
    upload = _append(upload, offset, checksum)
    if upload.completed_at is not None:
        _enqueue(upload.video_id)
    return _described(Response(status=204), upload)


@bp.route("/<int:video_id>", methods=["DELETE"], **_NO_AUTO_OPTIONS)
@role_required("producer")
def terminate(video_id: int):
    upload = _own_upload(video_id, allow_expired=True)
    if upload.completed_at is not None:
        raise ApiError(409, "upload_finished", _("此上传已经完成，视频不能通过终止上传删除。"))
    if not remove(upload):
        raise _busy()
    return Response(status=204)


@bp.route("/<int:video_id>", methods=["POST"], **_NO_AUTO_OPTIONS)
def method_override(video_id: int):
    """tus: a client that cannot send PATCH or DELETE posts with ``X-HTTP-Method-Override``."""
    view = {"PATCH": patch, "DELETE": terminate}.get(request.headers.get("X-HTTP-Method-Override", "").upper())
    if view is None:
        abort(405)
    return view(video_id=video_id)


def _own_upload(video_id: int, *, allow_expired: bool = False) -> Upload:
    """The caller's upload for ``video_id``; anyone else's is 404, like one that does not exist."""
    upload = db.session.scalar(
        select(Upload).where(Upload.video_id == video_id, Upload.owner_id == current_user.id)
    )
    if upload is None:
        raise ApiError(404, "not_found", _("上传不存在。"))
    if not allow_expired and uploads.is_expired(upload.expires_at, upload.completed_at, utcnow()):
        raise ApiError(410, "upload_expired", _("此上传已过期，请重新上传该文件。"))
    return upload


def _start(length: int, metadata: dict[str, str], now) -> Upload:
    """A new upload, its video and its empty partial file (flushes)."""
    filename = uploads.clean_text(metadata.get("filename") or metadata.get("name", ""), uploads.FILENAME_CHARS)
    filetype = uploads.clean_text(metadata.get("filetype") or metadata.get("type", ""), uploads.FILETYPE_CHARS)
    video = Video(owner_id=current_user.id, status="uploading", progress=0, original_filename=filename)
    upload = Upload(
        id=uploads.new_upload_id(), owner_id=current_user.id, length=length, offset=0,
        filename=filename, filetype=filetype, upload_metadata=metadata, created_at=now,
        updated_at=now, expires_at=uploads.expiry(now, current_app.config["UPLOAD_EXPIRY_HOURS"]),
        video=video,
    )
    db.session.add(upload)
    db.session.flush()
    path = storage.resolve(storage.upload_part_path(upload.id))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.open("xb").close()
    return upload


def _append(upload: Upload, offset: int, checksum: tuple[str, bytes] | None) -> Upload:
    """Write the request body at ``offset`` under the upload's lock; commit the new offset."""
    upload_id, length = upload.id, upload.length
    path = storage.resolve(storage.upload_part_path(upload_id))
    try:
        with uploads.locked(path) as part:
            db.session.refresh(upload)
            if upload.offset != offset:  # another PATCH got in between the checks and the lock
                raise _offset_conflict(upload.offset)
            db.session.commit()  # no transaction stays open while the body streams (minutes)
            written = _write(part, offset, length - offset, checksum)
            upload = db.session.get(Upload, upload_id)
            upload.offset = offset + written
            upload.expires_at = uploads.expiry(utcnow(), current_app.config["UPLOAD_EXPIRY_HOURS"])
            _commit_append(upload)
    except uploads.Busy:
        raise _busy() from None
    except FileNotFoundError:
        current_app.logger.error("partial file of upload %s is missing", upload_id)
        raise ApiError(410, "upload_lost", _("此上传的数据已丢失，请重新上传该文件。")) from None
    return upload


def _write(part, offset: int, limit: int, checksum: tuple[str, bytes] | None) -> int:
    """Copy the body into ``part`` at ``offset``; on any refusal, truncate back to ``offset``."""
    hasher = uploads.CHECKSUMS[checksum[0]]() if checksum else None
    part.seek(offset)
    part.truncate()  # bytes past the committed offset were never acknowledged to anyone
    try:
        written, cut_off = uploads.copy_body(request.stream, part, limit, hasher)
        if checksum and (cut_off or hasher.digest() != checksum[1]):
            raise ApiError(460, "checksum_mismatch", _("数据校验失败（Upload-Checksum 不符），本次数据未保存。"))
        part.flush()
        os.fsync(part.fileno())
    except uploads.BodyTooLarge:
        part.truncate(offset)
        raise _past_length() from None
    except BaseException:
        part.truncate(offset)
        raise
    return written


def _commit_append(upload: Upload) -> None:
    """Commit the new offset; the last byte turns the upload into its video first."""
    if upload.offset < upload.length:
        db.session.commit()
        return
    _finish(upload, utcnow())
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        # Put the bytes back where the still-unfinished upload expects them.
        os.replace(storage.resolve(storage.original_path(upload.video_id)),
                   storage.resolve(storage.upload_part_path(upload.id)))
        raise


def _finish(upload: Upload, now) -> None:
    """Move the bytes to the video's original and mark it for processing (flushes)."""
    video = upload.video
    relative = storage.original_path(video.id)
    target = storage.resolve(relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(storage.resolve(storage.upload_part_path(upload.id)), target)
    video.status, video.progress = "processing", 0
    video.original_path, video.original_size = relative, upload.length
    video.original_filename = upload.filename
    upload.completed_at = now
    db.session.flush()


def _enqueue(video_id: int) -> None:
    """Queue probing and transcoding of a committed video.

    A queue that cannot be reached must not fail an upload whose bytes are safe: the
    video stays "processing" and the pipeline's sweep of stale jobs takes it up.
    """
    try:
        tasks.process_video(video_id)
    except Exception:
        current_app.logger.exception("video %s could not be queued for processing", video_id)


def _described(response: Response, upload: Upload) -> Response:
    headers = response.headers
    headers["Upload-Offset"] = str(upload.offset)
    headers["Upload-Length"] = str(upload.length)
    if upload.completed_at is None:
        headers["Upload-Expires"] = http_date(upload.expires_at)
    else:
        headers["Zhixin-Video-Id"] = str(upload.video_id)
    return response


def _size_header(name: str, code: str) -> int:
    return _header_value(uploads.parse_size, request.headers.get(name), code)


def _header_value(parse, *args):
    """``parse(*args)``, a malformed tus header answered as 400 with a Chinese message."""
    try:
        return parse(*args)
    except uploads.HeaderError as e:
        messages = {
            "bad_length": _("缺少或无效的 Upload-Length 请求头（应为非负整数）。"),
            "bad_offset": _("缺少或无效的 Upload-Offset 请求头（应为非负整数）。"),
            "bad_metadata": _("Upload-Metadata 请求头格式无效。"),
            "bad_checksum": _("Upload-Checksum 请求头格式无效。"),
            "unsupported_checksum": _("不支持此校验算法，可用的有：sha1、md5、sha256。"),
        }
        raise ApiError(400, e.code, messages[e.code]) from None


def _offset_conflict(current: int) -> ApiError:
    return ApiError(409, "offset_mismatch", _("Upload-Offset 与服务器上的进度（%(offset)s 字节）不一致。",
                                              offset=current))


def _past_length() -> ApiError:
    return ApiError(413, "exceeds_length", _("数据超出了上传声明的长度，本次数据未保存。"))


def _busy() -> ApiError:
    return ApiError(423, "locked", _("此上传正被另一个请求写入，请稍后重试。"))


def _size_text(size: int) -> str:
    for unit, scale in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size >= scale:
            return f"{size / scale:.3g} {unit}"
    return f"{size} B"

"""The producer's upload page: Uppy's Dashboard over the tus endpoint, then live processing status.

The page carries no executable inline script (the CSP forbids it): settings travel in
``data-`` attributes and the translated strings in a JSON ``<script type="application/json">``
block, both read by ``static/js/upload.js``.
"""
from flask import Blueprint, current_app, render_template
from flask_babel import get_locale
from flask_babel import gettext as _

from accounts.access import role_required

bp = Blueprint("upload", __name__)

# Each tus PATCH carries one chunk (config UPLOAD_CHUNK_BYTES overrides it): well under the
# app's MAX_CONTENT_LENGTH, and a chunk lost on a poor network costs little to send again.
CHUNK_BYTES = 8 * 1024 * 1024
# The browser's hint only: the server judges a file by its content, never by its name.
VIDEO_EXTENSIONS = (".mp4", ".mov", ".mkv", ".webm", ".avi", ".flv", ".ts", ".ogv", ".m4v")
POLL_MILLISECONDS = 2000
# The v1 contract's tus endpoint and video status call, and the producer's video page.
UPLOADS_URL = "/api/v1/uploads"
VIDEO_API_URL = "/api/v1/videos/"
VIDEO_PAGE_URL = "/studio/videos/"
# Uppy's own language pack for each UI language (Uppy's built-in strings are English).
UPPY_LOCALES = {"zh": "zh_CN"}


def format_bytes(size: int) -> str:
    """``4 * 1024**3`` → ``4 GB``; ``1536 * 1024**2`` → ``1.5 GB``; ``300 * 1024**2`` → ``300 MB``."""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} B"


def chunk_bytes(wanted: int | None, max_content_length: int | None) -> int:
    """The tus chunk size: ``wanted`` (else CHUNK_BYTES), less when the app accepts only smaller bodies."""
    size = wanted or CHUNK_BYTES
    if not max_content_length:
        return size
    return min(size, max_content_length - 64 * 1024)


def _settings() -> dict:
    config = current_app.config
    return {
        "endpoint": UPLOADS_URL,
        "max-bytes": config["MAX_UPLOAD_BYTES"],
        "chunk-bytes": chunk_bytes(config.get("UPLOAD_CHUNK_BYTES"), config.get("MAX_CONTENT_LENGTH")),
        "extensions": ",".join(VIDEO_EXTENSIONS),
        "uppy-locale": UPPY_LOCALES.get(str(get_locale()), ""),
        "video-api": VIDEO_API_URL,
        "video-page": VIDEO_PAGE_URL,
        "poll-ms": POLL_MILLISECONDS,
    }


def _strings(max_bytes: int) -> dict:
    """Every sentence upload.js shows, translated here."""
    return {
        "note": _("支持 MP4、MOV、MKV、WebM、AVI、FLV、TS、OGV、M4V 等常见视频格式，单个文件不超过 %(size)s。",
                  size=format_bytes(max_bytes)),
        "uploading": _("上传中"),
        "waiting": _("已上传，排队等待处理"),
        "processing": _("正在转码"),
        "ready": _("处理完成，可以添加到课程"),
        "failed": _("处理失败"),
        "view": _("查看视频"),
        "details": _("查看详情并重试"),
        "retrying": _("暂时无法获取处理状态，稍后自动重试……"),
        "noVideo": _("上传已完成，但没有得到视频编号，请到视频列表查看。"),
        # {files} is replaced in the browser by the file names, joined with listSeparator.
        "unfinished": _("上次没有传完的文件：{files}。重新选择同一文件即可从中断处继续上传。"),
        "listSeparator": _("、"),
    }


@bp.get("/studio/upload")
@role_required("producer")
def index():
    settings = _settings()
    return render_template("upload/index.html", settings=settings,
                           strings=_strings(settings["max-bytes"]))

"""Where media lives under ``MEDIA_ROOT``.

The database stores paths relative to ``MEDIA_ROOT`` (posix style), always made by the
functions here; ``resolve`` turns one back into a file path and refuses anything that
would leave the root, so a damaged row can never serve a file from elsewhere.
"""
import posixpath
from pathlib import Path

from flask import current_app
from werkzeug.security import safe_join


class UnsafePath(ValueError):
    """A relative media path that is empty, absolute or escapes ``MEDIA_ROOT``."""


def rendition_path(video_id: int, height: int) -> str:
    return f"renditions/{video_id}/{height}p.mp4"


def poster_path(video_id: int) -> str:
    return f"posters/{video_id}.jpg"


def captions_path(video_id: int) -> str:
    return f"captions/{video_id}.vtt"


def upload_part_path(upload_id: str) -> str:
    """The bytes of a tus upload in progress (``upload_id`` is the server's 32-hex id)."""
    return f"uploads/{upload_id}.part"


def original_path(video_id: int) -> str:
    """A finished upload's bytes, as sent; no extension, the content is judged by probing."""
    return f"originals/{video_id}/source"


def media_root() -> Path:
    return Path(current_app.config["MEDIA_ROOT"])


def clean(relative: str) -> str:
    """``relative`` normalised (``a/./b`` → ``a/b``), or ``UnsafePath`` when it is unsafe.

    The test is werkzeug's ``safe_join`` (no absolute paths, no ``..`` leading out, no
    backslash separators on Windows), plus: not empty, not the root itself, no NUL.
    It is lexical: symlinks inside the root are trusted, as the server made them.
    """
    if not relative or "\x00" in relative or safe_join("root", relative) is None:
        raise UnsafePath(relative)
    normal = posixpath.normpath(relative)
    if normal in (".", ""):
        raise UnsafePath(relative)
    return normal


def resolve(relative: str, root: str | Path | None = None) -> Path:
    """The file ``relative`` names under ``root`` (default ``MEDIA_ROOT``); see ``clean``."""
    return Path(root if root is not None else media_root()) / clean(relative)

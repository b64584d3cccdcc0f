"""Where face images live: MEDIA_ROOT/faces/references/<user>/ and faces/captures/<user>/, under
random names, outside the web root (nothing serves MEDIA_ROOT/faces but faces.face_review, to
the reviewers). Files are written before the row that names them is committed; a rollback may
leave a file no row names, which :func:`faces.retention.purge` never needs to find: it is
unreachable and removed with its folder on withdrawal."""
import secrets
import shutil
from pathlib import Path

from flask import current_app
from werkzeug.utils import send_file

# magic bytes → (content type, extension) of the frames a camera or an upload may send
TYPES = {b"\xff\xd8\xff": ("image/jpeg", "jpg"), b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
         b"RIFF": ("image/webp", "webp")}


def image_type(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) by the file's first bytes, or None for anything else."""
    for magic, found in TYPES.items():
        if data.startswith(magic) and (magic != b"RIFF" or data[8:12] == b"WEBP"):
            return found
    return None


def root() -> Path:
    return Path(current_app.config["MEDIA_ROOT"]) / "faces"


def save(kind: str, user_id: int, data: bytes, extension: str) -> str:
    """Write ``data``; its path relative to MEDIA_ROOT (what the row keeps)."""
    relative = f"faces/{kind}/{user_id}/{secrets.token_hex(16)}.{extension}"
    path = Path(current_app.config["MEDIA_ROOT"]) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return relative


def read(relative: str) -> bytes:
    return (Path(current_app.config["MEDIA_ROOT"]) / relative).read_bytes()


def remove(relative: str | None) -> None:
    if relative:
        (Path(current_app.config["MEDIA_ROOT"]) / relative).unlink(missing_ok=True)


def remove_user(kind: str, user_id: int) -> None:
    """Every file of one kind of one user, with files no row names any more."""
    shutil.rmtree(root() / kind / str(user_id), ignore_errors=True)


def send(relative: str, environ):
    """An image for a reviewer's page: its checked type, nosniff, never cached."""
    path = Path(current_app.config["MEDIA_ROOT"]) / relative
    with path.open("rb") as f:
        found = image_type(f.read(12))
    response = send_file(path, environ, mimetype=found[0] if found else "application/octet-stream", max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response

"""Evidence files of a declaration: 1–5 per declaration, JPEG, PNG or PDF, each at most
``DECLARATION_MAX_FILE_BYTES``. A file is judged by its content, never its name: the magic
bytes decide the type, and an image must also open and verify with Pillow (a renamed
executable is refused whatever it is called). Kept under MEDIA_ROOT/evidence/<declaration id>/
under a random name, with its sha256; served as a download, never inline HTML. Flushes only.
"""
import hashlib
import io
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, request
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage
from werkzeug.utils import send_file

from core.extensions import db
from core.inputs import refuse_nul
from declarations.models import Declaration, DeclarationFile

MAX_FILES = 5
# magic bytes → (content type, Pillow's format or None for PDF, file extension)
TYPES = {b"\xff\xd8\xff": ("image/jpeg", "JPEG", "jpg"), b"\x89PNG\r\n\x1a\n": ("image/png", "PNG", "png"),
         b"%PDF-": ("application/pdf", None, "pdf")}


class EvidenceError(ValueError):
    """A file that may not be kept; ``message`` says why in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Upload:
    """A checked file, read into memory (it is at most a few MB)."""

    name: str
    content_type: str
    extension: str
    data: bytes


def check(storage: FileStorage) -> Upload:
    """The uploaded file as an :class:`Upload`, or EvidenceError (empty, too big, not JPEG/PNG/PDF)."""
    name = (storage.filename or "").replace("\\", "/").rsplit("/", 1)[-1][:255] or "file"
    limit = int(current_app.config["DECLARATION_MAX_FILE_BYTES"])
    data = storage.stream.read(limit + 1)
    if not data:
        raise EvidenceError(_("文件“%(name)s”是空的。", name=name))
    if len(data) > limit:
        raise EvidenceError(_("文件“%(name)s”超过 %(mb)s MB。", name=name, mb=round(limit / 1024 / 1024, 1)))
    for magic, (content_type, image_format, extension) in TYPES.items():
        if data.startswith(magic):
            if image_format and not _is_image(data, image_format):
                break
            if not image_format and b"%%EOF" not in data[-2048:]:
                break
            return Upload(name, content_type, extension, data)
    raise EvidenceError(_("文件“%(name)s”不是 JPG、PNG 图片或 PDF 文件。", name=name))


def _is_image(data: bytes, image_format: str) -> bool:
    from PIL import Image, UnidentifiedImageError  # imported by the first upload, not by every web process

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != image_format:
                return False
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False
    return True


def check_count(existing: int, adding: int, removing: int = 0) -> None:
    """Refuse a declaration left with no file or more than :data:`MAX_FILES`."""
    count = existing - removing + adding
    if count < 1:
        raise EvidenceError(_("请上传至少一个证明材料（培训通知、结业证书或照片）。"))
    if count > MAX_FILES:
        raise EvidenceError(_("证明材料最多 %(n)s 个。", n=MAX_FILES))


def store(declaration: Declaration, upload: Upload) -> DeclarationFile:
    """Write the file under the declaration's folder and add its row (flushed)."""
    relative = f"evidence/{declaration.id}/{secrets.token_hex(16)}.{upload.extension}"
    path = Path(current_app.config["MEDIA_ROOT"]) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(upload.data)
    row = DeclarationFile(declaration=declaration, name=upload.name, content_type=upload.content_type,
                          size=len(upload.data), sha256=hashlib.sha256(upload.data).hexdigest(), path=relative)
    db.session.add(row)
    db.session.flush()
    return row


def remove(row: DeclarationFile) -> None:
    """Delete the file's row (flushed) and the file itself."""
    (Path(current_app.config["MEDIA_ROOT"]) / row.path).unlink(missing_ok=True)
    db.session.delete(row)
    db.session.flush()


def send(row: DeclarationFile, environ):
    """The file as a download: its checked type, nosniff, a private cache."""
    path = Path(current_app.config["MEDIA_ROOT"]) / row.path
    response = send_file(path, environ, mimetype=row.content_type, as_attachment=True,
                         download_name=row.name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response



# transfers/ reuses this check for a transfer's evidence (my_transfers.new, transfers_api.ask).
UPLOAD_ENDPOINTS = ("my_declarations.new", "my_declarations.edit", "declarations_api.declare", "my_transfers.new",
                    "transfers_api.ask")


def lift_body_limit() -> None:
    """Let a request that carries evidence be as large as five files (the app's MAX_CONTENT_LENGTH
    is smaller); each file is still held to the per-file limit by :func:`check`."""
    if request.method == "POST" and request.endpoint in UPLOAD_ENDPOINTS:
        limit = int(current_app.config["DECLARATION_MAX_FILE_BYTES"])
        request.max_content_length = max(current_app.config.get("MAX_CONTENT_LENGTH") or 0,
                                         MAX_FILES * limit + 2**20)


def install(state) -> None:
    """Run :func:`lift_body_limit` before core.inputs.refuse_nul, which reads (and size-limits)
    every form before any blueprint's own hooks run. Once, from a blueprint's record_once."""
    hooks = state.app.before_request_funcs.setdefault(None, [])
    if lift_body_limit not in hooks:
        hooks.insert(hooks.index(refuse_nul) if refuse_nul in hooks else len(hooks), lift_body_limit)

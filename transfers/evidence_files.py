"""A transfer's evidence files: checked by declarations/evidence.py (content, not name: JPEG,
PNG or PDF, each at most ``DECLARATION_MAX_FILE_BYTES``), at most five, kept under
MEDIA_ROOT/transfers/<request id>/ under a random name with their sha256. Flushes only."""
import hashlib
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from core.extensions import db
from core.http import Refused
from declarations import evidence
from transfers.models import TransferFile, TransferRequest


def checked(files: list[FileStorage]) -> list[evidence.Upload]:
    """The uploaded files, each checked; Refused naming the first one that may not be kept."""
    present = [storage for storage in files if storage and storage.filename]
    if len(present) > evidence.MAX_FILES:
        raise Refused(422, "invalid_files", _("证明材料最多 %(n)s 个。", n=evidence.MAX_FILES), "files")
    try:
        return [evidence.check(storage) for storage in present]
    except evidence.EvidenceError as e:
        raise Refused(422, "invalid_file", e.message, "files") from None


def store(request: TransferRequest, upload: evidence.Upload) -> TransferFile:
    """Write the file under the request's folder and add its row (flushed)."""
    relative = f"transfers/{request.id}/{secrets.token_hex(16)}.{upload.extension}"
    path = Path(current_app.config["MEDIA_ROOT"]) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(upload.data)
    row = TransferFile(request=request, name=upload.name, content_type=upload.content_type, size=len(upload.data),
                       sha256=hashlib.sha256(upload.data).hexdigest(), path=relative)
    db.session.add(row)
    db.session.flush()
    return row

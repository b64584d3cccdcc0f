"""Which bureau issues a certificate, and the seal it draws on it.

The issuing body of a certificate is the human-resources and social-security department of
the holder's province: the province-level code of the holder's region (``330102`` → ``330000``),
named 浙江省人力资源和社会保障厅 (局 for the four municipalities). The province is the level
whose rules the year is measured against (core/policy rule sets are per province) and where
continuing education is administered. A holder without a valid region code gets no issuing
body: the platform alone signs. The body's name and code are written into the signed payload
(``issuing_body``) when the certificate is issued, so a certificate keeps the body it named;
certificates issued before name none (their ``issuer``, the platform, stands alone).

The seal: that bureau may upload one image, drawn on the PDF of every certificate naming it
(and only those). A PNG must have transparency; a JPEG is drawn multiplied onto the paper, so
its white disappears too. Judged by content (magic bytes, then Pillow decodes all of it),
at most ``SEAL_MAX_BYTES`` and :data:`MIN_SIDE`–:data:`MAX_SIDE` pixels a side. Kept under
``SEAL_DIR`` (default instance/seals, outside the web root), named by its sha256. Officers
of that bureau (role bureau whose region code is the province's own) and admins change it;
the province's other officers see it. Changes are audited (``seal_uploaded``, ``seal_removed``);
functions here flush only, and an old file is deleted by :func:`discard` once the caller committed.
"""
import hashlib
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from accounts import audit
from accounts.models import User
from accounts.regions import PROVINCES, is_region_code
from core.extensions import db
from learning.models import BureauSeal

MIN_SIDE, MAX_SIDE = 150, 3000
DRAWN_SIDE = 800  # pixels of the seal drawn into a PDF, at most, on the long side
DEFAULT_MAX_BYTES = 2 * 1024 * 1024
# magic bytes → (content type, Pillow's format, file extension)
TYPES = {b"\x89PNG\r\n\x1a\n": ("image/png", "PNG", "png"), b"\xff\xd8\xff": ("image/jpeg", "JPEG", "jpg")}


# --- the issuing body: plain functions -------------------------------------------------

def province_of(region_code: str | None) -> str | None:
    """The province-level code of a region (``330102`` → ``330000``), None when it is no region."""
    return region_code[:2] + "0000" if is_region_code(region_code or "") else None


def body_name(province: str) -> str:
    """``330000`` → 浙江省人力资源和社会保障厅; a municipality's department is a 局."""
    name = PROVINCES[province[:2]]
    return f"{name}人力资源和社会保障{'局' if name.endswith('市') else '厅'}"


def issuing_body(region_code: str | None) -> dict | None:
    """What a certificate of a holder of ``region_code`` names as its issuing body, or None."""
    province = province_of(region_code)
    return None if province is None else {"name": body_name(province), "region_code": province}


def may_manage(user: User, province: str) -> bool:
    """Admins, and the officers of the province's own bureau, upload and remove its seal."""
    return user.role == "admin" or (user.role == "bureau" and user.region_code == province)


def may_see(user: User, province: str) -> bool:
    """Those who manage it, and the officers of the province's cities and counties."""
    return may_manage(user, province) or (user.role == "bureau" and province_of(user.region_code) == province)


# --- checking an image -----------------------------------------------------------------

class SealError(Exception):
    """An image that may not be a seal; ``message`` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SealImage:
    content_type: str
    extension: str
    data: bytes
    width: int
    height: int


def check(data: bytes, limit: int) -> SealImage:
    """``data`` as a seal image, or SealError: empty, over ``limit`` bytes, not PNG or JPEG by
    content, not decodable to the end, too small or too large, a PNG without transparency."""
    if not data:
        raise SealError(_("请选择印章图片文件。"))
    if len(data) > limit:
        raise SealError(_("印章图片不能超过 %(kb)s KB。", kb=limit // 1024))
    kind = next((kind for magic, kind in TYPES.items() if data.startswith(magic)), None)
    if kind is None:
        raise SealError(_("印章图片须为 PNG（透明背景）或 JPG 格式。"))
    content_type, image_format, extension = kind
    width, height, transparent = _decode(data, image_format)
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        raise SealError(_("印章图片的边长须在 %(min)s 到 %(max)s 像素之间（此图 %(width)s×%(height)s）。",
                          min=MIN_SIDE, max=MAX_SIDE, width=width, height=height))
    if image_format == "PNG" and not transparent:
        raise SealError(_("PNG 印章须为透明背景，否则会遮住证书上的文字。"))
    return SealImage(content_type, extension, data, width, height)


def _decode(data: bytes, image_format: str) -> tuple[int, int, bool]:
    """Width, height and whether any pixel is transparent; SealError when it is no whole image."""
    from PIL import Image, UnidentifiedImageError  # imported by an upload or a PDF, not by every web process

    broken = SealError(_("文件不是完整的 PNG 或 JPG 图片。"))
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != image_format:
                raise broken
            width, height = image.size
            if max(width, height) > MAX_SIDE:  # before decoding: a huge image is refused unread
                return width, height, False
            image.load()
            alpha = image.convert("RGBA").getchannel("A") if image_format == "PNG" else None
            return width, height, alpha is not None and alpha.getextrema()[0] < 255
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise broken from None


# --- the database and the files --------------------------------------------------------

def seal_dir() -> Path:
    configured = current_app.config.get("SEAL_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "seals"


def max_bytes() -> int:
    return int(current_app.config.get("SEAL_MAX_BYTES") or DEFAULT_MAX_BYTES)


def seal_of(province: str | None) -> BureauSeal | None:
    if not province:
        return None
    return db.session.scalar(select(BureauSeal).where(BureauSeal.region_code == province))


def file_of(seal: BureauSeal) -> Path:
    return seal_dir() / seal.path


def store(province: str, image: SealImage, actor: User | None, now: datetime) -> tuple[BureauSeal, str | None]:
    """Make ``image`` the province's seal, uploaded by ``actor`` (audited). Returns the seal and
    the name of the file it replaced, for :func:`discard` after the commit (None when there was none, or the same)."""
    digest = hashlib.sha256(image.data).hexdigest()
    name = f"{province}-{digest[:32]}.{image.extension}"
    folder = seal_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(image.data)
    seal = seal_of(province) or BureauSeal(region_code=province)
    old = seal.path if seal.path and seal.path != name else None
    seal.content_type, seal.path, seal.sha256, seal.size = image.content_type, name, digest, len(image.data)
    seal.width, seal.height, seal.uploaded_at = image.width, image.height, now
    seal.uploaded_by = actor
    db.session.add(seal)
    audit.record("seal_uploaded", actor=actor, target=f"seal:{province}", sha256=digest,
                 size=len(image.data), content_type=image.content_type, width=image.width, height=image.height)
    return seal, old


def remove(province: str) -> str | None:
    """Remove the province's seal (audited): certificates are drawn without one from now on.
    Returns the file's name for :func:`discard`, None when there was no seal."""
    seal = seal_of(province)
    if seal is None:
        return None
    db.session.delete(seal)
    audit.record("seal_removed", target=f"seal:{province}", sha256=seal.sha256)
    return seal.path


def discard(name: str | None) -> None:
    """Delete a seal file no row names any more (call after the commit)."""
    if name and not db.session.scalar(select(BureauSeal.id).where(BureauSeal.path == name)):
        (seal_dir() / name).unlink(missing_ok=True)


def drawable(payload: dict):
    """The seal of the body a certificate's ``payload`` names, as a Pillow image ready to draw
    (RGBA for PNG, RGB for JPEG, at most :data:`DRAWN_SIDE` a side), or None: no body named,
    no seal, or its file is missing."""
    from PIL import Image

    body = payload.get("issuing_body")
    seal = seal_of(body.get("region_code")) if isinstance(body, dict) else None
    path = file_of(seal) if seal is not None else None
    if path is None or not path.is_file():
        return None
    with Image.open(path) as image:
        drawn = image.convert("RGBA" if seal.content_type == "image/png" else "RGB")
    drawn.thumbnail((DRAWN_SIDE, DRAWN_SIDE))  # 40 mm at 500 dpi: finer only makes the PDF heavier
    return drawn

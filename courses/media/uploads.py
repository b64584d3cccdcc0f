"""tus 1.0.0 rules: the protocol's headers, checksums, expiry, and copying a body to disk.

Plain functions with explicit inputs (``now`` is passed in); ``courses.media.upload_api``
applies them to requests, and turns ``HeaderError.code`` into a Chinese message.
"""
import base64
import binascii
import fcntl
import hashlib
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge

TUS_VERSION = "1.0.0"
EXTENSIONS = ("creation", "termination", "checksum", "expiration")
CHECKSUMS = {"sha1": hashlib.sha1, "md5": hashlib.md5, "sha256": hashlib.sha256}
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"
CHUNK_BYTES = 1024 * 1024
MAX_METADATA_CHARS = 4096
FILENAME_CHARS = 255
FILETYPE_CHARS = 128

_SIZE = re.compile(r"[0-9]{1,19}")
_KEY = re.compile(r"[!-+\--~]+")  # printable ASCII but the comma; no space
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class HeaderError(ValueError):
    """A tus header that is missing or malformed; ``code`` names which rule it broke."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class UnsupportedChecksum(HeaderError):
    """An ``Upload-Checksum`` algorithm not in :data:`CHECKSUMS` (tus: 400)."""


class BodyTooLarge(Exception):
    """A PATCH body longer than what the upload still lacks."""


class Busy(Exception):
    """Another request holds the upload's lock (tus: 423 Locked)."""


def new_upload_id() -> str:
    """The server's id for an upload: 32 hex digits, unguessable, safe in a file name."""
    return secrets.token_hex(16)


def parse_size(value: str | None, code: str) -> int:
    """``Upload-Length`` or ``Upload-Offset``: a non-negative decimal integer, else ``HeaderError(code)``."""
    if value is None or not _SIZE.fullmatch(value.strip()):
        raise HeaderError(code)
    return int(value.strip())


def parse_metadata(header: str | None) -> dict[str, str]:
    """``Upload-Metadata``: comma-separated ``key base64value`` pairs (the value may be absent).

    Keys are unique printable ASCII without spaces or commas; values must be base64 of
    UTF-8 text. Raises ``HeaderError("bad_metadata")`` otherwise.
    """
    if header is None or not header.strip():
        return {}
    if len(header) > MAX_METADATA_CHARS:
        raise HeaderError("bad_metadata")
    metadata: dict[str, str] = {}
    for pair in header.split(","):
        parts = pair.strip().split(" ")
        key = parts[0]
        if not _KEY.fullmatch(key) or key in metadata or len(parts) > 2:
            raise HeaderError("bad_metadata")
        metadata[key] = _decode_value(parts[1]) if len(parts) == 2 else ""
    return metadata


def _decode_value(value: str) -> str:
    try:
        return base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise HeaderError("bad_metadata") from None


def encode_metadata(metadata: dict[str, str]) -> str:
    """The ``Upload-Metadata`` header for ``metadata`` (what HEAD repeats back)."""
    pairs = []
    for key, value in metadata.items():
        encoded = base64.b64encode(value.encode("utf-8")).decode("ascii")
        pairs.append(f"{key} {encoded}" if value else key)
    return ",".join(pairs)


def clean_text(value: str, limit: int) -> str:
    """Client text kept as metadata only: control characters removed, cut to ``limit``."""
    return _CONTROL.sub("", value).strip()[:limit]


def parse_checksum(header: str | None) -> tuple[str, bytes] | None:
    """``Upload-Checksum: <algorithm> <base64 digest>`` → ``(algorithm, digest)``, or None if absent.

    Raises ``UnsupportedChecksum`` for an algorithm not offered, ``HeaderError("bad_checksum")``
    for anything malformed (including a digest of the wrong length).
    """
    if header is None:
        return None
    parts = header.strip().split(" ")
    if len(parts) != 2:
        raise HeaderError("bad_checksum")
    algorithm, encoded = parts[0].lower(), parts[1]
    if algorithm not in CHECKSUMS:
        raise UnsupportedChecksum("unsupported_checksum")
    try:
        digest = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise HeaderError("bad_checksum") from None
    if len(digest) != CHECKSUMS[algorithm]().digest_size:
        raise HeaderError("bad_checksum")
    return algorithm, digest


def expiry(now: datetime, hours: float) -> datetime:
    """When an upload last touched at ``now`` expires."""
    return now + timedelta(hours=hours)


def is_expired(expires_at: datetime, completed_at: datetime | None, now: datetime) -> bool:
    """An unfinished upload past its expiry; a finished one never expires."""
    return completed_at is None and expires_at <= now


def copy_body(stream: IO[bytes], out: IO[bytes], limit: int, hasher=None) -> tuple[int, bool]:
    """Copy ``stream`` into ``out`` in chunks of :data:`CHUNK_BYTES`, never whole into memory.

    Returns ``(bytes written, whether the client went away before the end)``; what
    arrived before a disconnect is written. Raises ``BodyTooLarge`` as soon as more than
    ``limit`` bytes arrive; the caller then truncates ``out`` back.
    """
    written = 0
    while True:
        try:
            # One byte past the limit, so that a body that is too long is noticed.
            chunk = stream.read(min(CHUNK_BYTES, limit - written + 1))
        except ClientDisconnected:
            return written, True
        except RequestEntityTooLarge:
            raise BodyTooLarge() from None
        if not chunk:
            return written, False
        if written + len(chunk) > limit:
            raise BodyTooLarge()
        out.write(chunk)
        if hasher is not None:
            hasher.update(chunk)
        written += len(chunk)


@contextmanager
def locked(path: Path) -> Iterator[IO[bytes]]:
    """The partial file at ``path``, open for reading and writing under an exclusive lock.

    The lock is ``flock`` on the file, so it holds across threads and processes of one
    host (and on NFS, where Linux maps it to a POSIX lock). Raises ``Busy`` at once when
    another request holds it, ``FileNotFoundError`` when the file is gone.
    """
    fd = os.open(path, os.O_RDWR)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy() from None
        with os.fdopen(fd, "r+b", closefd=False) as fh:
            yield fh
    finally:
        os.close(fd)  # closing the descriptor releases the lock

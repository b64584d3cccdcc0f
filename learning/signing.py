"""The certificate signing key: Ed25519, generated into the instance folder on first use.

The private key lives in ``CERTIFICATE_SIGNING_KEY_FILE`` (default
``instance/certificate_signing_key.pem``, PKCS#8 PEM, file mode 0600). Web and worker
processes may start together: the key is written aside and then hard-linked into place,
so exactly one generated key ever wins and every process signs with it.

The public key is published (``GET /api/v1/certificates/public-key``) as PEM and as the
raw 32 bytes in base64; ``key_id`` is the first 16 hex digits of their SHA-256.
A signature is the 64-byte Ed25519 signature, base64 (standard alphabet, padded).

cryptography is imported by the functions that use it: its bindings cost every web process
8 MB, and only certificate issuing and checking need them (tests/core/test_lazy_imports.py).
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "Ed25519"
KEY_FILE = "certificate_signing_key.pem"

_cache: dict[str, Ed25519PrivateKey] = {}
_cache_lock = threading.Lock()


def key_path() -> Path:
    """Where this app's private key lives (``CERTIFICATE_SIGNING_KEY_FILE`` overrides)."""
    configured = current_app.config.get("CERTIFICATE_SIGNING_KEY_FILE")
    return Path(configured) if configured else Path(current_app.instance_path) / KEY_FILE


def load_or_create(path: Path) -> Ed25519PrivateKey:
    """The private key at ``path``, generated (mode 0600, atomically) when there is none."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    if not path.exists():
        _create(path)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return key


def _create(path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
            fh.flush()
            os.fsync(fh.fileno())
        # link() refuses to replace: a key another process put there first is kept.
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)


def private_key() -> Ed25519PrivateKey:
    path = key_path()
    with _cache_lock:
        key = _cache.get(str(path))
        if key is None:
            key = _cache[str(path)] = load_or_create(path)
    return key


def public_key() -> Ed25519PublicKey:
    return private_key().public_key()


def public_pem(key: Ed25519PublicKey) -> str:
    from cryptography.hazmat.primitives import serialization

    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def public_raw_b64(key: Ed25519PublicKey) -> str:
    return base64.b64encode(_raw(key)).decode()


def key_id(key: Ed25519PublicKey) -> str:
    return hashlib.sha256(_raw(key)).hexdigest()[:16]


def _raw(key: Ed25519PublicKey) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def load_public_key(data: bytes) -> Ed25519PublicKey:
    """A public key from PEM (SubjectPublicKeyInfo) or the raw 32 bytes in base64."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    text = data.strip()
    if text.startswith(b"-----BEGIN"):
        key = serialization.load_pem_public_key(text)
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("not an Ed25519 public key")
        return key
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))


def sign(data: bytes) -> str:
    """The app key's signature of ``data``, base64."""
    return base64.b64encode(private_key().sign(data)).decode()


def verify(data: bytes, signature: str, key: Ed25519PublicKey) -> bool:
    """Whether ``signature`` (base64) is ``key``'s signature of ``data``; malformed is False."""
    from cryptography.exceptions import InvalidSignature

    try:
        raw = base64.b64decode(signature, validate=True)
        key.verify(raw, data)
    except (InvalidSignature, binascii.Error, ValueError, TypeError):
        return False
    return True

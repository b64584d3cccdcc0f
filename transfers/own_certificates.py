"""This platform's own 学时证明 given as a transfer's proof: recognised and checked at once.

"Our own certificate" is one this deployment issued: its number is a row of this database's
``certificates`` and its stored payload verifies under this deployment's Ed25519 key
(learning/signing.py: each deployment generates its own key into its instance folder and no
key is shared or trusted between deployments). A number or a verify link carries no
signature, so a certificate of another deployment cannot be checked here by signature; it is
evidence for the bureau's review like any other province's proof (docs/architecture.md,
*Decisions*, "Moving province: whose certificates verify themselves").

A reference is ours when it is a link to one of this site's hosts naming a certificate
(``/verify/<number>``, ``/api/v1/certificates/<number>``) or a bare number of this platform's
form (``GX2026-110105-000123``). Plain functions but :func:`check`, which reads the database.
"""
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, request
from flask_babel import gettext as _

from accounts import audit
from accounts.models import User
from core.http import Refused
from learning import signing, verification
from learning.models import Certificate

LINK_PATH = re.compile(r"/(?:verify|api/v1/certificates)/([^/?#]+)/?")


@dataclass(frozen=True)
class Reference:
    """What a transfer's reference is: ``own`` (``number`` to check here; None for a link to
    this site that names no certificate), ``foreign`` (for the reviewer) or ``none``."""

    kind: str
    number: str | None = None


def site_hosts() -> set[str]:
    """The host names this site answers to: the request's and SITE_URL's (lower case)."""
    hosts = {(urlsplit(f"//{request.host}").hostname or "").lower()}
    configured = urlsplit(current_app.config.get("SITE_URL") or "").hostname
    return hosts | ({configured.lower()} if configured else set())


def classify(text: str, hosts: set[str]) -> Reference:
    """The kind of ``text`` (already cleaned), given the host names of this site (lower case)."""
    if not text:
        return Reference("none")
    if verification.is_number(text.upper()):
        return Reference("own", text.upper())
    if not re.match(r"(?i)https?://", text):
        return Reference("foreign")
    parts = urlsplit(text)
    if (parts.hostname or "").lower() not in hosts:
        return Reference("foreign")
    found = LINK_PATH.fullmatch(parts.path)
    number = found.group(1).upper() if found else ""
    return Reference("own", number if verification.is_number(number) else None)


class CertificateRefused(Refused):
    """A certificate of this platform that may not be transferred; audited by the caller after
    its rollback (:func:`record`), so the refusal is kept while nothing else is."""

    def __init__(self, code: str, message: str, number: str | None):
        super().__init__(422, code, message, "reference")
        self.number = number


@dataclass(frozen=True)
class Counted:
    """A certificate of the trainee's own account: its hours are in their ledger already."""

    certificate: Certificate


def check(user: User, number: str | None) -> Counted:
    """Check ``number`` as this platform's certificate for ``user``: signature, status, holder.

    Returns :class:`Counted` for the trainee's own certificate (an ID number belongs to one
    account here, so the same person is the same account and nothing is to be written);
    raises :class:`CertificateRefused` for every other case.
    """
    if number is None:
        raise CertificateRefused("certificate_not_found", _("这个链接不是本平台的学时证明验证链接。"), None)
    verdict = verification.look_up(number, signing.public_key())
    if verdict.status == "not_found":
        raise CertificateRefused("certificate_not_found", _(
            "本平台没有编号为 %(number)s 的学时证明。其他平台出具的证明，请填写其验证链接或上传学时证明。",
            number=number), number)
    if verdict.status == "invalid":
        raise CertificateRefused("certificate_invalid", _("学时证明 %(number)s 的签名无效，可能被篡改，不能转入。",
                                                          number=number), number)
    if verdict.status == "superseded":
        message = (_("学时证明 %(number)s 已作废，已由 %(new)s 取代。", number=number, new=verdict.successor.number)
                   if verdict.successor else _("学时证明 %(number)s 已作废，不再有效。", number=number))
        raise CertificateRefused("certificate_superseded", message, number)
    cert = verdict.certificate
    if cert.user.id_number != user.id_number:
        raise CertificateRefused("not_your_certificate", _("学时证明 %(number)s 不是您本人的。", number=number), number)
    return Counted(cert)


def record(user: User, refusal: CertificateRefused) -> None:
    """The audit row of a refused certificate (a forged or altered one is found here)."""
    audit.record("transfer.certificate_refused", target=f"certificate:{refusal.number or '-'}", actor=user,
                 code=refusal.code)

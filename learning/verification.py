"""Verifying 学时证明: a certificate's canonical bytes and their signature, a stored certificate
against its columns, the public look-up by number and what anyone may see of a certificate
(learning/certificates.py issues them; the number, payload and signature are described there).

Verification recomputes the canonical bytes from the stored payload, so any change to it
breaks the signature; payloads of any version verify, whatever fields they carry (certificates
issued before subject types carry no ``by_type``).
"""
import json
import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from accounts.validators import mask_name
from core.extensions import db
from learning import certificate_titles, signing
from learning.models import Certificate

NUMBER_PATTERN = re.compile(r"GX(\d{4})-(\d{6})-(\d{6,12})")


def is_number(text: str) -> bool:
    return bool(NUMBER_PATTERN.fullmatch(text or ""))


def canonical_bytes(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def document_problems(payload: dict, signature: str, key) -> list[str]:
    """Why a ``{payload, signature}`` pair is not authentic; empty when it is."""
    if not isinstance(payload, dict) or not isinstance(signature, str):
        return [_("证书数据格式不正确。")]
    if not signing.verify(canonical_bytes(payload), signature, key):
        return [_("签名无效：证书内容与平台签发的不一致。")]
    return []


def record_problems(cert: Certificate, key) -> list[str]:
    """Why a stored certificate is not authentic: a bad signature, or columns that disagree with it."""
    problems = document_problems(cert.payload, cert.signature, key)
    if problems:
        return problems
    payload = cert.payload
    if payload.get("number") != cert.number:
        problems.append(_("证书编号与签名内容不一致。"))
    if payload.get("kind") != cert.kind or payload.get("year") != cert.year:
        problems.append(_("证书类型或年度与签名内容不一致。"))
    if cert.kind == "year" and payload.get("requirement_met") != cert.requirement_met:
        problems.append(_("达标情况与签名内容不一致。"))
    if payload.get("hours") != cert.hours_tenths / 10:
        problems.append(_("学时与签名内容不一致。"))
    return problems


def by_number(number: str) -> Certificate | None:
    if not is_number(number):
        return None
    return db.session.scalar(select(Certificate).where(Certificate.number == number))


def current_successor(cert: Certificate) -> Certificate | None:
    """The certificate that now stands for a superseded one (following reissues), if any."""
    seen, successor = {cert.id}, cert
    while successor.superseded_by_id is not None and successor.superseded_by_id not in seen:
        seen.add(successor.superseded_by_id)
        successor = db.session.get(Certificate, successor.superseded_by_id)
    return successor if successor is not cert else None


@dataclass
class Verdict:
    """What a public look-up says: ``valid``, ``superseded``, ``invalid`` or ``not_found``."""

    number: str
    status: str
    certificate: Certificate | None = None
    successor: Certificate | None = None
    problems: tuple[str, ...] = ()


def look_up(number: str, key) -> Verdict:
    cert = by_number(number)
    if cert is None:
        return Verdict(number, "not_found")
    problems = record_problems(cert, key)
    if problems:
        return Verdict(number, "invalid", cert, problems=tuple(problems))
    if cert.status != "valid":
        return Verdict(number, "superseded", cert, current_successor(cert))
    return Verdict(number, "valid", cert)


def public_facts(payload: dict) -> dict:
    """What anyone may see of a certificate: its title and standing (达标 / 未达标, a year's),
    the holder masked with their employer, the hours, year, courses and who issued it.
    A payload of version 1 has no title, issuing body or employer_confirmed: the title is read
    from its kind and standing, the others are null."""
    holder = payload.get("holder") or {}
    body = payload.get("issuing_body")
    return {
        "number": payload.get("number"),
        "kind": payload.get("kind"),
        "title": certificate_titles.payload_title(payload),
        "standing": certificate_titles.payload_standing(payload),
        "year": payload.get("year"),
        "hours": payload.get("hours"),
        "requirement_met": payload.get("requirement_met"),
        "required_hours": payload.get("required_hours"),
        "holder": {"name": mask_name(holder.get("name", "")), "id_number": holder.get("id_number", ""),
                   "employer": holder.get("employer") or "", "employer_confirmed": holder.get("employer_confirmed")},
        "courses": [{"id": c.get("id"), "title": c.get("title"), "category": c.get("category"),
                     "category_name": c.get("category_name"), "hours": c.get("hours"),
                     **({"basis": c["basis"]} if "basis" in c else {})}
                    for c in payload.get("courses") or []],
        "issuer": payload.get("issuer"),
        "issuing_body": {"name": body.get("name"), "region_code": body.get("region_code")}
        if isinstance(body, dict) else None,
        "issued_at": payload.get("issued_at"),
        "by_type": public_by_type(payload),
        **_record_facts(payload),
    }


def _record_facts(payload: dict) -> dict:
    """A 继续教育登记's (kind ``record``, learning.dossier) years and 职称 look-back, as signed."""
    if payload.get("kind") != "record":
        return {}
    return {"years": payload.get("years") or [], "eligibility": payload.get("eligibility")}


def public_by_type(payload: dict) -> dict | None:
    """The subject types a year certificate states (credited against required), or None for
    one issued before types were stated, or a course certificate."""
    by_type = payload.get("by_type")
    if not isinstance(by_type, dict):
        return None
    return {kind: {"credited_hours": entry.get("credited_hours"), "required_hours": entry.get("required_hours"),
                   "met": entry.get("met")}
            for kind, entry in by_type.items() if isinstance(entry, dict)}

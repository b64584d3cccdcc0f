"""``flask --app app certificates verify NUMBER_OR_FILE``: check a 学时证明 offline.

A number is looked up in the database and its stored payload checked against its signature.
A file is a certificate PDF (its attached ``certificate.json``) or such a JSON file
``{"payload", "signature"}``: its signature is checked, then, when the number is in the
register, its status there. The key is this app's public key, or ``--public-key FILE``
(PEM, or the raw key in base64, as ``/api/v1/certificates/public-key`` publishes it).
Prints ``VALID`` or ``INVALID`` with the reasons; exits 0 or 1.
"""
import json
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from learning import certificate_titles, signing, verification

certificates_cli = AppGroup("certificates", help="学时证明 (certificates).")


@certificates_cli.command("verify")
@click.argument("target")
@click.option("--public-key", "key_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Verify with this public key (PEM or base64) instead of the app's own.")
def verify_command(target: str, key_file: Path | None) -> None:
    """Verify a certificate NUMBER, or a certificate FILE (PDF or JSON)."""
    key = signing.load_public_key(key_file.read_bytes()) if key_file else signing.public_key()
    path = Path(target)
    if path.is_file():
        number, problems, notes = _verify_file(path, key)
    elif verification.is_number(target):
        number, problems, notes = target, *_verify_number(target, key)
    else:
        raise click.UsageError(f"{target} is neither a file nor a certificate number (GX2026-110105-000123)")
    _report(number, problems, notes)


def _verify_number(number: str, key) -> tuple[list[str], list[str]]:
    verdict = verification.look_up(number, key)
    if verdict.status == "not_found":
        return ["登记册中没有这个编号。"], []
    return _status_problems(verdict), _facts(verdict.certificate.payload)


def _verify_file(path: Path, key) -> tuple[str, list[str], list[str]]:
    document = _read_document(path)
    if document is None:
        return "?", ["文件不是学时证明：既不是带 certificate.json 附件的 PDF，也不是 {payload, signature} JSON。"], []
    payload, signature = document.get("payload"), document.get("signature")
    problems = verification.document_problems(payload, signature, key)
    number = payload.get("number", "?") if isinstance(payload, dict) else "?"
    if problems:
        return number, problems, []
    problems, notes = _register_check(number, payload, key)
    return number, problems, _facts(payload) + notes


def _read_document(path: Path) -> dict | None:
    data = path.read_bytes()
    if data.startswith(b"%PDF"):
        from learning import certificate_pdf  # 34 MB of PDF libraries, kept out of every web process

        return certificate_pdf.extract(data)
    try:
        document = json.loads(data.decode("utf-8"))
    except ValueError:
        return None
    return document if isinstance(document, dict) else None


def _register_check(number: str, payload: dict, key) -> tuple[list[str], list[str]]:
    """The signed file against the register: its number there, the same content, still valid."""
    try:
        cert = verification.by_number(number)
    except SQLAlchemyError:
        return [], ["登记册不可用：仅校验了签名。"]
    if cert is None:
        return ["签名有效，但登记册中没有这个编号。"], []
    if verification.canonical_bytes(cert.payload) != verification.canonical_bytes(payload):
        return ["与登记册中的证书内容不一致。"], []
    return _status_problems(verification.look_up(number, key)), []


def _status_problems(verdict: verification.Verdict) -> list[str]:
    if verdict.status == "invalid":
        return list(verdict.problems)
    if verdict.status == "superseded":
        newer = verdict.successor.number if verdict.successor else None
        return [f"已被 {newer} 取代。" if newer else "已作废：学时更正后已无可证明的学时。"]
    return []


def _facts(payload: dict) -> list[str]:
    """What the certificate says, in a line: its title (学时记录（未达标） for a year below the
    requirement, old payloads included), year, holder, hours and issue time."""
    holder = payload.get("holder") or {}
    return [f"{certificate_titles.payload_title(payload)} {payload.get('year')} · {holder.get('name')}"
            f" {holder.get('id_number')} · {payload.get('hours')} 学时 · {payload.get('issued_at')}"]


def _report(number: str, problems: list[str], notes: list[str]) -> None:
    click.echo(f"{'INVALID' if problems else 'VALID'} {number}")
    for line in problems + notes:
        click.echo(f"  {line}")
    if problems:
        raise SystemExit(1)

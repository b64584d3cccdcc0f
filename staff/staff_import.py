"""The unit administrator's bulk import of staff (issue 15): the template, the upload page
with its dry run, the confirmation, and ``POST /api/v1/unit/staff/import``.

The page's confirmation never takes rows from the browser: a clean file is kept under the
instance folder by a random token, the token and the file's SHA-256 in the signed session;
confirming reads that file again, checks it against the database again, and imports it
(or reports what changed). One-time passwords appear once, in the answer that made them.
"""
import hashlib
import hmac
import secrets
import time
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, request, session
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from accounts.access import role_required
from accounts.idnumber import mask_id_number
from core.db import utcnow
from core.extensions import db
from core.http import ApiError
from core.xlsx import XLSX_TYPE, XlsxError
from staff import importing
from units.models import Unit

bp = Blueprint("staff_import", __name__)
KEPT_SECONDS = 3600  # a checked file waits this long for its confirmation
SESSION_KEY = "staff_import"


@bp.context_processor
def _helpers():
    return {"mask_id": mask_id_number}


def _unit() -> Unit:
    unit = db.session.get(Unit, current_user.unit_id)
    if unit is None:
        abort(404)
    return unit


def _checked(data: bytes) -> importing.Parsed:
    """The file read, checked row by row and against existing accounts (XlsxError passes)."""
    parsed = importing.parse(data, utcnow())
    importing.check_taken(parsed)
    return parsed


def _import(unit: Unit, parsed: importing.Parsed) -> list[importing.Created] | None:
    """Create and commit every account, or None when a concurrent registration took one."""
    try:
        created = importing.create_staff(unit, current_user._get_current_object(), parsed, utcnow())
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return created


def _read_upload() -> bytes | None:
    """The form's ``file`` (a byte past the limit read, so that too big is known), or None."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None
    return upload.stream.read(importing.MAX_BYTES + 1)


# ---- the kept file ---------------------------------------------------------------------------

def _folder() -> Path:
    folder = Path(current_app.instance_path) / "staff-import"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _keep(data: bytes) -> str:
    """Keep a clean file for its confirmation; older kept files are removed on the way."""
    folder, now = _folder(), time.time()
    for old in folder.glob("*.xlsx"):
        if now - old.stat().st_mtime > KEPT_SECONDS:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    (folder / f"{token}.xlsx").write_bytes(data)
    session[SESSION_KEY] = {"token": token, "sha256": hashlib.sha256(data).hexdigest(),
                            "unit_id": current_user.unit_id}
    return token


def _kept(token: str) -> bytes | None:
    """The file this session kept under ``token``, unchanged and not expired, or None."""
    kept = session.get(SESSION_KEY) or {}
    if not (isinstance(kept, dict) and token and hmac.compare_digest(str(kept.get("token", "")), token)
            and kept.get("unit_id") == current_user.unit_id):
        return None
    path = _folder() / f"{kept['token']}.xlsx"
    if not path.is_file() or time.time() - path.stat().st_mtime > KEPT_SECONDS:
        return None
    data = path.read_bytes()
    return data if hashlib.sha256(data).hexdigest() == kept.get("sha256") else None


def _forget() -> None:
    kept = session.pop(SESSION_KEY, None)
    if isinstance(kept, dict) and kept.get("token"):
        (_folder() / f"{kept['token']}.xlsx").unlink(missing_ok=True)


# ---- pages -----------------------------------------------------------------------------------

@bp.get("/unit/staff/import/template.xlsx")
@role_required("unit_admin")
def template():
    return Response(importing.template(), mimetype=XLSX_TYPE, headers={
        "Content-Disposition": "attachment; filename=staff-import-template.xlsx"})


def _page(unit: Unit, **context) -> str:
    return render_template("staff_import/index.html", unit=unit, columns=importing.COLUMNS,
                           max_rows=importing.MAX_ROWS, **context)


@bp.route("/unit/staff/import", methods=["GET", "POST"])
@role_required("unit_admin")
def page():
    """The upload form; posted, the dry run's report, and for a clean file the confirmation."""
    unit = _unit()
    if request.method == "GET":
        return _page(unit)
    data = _read_upload()
    if data is None:
        return _page(unit, problem=_("请选择要导入的 XLSX 文件。")), 422
    try:
        parsed = _checked(data)
    except XlsxError as e:
        return _page(unit, problem=str(e)), 422
    token = _keep(data) if parsed.clean else None
    return _page(unit, parsed=parsed, token=token, filename=request.files["file"].filename)


@bp.post("/unit/staff/import/confirm")
@role_required("unit_admin")
def confirm():
    """Import the file this session checked; the result page shows the one-time passwords."""
    unit = _unit()
    data = _kept(request.form.get("token", ""))
    if data is None:
        return _page(unit, problem=_("确认已失效（超过一小时或已导入），请重新上传文件。")), 409
    try:
        parsed = _checked(data)
    except XlsxError as e:  # cannot happen to a kept file, but say so if it does
        return _page(unit, problem=str(e)), 422
    if not parsed.clean:
        _forget()
        return _page(unit, parsed=parsed, changed=True), 409
    created = _import(unit, parsed)
    if created is None:
        problem = _("导入期间有人注册了文件中的身份证号或手机号，未创建任何账号。请重新上传文件检查。")
        return _page(unit, problem=problem), 409
    _forget()
    response = Response(render_template("staff_import/done.html", unit=unit, created=created))
    response.headers["Cache-Control"] = "no-store"  # the passwords are shown once, never cached
    return response


# ---- API -------------------------------------------------------------------------------------

def _dry_run() -> bool:
    value = request.form.get("dry_run", request.args.get("dry_run", "true"))
    return str(value).strip().lower() not in ("false", "0", "no", "off")


@bp.post("/api/v1/unit/staff/import")
@role_required("unit_admin")
def api_import():
    """Check a staff XLSX (``dry_run``, the default) or import it when the whole file is clean
    (201); a file with errors imports nothing (422). Errors: 422 invalid_xlsx / missing_file,
    409 conflict (a concurrent registration)."""
    unit = _unit()
    data = _read_upload()
    if data is None:
        raise ApiError(422, "missing_file", _("请以 multipart 表单字段 file 上传 XLSX 文件。"))
    try:
        parsed = _checked(data)
    except XlsxError as e:
        raise ApiError(422, "invalid_xlsx", str(e)) from None
    report = {"ok": parsed.clean, "rows": parsed.rows, "errors": parsed.errors, "created": []}
    if _dry_run():
        return report
    if not parsed.clean:
        message = _("文件中有 %(n)s 处错误，未创建任何账号。", n=len(parsed.errors))
        return {"error": {"code": "invalid_rows", "message": message}, **report}, 422
    created = _import(unit, parsed)
    if created is None:
        raise ApiError(409, "conflict", _("导入期间有人注册了文件中的身份证号或手机号，未创建任何账号。"))
    response = {**report, "created": [item.as_json() for item in created]}
    return response, 201, {"Cache-Control": "no-store"}

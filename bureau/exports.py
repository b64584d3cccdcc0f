"""Streamed exports of 学时记录: CSV and XLSX of exactly the rows the records page shows.

Same query parameters as the page (year, region, employer, category, type, completed_from,
completed_to, person), and ``profile=`` (bureau.export_profiles: ``hr`` names the columns by the
人社 indicator codes; another name is 422 with a clear message). Same authentication as the
docking API: a bureau officer's session cookie or ``Authorization: Bearer <token>``, a token's
region narrowing the scope further.

Rows come from a server-side cursor (``yield_per``: a named cursor on PostgreSQL, SQLite's
stepping cursor) in batches of 1,000, so memory stays flat in the number of rows.

Audit: each export writes one ``records_exported`` entry with who, when, the filters and
the row count. The CSV's count is known only once the stream ends, so its entry is written
then, in a short transaction of its own; it is written too when the client goes away
mid-stream (``complete: false`` with the rows sent so far). Counting first would cost an
extra COUNT over the same rows and could still disagree with what was sent. The XLSX is
written to a temporary file before the response starts, so its entry is written before
the first byte leaves (a large XLSX therefore takes a while before its download starts:
xlsxwriter can only zip the file once every row is in it).
"""
import os
import tempfile
from dataclasses import replace
from datetime import datetime
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, request, stream_with_context
from flask_babel import force_locale
from sqlalchemy import Select, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from werkzeug.wsgi import wrap_file

from accounts import audit
from accounts.access import current_api_token, role_required
from bureau import export_profiles
from bureau.export_writers import EXPORT_COLUMNS, FIELDS, HEADER, RECORDS, csv_record_chunks, export_batches, write_xlsx
from bureau.filters import RecordFilterForm, audit_filters, profile_error
from bureau.officer import officer_scope
from bureau.records import COLUMNS, Filters, records_query
from bureau.scope import Scope, ScopeError
from core import policy
from core.extensions import db
from core.http import ApiError, wants_json
from core.security import has_bearer_token
from core.tz import CHINA

bp = Blueprint("exports", __name__, url_prefix="/bureau/exports")

BATCH = 1000
_CHUNK = 256 * 1024
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _json_errors() -> bool:
    return has_bearer_token() or wants_json()


def _asked_header() -> tuple[tuple[str, ...], str]:
    """The header row under the asked ``profile=`` (none: the Chinese one), and the profile; 422 answered here."""
    profile = request.args.get("profile", "").strip()
    try:
        return export_profiles.header(profile, HEADER, FIELDS), profile
    except export_profiles.UnknownProfile:
        if _json_errors():
            raise ApiError(422, "invalid_profile", profile_error()) from None
        abort(422, profile_error())


def _asked_statement():
    """The scoped, filtered query of this request, its filters and scope; 400 or 403 answered here."""
    form = RecordFilterForm(formdata=request.args)
    if not form.validate():
        message = next(iter(form.errors.values()))[0]
        if _json_errors():
            raise ApiError(400, "invalid_filter", message)
        abort(400, message)
    filters = form.filters()
    try:
        scope = officer_scope()
        return export_statement(records_query(scope, filters)), filters, scope
    except ScopeError as e:
        if _json_errors():
            raise ApiError(403, "forbidden_region", e.message) from None
        abort(403, e.message)


class china_time_text(FunctionElement):
    """A UTC timestamp column as Asia/Shanghai text ``YYYY-MM-DD HH:MM:SS``, formatted by the database."""

    type = String()
    inherit_cache = True


@compiles(china_time_text, "sqlite")
def _china_time_sqlite(element, compiler, **kw):
    # SQLite keeps naive UTC text; China has kept UTC+8 without daylight saving since 1991.
    # datetime() writes what strftime('%Y-%m-%d %H:%M:%S', ...) does, in two thirds of its time.
    return f"datetime({compiler.process(element.clauses, **kw)}, '+8 hours')"


@compiles(china_time_text, "postgresql")
def _china_time_postgresql(element, compiler, **kw):
    column = compiler.process(element.clauses, **kw)
    return f"to_char(({column}) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS')"


def export_statement(stmt: Select) -> Select:
    """records_query's rows in EXPORT_COLUMNS: the same joins, scope, filters and order.

    Only the projection changes: completed_at and exam_passed_at come as China-time text from
    the database and updated_at is left out, which spares two datetime conversions per row in Python (the
    largest per-row cost of an export).
    """
    columns = dict(zip(COLUMNS, stmt.selected_columns, strict=True))
    columns["completed_at"] = china_time_text(columns["completed_at"])
    columns["exam_passed_at"] = china_time_text(columns["exam_passed_at"])
    return stmt.with_only_columns(*(columns[name] for name in EXPORT_COLUMNS))


def subject_names() -> dict[str, str]:
    """The 科目类型 labels, in Chinese like the rest of the file whatever the page's language."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return {kind: policy.subject_name(kind) for kind in policy.SUBJECT_TYPES}


def stream_batches(stmt):
    """The rows of ``stmt`` from a server-side cursor, a list of up to BATCH tuples at a time.

    The tuples are the DB-API's own, not SQLAlchemy Rows: making and unpacking a Row per
    row cost a tenth of a CSV export. That is right only while no column of the statement
    has a result processor (export_statement's have none: its times are text), which
    tests/bureau/test_exports_fast.py checks on the test database.
    """
    result = db.session.connection().execute(stmt.execution_options(yield_per=BATCH))
    try:
        # _fetchmany_impl: the raw rows partitions() would wrap (SQLAlchemy 2.0 has no public way).
        while rows := result._fetchmany_impl(BATCH):
            yield rows
    finally:
        result.close()


def attachment(stem: str, ascii_stem: str, extension: str) -> str:
    """Content-Disposition for a download named with today's (China) date, RFC 5987 for the Chinese."""
    day = datetime.now(CHINA).strftime("%Y%m%d")
    name, fallback = f"{stem}_{day}.{extension}", f"{ascii_stem}_{day}.{extension}"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"


def _audit_export(kind: str, scope: Scope, filters: Filters, rows: int, complete: bool = True,
                  profile: str = "") -> None:
    token = current_api_token()
    audit.record("records_exported", target=kind, filters=audit_filters(filters), rows=rows,
                 complete=complete, scope=scope.code, via=f"token:{token.id}" if token else "session",
                 profile=profile or None)


@bp.get("/records.csv")
@role_required("bureau")
def records_csv():
    header, profile = _asked_header()
    stmt, filters, scope = _asked_statement()
    response = Response(stream_with_context(_csv_stream(stmt, filters, scope, header, profile)), mimetype="text/csv")
    response.headers["Content-Disposition"] = attachment("学时记录", "records", "csv")
    response.headers["Cache-Control"] = "no-store"
    return response


def _csv_stream(stmt, filters: Filters, scope: Scope, header: tuple[str, ...], profile: str):
    sent, complete, source, names = 0, False, stream_batches(stmt), subject_names()

    def counted():
        nonlocal sent
        for rows in source:
            sent += len(rows)
            yield rows

    try:
        yield from csv_record_chunks(counted(), names, header)
        complete = True
    finally:
        source.close()  # the server-side cursor, before its transaction ends
        db.session.rollback()  # ends the long read; the audit entry gets a short transaction of its own
        _audit_export("csv", scope, filters, sent, complete, profile)
        db.session.commit()


@bp.get("/records.xlsx")
@role_required("bureau")
def records_xlsx():
    header, profile = _asked_header()
    stmt, filters, scope = _asked_statement()
    handle, path = tempfile.mkstemp(prefix="zhixin-export-", suffix=".xlsx")
    try:
        os.close(handle)
        rows = write_xlsx(export_batches(stream_batches(stmt), subject_names()), path,
                          current_app.config.get("XLSX_SHEET_ROWS", 1_000_000), replace(RECORDS, header=header))
        db.session.rollback()
        _audit_export("xlsx", scope, filters, rows, profile=profile)
        db.session.commit()
        size = os.path.getsize(path)
        file = open(path, "rb")  # closed by the response
    finally:
        os.unlink(path)  # the open handle keeps the bytes until the response closes it
    response = Response(wrap_file(request.environ, file, _CHUNK), mimetype=XLSX_TYPE, direct_passthrough=True)
    response.headers["Content-Disposition"] = attachment("学时记录", "records", "xlsx")
    response.headers["Content-Length"] = str(size)
    response.headers["Cache-Control"] = "no-store"
    return response

"""GET /api/v1/bureau/records: the docking API, region-scoped credit records for incremental sync.

Authentication: a Bearer token of a bureau officer (or the officer's session cookie). The
scope is the officer's region, narrowed to the token's region when it has one; ``region=``
narrows further. Anything outside is 403 ``forbidden_region``, never an empty page.
``type=`` (gongxu, zhuanye or xuanxiu) keeps the records of that subject type as they were
credited; another value is 422 ``invalid_type``, as the other parameters and the catalogue's.
``profile=hr`` names each record's fields by the 人社 indicator codes (bureau.export_profiles;
docs/export-profiles/hr.csv), values unchanged; another name is 422 ``invalid_profile``.

Order and cursor: rows come in (updated_at, id) order; ``next_cursor`` is the position of
the page's last row, base64url-encoded and HMAC-signed with the app's secret key, so a
client cannot forge positions. An unreadable or forged cursor is 422 ``invalid_cursor``.

Exactly once: a naive keyset skips a row whose transaction stamped ``updated_at`` before a
client paged past that time but committed after. So a page only holds rows whose
``updated_at`` is at least ``SYNC_LAG_SECONDS`` old (the *horizon*); every transaction that
writes or touches credit records commits well within that time, so no row can still appear
behind a position a client has been given. The last page (``has_more`` false) carries
``synced_until``: everything matching with ``updated_at`` up to it has been delivered, and
the next run passes it as ``updated_since``. A record that changes later (a course
certificate issued, see learning.certificates.create) gets a new ``updated_at`` and is
delivered again: clients upsert by ``id``. docs/sync.md is the protocol for integrators.

Every page served writes one audit row (``records_api``: filters, row count).
"""
import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import Blueprint, current_app, request
from flask_babel import gettext as _

from accounts import audit
from accounts.access import current_api_token, role_required
from accounts.regions import is_region_code
from bureau import export_profiles
from bureau.filters import profile_error
from bureau.officer import officer_scope
from bureau.records import Filters, after_cursor, iso_utc, item, record_ids, records_query
from bureau.scope import Scope, ScopeError
from core import policy
from core.db import utcnow
from core.extensions import db
from core.http import ApiError
from learning.models import CreditRecord

bp = Blueprint("records_api", __name__, url_prefix="/api/v1/bureau")

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
# Longer than any transaction that writes credit records takes from stamping updated_at to
# committing: a heartbeat may wait up to SQLite's busy timeout (10 s) for the write lock after
# taking its time, and web hosts' clocks may differ by a few seconds.
DEFAULT_SYNC_LAG_SECONDS = 30


class CursorError(ValueError):
    """A cursor this server did not issue (or issued under another secret key)."""


@dataclass(frozen=True)
class Position:
    """A row's place in the sync order."""

    updated_at: datetime
    id: int


@dataclass
class Page:
    rows: list
    has_more: bool
    horizon: datetime


# --- rules: plain functions ------------------------------------------------------------------

def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant with a zone (``Z`` or ``+08:00``); raises ValueError otherwise."""
    # A "+08:00" sent without URL encoding arrives as " 08:00".
    moment = datetime.fromisoformat(re.sub(r"(T[\d:.]+) (\d\d:?\d\d)$", r"\1+\2", text.strip()))
    if moment.tzinfo is None:
        raise ValueError("no time zone")
    return moment.astimezone(UTC)


def _mac(secret: str, payload: bytes) -> bytes:
    key = hmac.new(secret.encode(), b"bureau.records_api.cursor", hashlib.sha256).digest()
    return hmac.new(key, payload, hashlib.sha256).digest()[:16]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_cursor(position: Position, secret: str) -> str:
    payload = f"{iso_utc(position.updated_at)}|{position.id}".encode()
    return f"{_b64(payload)}.{_b64(_mac(secret, payload))}"


def decode_cursor(cursor: str, secret: str) -> Position:
    """The position ``cursor`` names, if this server signed it; else :class:`CursorError`."""
    try:
        payload_part, mac_part = cursor.split(".")
        payload, mac = _unb64(payload_part), _unb64(mac_part)
    except (ValueError, binascii.Error):
        raise CursorError(cursor) from None
    if not hmac.compare_digest(mac, _mac(secret, payload)):
        raise CursorError(cursor)
    stamp, _sep, record_id = payload.decode().partition("|")
    return Position(parse_instant(stamp), int(record_id))


def horizon_at(now: datetime, lag_seconds: float) -> datetime:
    """The newest ``updated_at`` a page may hold at ``now``: older rows have all committed."""
    return now - timedelta(seconds=lag_seconds)


def synced_until(horizon: datetime, updated_since: datetime | None) -> datetime:
    """Where the next run starts (``updated_since``) once a run reached its last page."""
    return max(horizon, updated_since) if updated_since else horizon


# --- the database ----------------------------------------------------------------------------

def fetch_page(scope: Scope, filters: Filters, after: Position | None, limit: int,
               horizon: datetime) -> Page:
    """Up to ``limit`` rows after ``after``, none newer than ``horizon``; reads only."""
    def page_of(stmt):
        stmt = stmt.where(CreditRecord.updated_at <= horizon)
        return (after_cursor(stmt, after.updated_at, after.id) if after is not None else stmt).limit(limit + 1)

    # The test figures are aggregated for this page's records only (records.exam_summary).
    rows = db.session.execute(page_of(records_query(scope, filters, within=page_of(record_ids(scope, filters))))).all()
    return Page(rows[:limit], len(rows) > limit, horizon)


# --- the call --------------------------------------------------------------------------------

def _invalid(code: str, message: str) -> ApiError:
    return ApiError(422, code, message)


def _is_number(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _limit() -> int:
    raw = request.args.get("limit", "")
    if raw == "":
        return DEFAULT_LIMIT
    if not _is_number(raw) or not 1 <= int(raw) <= MAX_LIMIT:
        raise _invalid("invalid_limit", _("参数 limit 应为 1 到 %(max)s 之间的整数。", max=MAX_LIMIT))
    return int(raw)


def _filters() -> Filters:
    args = request.args
    year = args.get("year", "")
    if year and not (_is_number(year) and 2000 <= int(year) <= 2100):
        raise _invalid("invalid_year", _("参数 year 应为 2000 到 2100 之间的年份。"))
    region = args.get("region", "")
    if region and not is_region_code(region):
        raise _invalid("invalid_region", _("地区代码应为6位行政区划代码。"))
    since = None
    if args.get("updated_since"):
        try:
            since = parse_instant(args["updated_since"])
        except ValueError:
            raise _invalid("invalid_updated_since", _(
                "参数 updated_since 应为带时区的 ISO 8601 时间，如 2026-01-01T00:00:00Z。")) from None
    subject_type = args.get("type", "")
    if subject_type and subject_type not in policy.SUBJECT_TYPES:
        raise _invalid("invalid_type", _("参数 type 应为 %(choices)s 之一。", choices=", ".join(policy.SUBJECT_TYPES)))
    return Filters(year=int(year) if year else None, region=region or None, updated_since=since,
                   subject_type=subject_type)


def _after() -> Position | None:
    cursor = request.args.get("cursor", "")
    if not cursor:
        return None
    try:
        return decode_cursor(cursor, current_app.config["SECRET_KEY"])
    except (CursorError, ValueError):
        raise _invalid("invalid_cursor", _("cursor 无效：请使用上一页返回的 next_cursor，不要修改。")) from None


def _profile() -> str:
    profile = request.args.get("profile", "").strip()
    try:
        export_profiles.mapping(profile)
    except export_profiles.UnknownProfile:
        raise _invalid("invalid_profile", profile_error()) from None
    return profile


def _scope(region: str | None) -> Scope:
    """The officer's scope narrowed to ``region``: an outside region is refused before anything is read."""
    try:
        return officer_scope(region)
    except ScopeError as e:
        raise ApiError(403, "forbidden_region", e.message) from None


def _audit(filters: Filters, cursor: bool, rows: int, profile: str) -> None:
    token = current_api_token()
    audit.record("records_api", target=f"token:{token.id}" if token else "session", rows=rows, cursor=cursor,
                 profile=profile or None,
                 filters={"year": filters.year, "region": filters.region, "type": filters.subject_type or None,
                          "updated_since": iso_utc(filters.updated_since) if filters.updated_since else None})


@bp.get("/records")
@role_required("bureau")
def records():
    filters, after, limit, profile = _filters(), _after(), _limit(), _profile()
    scope = _scope(filters.region)
    lag = float(current_app.config.get("SYNC_LAG_SECONDS", DEFAULT_SYNC_LAG_SECONDS))
    page = fetch_page(scope, filters, after, limit, horizon_at(utcnow(), lag))
    _audit(filters, after is not None, len(page.rows), profile)
    db.session.commit()
    next_cursor = None
    if page.has_more:
        last = page.rows[-1]
        next_cursor = encode_cursor(Position(last[-1], last[0]), current_app.config["SECRET_KEY"])
    body = {
        "items": [export_profiles.apply(profile, item(row)) for row in page.rows],
        "next_cursor": next_cursor,
        "has_more": page.has_more,
        "synced_until": None if page.has_more else iso_utc(synced_until(page.horizon, filters.updated_since)),
    }
    return body, 200, {"Cache-Control": "no-store"}

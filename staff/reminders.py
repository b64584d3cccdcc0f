"""催学: a unit administrator reminds the selected staff who are short of a year's requirement.
Flushes only; the caller commits.

Only confirmed staff of the administrator's own unit may be named: any other id (another
unit's person, someone not confirmed, no one) refuses the whole request with 404 and sends
nothing, as another unit's link does. A person already 达标 for the year is skipped and
counted. Each request is audited once (``study_reminder_sent``) with the counts.
"""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from accounts import audit
from accounts.models import User
from core import policy
from core.http import Refused
from notices.service import notify
from staff.roster_data import StaffRow, staff_rows

MOST = 1000


@dataclass(frozen=True)
class Reminded:
    sent: int
    skipped: int  # already 达标


def clean_ids(raw) -> list[int]:
    """A non-empty list of at most MOST person ids (integers), duplicates dropped."""
    if not isinstance(raw, list) or not raw:
        raise Refused(422, "no_staff_selected", _("请先勾选要提醒的人员。"), "user_ids")
    if len(raw) > MOST or not all(isinstance(value, int) and not isinstance(value, bool) for value in raw):
        raise Refused(422, "invalid_user_ids", _("人员编号应为整数列表，每次最多%(most)s人。", most=MOST), "user_ids")
    return list(dict.fromkeys(raw))


def remind(admin: User, user_ids: list[int], year: int, now: datetime) -> Reminded:
    """Send a ``study_reminder`` notice for ``year`` to each named person who is short."""
    rows = {row.user.id: row for row in staff_rows(admin.unit_id, year)}
    if any(user_id not in rows for user_id in user_ids):
        raise Refused(404, "not_found", _("所选人员不是本单位已确认的人员。"))
    short = [rows[user_id] for user_id in user_ids if not rows[user_id].met]
    for row in short:
        notify(row.user.id, "study_reminder", _("请抓紧完成%(year)s年度继续教育学时", year=year),
               _reminder_body(row, year), link=f"/me/learning?year={year}")
    reminded = Reminded(len(short), len(user_ids) - len(short))
    audit.record("study_reminder_sent", target=f"unit:{admin.unit_id}", actor=admin, year=year,
                 count=reminded.sent, skipped=reminded.skipped, users=[row.user.id for row in short])
    return reminded


def _reminder_body(row: StaffRow, year: int) -> str:
    """What is still missing, per short subject type, and in total when the total is short."""
    standing = row.standing
    parts = [_("%(type)s还差%(hours)s学时", type=policy.subject_name(kind),
               hours=(standing.required[kind] - standing.credited.get(kind, 0)) / 10)
             for kind in standing.short_types]
    if standing.total < standing.total_required:
        parts.append(_("合计还差%(hours)s学时", hours=(standing.total_required - standing.total) / 10))
    return _("您%(year)s年度的学时尚未达标：%(missing)s。", year=year, missing=_("；").join(parts))

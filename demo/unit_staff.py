"""The demo unit's staff: the year's trainees who typed its name as their employer, matched as
`flask units match-employers --apply` matches them and confirmed by its administrator as on
her page, but for the newest few, left pending for her to decide. Flushes only.

Only trainees with no link at all are matched, so a second run changes nothing, even after a
link was rejected or ended.
"""
from datetime import datetime

from sqlalchemy import select

from accounts.models import User
from core.extensions import db
from staff.membership import decide
from units.links import employer_matches, request_matched
from units.models import Unit, UnitLink

PENDING = 2  # the newest matches left for the administrator to confirm or reject


def ensure_staff(admin: User, now: datetime) -> tuple[int, int]:
    """Link the demo unit's unlinked namesakes; returns (confirmed, pending) made now."""
    unit = db.session.get(Unit, admin.unit_id)
    ever_linked = set(db.session.scalars(select(UnitLink.user_id)))
    matches = [match for match in employer_matches()
               if match.units == (unit,) and match.user.id not in ever_linked]
    links = [request_matched(match, now) for match in matches]
    confirm = links[:-PENDING] if len(links) > PENDING else []
    for link in confirm:
        decide(admin, link.id, True, "", now)
    return len(confirm), len(links) - len(confirm)

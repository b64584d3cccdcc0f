"""Declarations straight into the table, as the flow would leave them (for tests/pages.py)."""
from datetime import timedelta

from core.db import utcnow
from core.extensions import db
from core.policy.rulebook import china_date
from declarations.models import Declaration, DeclarationStep


def declaration(user, unit, status: str = "unit_review", title: str = "Hospital infection seminar",
                reason: str = "") -> Declaration:
    """A one-day declaration of ``user`` (8 学时, 专业科目) that ended a week ago, in ``status``."""
    now = utcnow()
    day = china_date(now) - timedelta(days=7)
    row = Declaration(user_id=user.id, unit_id=unit.id, region_code=user.region_code, year=day.year, title=title,
                      organiser="Health Commission", place="Convention Centre", start_date=day, end_date=day,
                      subject_type="zhuanye", hours_tenths=80, default_hours_tenths=80, pledged_at=now,
                      status=status, reason=reason, created_at=now, updated_at=now)
    row.steps.append(DeclarationStep(actor_id=user.id, by="trainee", action="submitted", at=now))
    if status == "returned":
        row.steps.append(DeclarationStep(actor_id=user.id, by="unit", action="returned", reason=reason, at=now))
    db.session.add(row)
    db.session.commit()
    return row


def world(trainee, unit) -> dict:
    """A returned declaration, one waiting for the unit, one waiting for the bureau."""
    return {"returned": declaration(trainee, unit, "returned", reason="Add the certificate"),
            "at_unit": declaration(trainee, unit, "unit_review", title="Emergency drill"),
            "at_bureau": declaration(trainee, unit, "bureau_review", title="Network security day")}

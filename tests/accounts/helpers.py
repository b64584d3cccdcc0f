"""Looking at what the app stored and answered."""
from sqlalchemy import func, select

from accounts.models import AuditLog, User
from core.extensions import db


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def audit_rows(action: str) -> list[AuditLog]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def text(response) -> str:
    return response.get_data(as_text=True)

"""Who: users and their roles, API tokens, the audit log."""
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.idnumber import mask_id_number
from accounts.validators import mask_name
from core.db import UTCDateTime, utcnow
from core.extensions import db

ROLES = ("trainee", "producer", "reviewer", "bureau", "admin", "unit_admin")
ROLE_NAMES = {
    "trainee": _l("学员"),
    "producer": _l("课程制作方"),
    "reviewer": _l("审核员"),
    "bureau": _l("人社部门"),
    "admin": _l("管理员"),
    "unit_admin": _l("单位管理员"),
}


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role IN ('trainee', 'producer', 'reviewer', 'bureau', 'admin', 'unit_admin')", name="role"
        ),
        CheckConstraint("role <> 'unit_admin' OR unit_id IS NOT NULL", name="unit_admin_unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(16), default="trainee")
    real_name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    phone: Mapped[str] = mapped_column(String(11), unique=True)
    # Optional: where notices also go by mail when the platform has an SMTP server.
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    employer: Mapped[str] = mapped_column(String(128), default="")
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    title: Mapped[str] = mapped_column(String(64), default="")
    organisation: Mapped[str] = mapped_column(String(128), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    # Set for an account made for someone else (a unit's bulk import): a new password first.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # The one unit (units.id) a unit_admin administers; None for every other role.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Raised to end every signed-in session at once (a password reset): a session's cookie
    # names the epoch it began in (get_id), and the loader refuses any other.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    tokens: Mapped[list["ApiToken"]] = relationship(back_populates="user")

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """The session's user key: ``"7"`` in epoch 0 (as every session began before epochs),
        ``"7.2"`` after two resets, so that a cookie of an older epoch names no one."""
        epoch = self.session_epoch or 0
        return str(self.id) if epoch == 0 else f"{self.id}.{epoch}"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_name(self) -> str:
        return mask_name(self.real_name)

    @property
    def role_label(self) -> str:
        return str(ROLE_NAMES[self.role])

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class ApiToken(db.Model):
    """A personal or system token; only its SHA-256 is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    region_code: Mapped[str | None] = mapped_column(String(6))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")


class AuditLog(db.Model):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(String(128), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip: Mapped[str] = mapped_column(String(45), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship()

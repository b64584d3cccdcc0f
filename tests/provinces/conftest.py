"""Fixtures of the rule-set tests: the three example sets stored, an admin, the form of a set."""
import pytest
from sqlalchemy import func, select

from accounts.models import AuditLog
from core import policy
from core.db import utcnow
from core.extensions import db
from core.policy.examples import EXAMPLES
from core.policy.models import RuleSetVersion
from provinces import store
from provinces.forms import CHECK_FIELDS, DECLARED


@pytest.fixture
def examples(app):
    """The national set, Guangdong (44) and Henan (41, locked after 15 December), stored as the seed stores them."""
    for data in EXAMPLES:
        store.save(store.check(data), utcnow(), check_locks=False)
    db.session.commit()
    return EXAMPLES


@pytest.fixture
def admin(make_user):
    return make_user("admin", real_name="吴志强")


def stored() -> list[tuple[str, str, dict]]:
    """(prefix, effective_from, rules) of every stored version: to see that nothing changed."""
    db.session.expire_all()
    return [(row.prefix, row.effective_from.isoformat(), row.rules) for row in
            db.session.scalars(select(RuleSetVersion).order_by(RuleSetVersion.prefix, RuleSetVersion.effective_from))]


def audit_rows(prefix: str = "rules_") -> list[AuditLog]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action.startswith(prefix)).order_by(AuditLog.id)))


def count_versions() -> int:
    return db.session.scalar(select(func.count()).select_from(RuleSetVersion))


def form_of(data: dict, **changes) -> dict:
    """The admin form's fields for a set in its JSON form, with ``changes`` laid over them."""
    fields = {"prefix": data["prefix"] or "national", "effective_from": data["effective_from"],
              "name": data["name"], "source": data["source"], "minutes_per_hour": str(data["minutes_per_hour"]),
              "lock": data["lock"] or "", "daily_cap": data["daily_cap_hours"] or ""}
    fields.update({f"required_{kind}": str(hours) for kind, hours in data["required_hours"].items()})
    for kind, window in data["windows"].items():
        fields[f"window_{kind}_start"], fields[f"window_{kind}_end"] = window["start"], window["end"]
    fields.update({name: "y" for name in ("total_covers_parts", "test_required") if data[name]})
    fields.update({name: str(data[key]) for key, name in DECLARED.items() if key in data})
    for kind, check in data.get("checks", {}).items():
        fields.update({f"{kind}_{name}": str(check[key]) for key, name in CHECK_FIELDS.items() if key in check})
        if check.get("enabled"):
            fields[f"{kind}_enabled"] = "y"
    carry = data.get("carry_over") or {}
    fields.update({f"carry_{kind}": "y" for kind in carry.get("types", [])})
    if carry.get("enabled"):
        fields["carry_enabled"] = "y"
    if carry.get("max_hours"):
        fields["carry_max"] = str(carry["max_hours"])
    if "review_years" in data:
        fields["review_years"] = str(data["review_years"])
    fields.update(changes)
    return {name: value for name, value in fields.items() if value is not None}


def answers():
    """core.policy, reading the stored rule sets afresh (the test's app context keeps the book it read)."""
    policy.forget_book()
    return policy

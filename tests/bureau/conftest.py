"""Fixtures of the bureau tests."""
from datetime import date

import pytest

from core import policy
from core.extensions import db
from core.policy.examples import EXAMPLES
from core.policy.models import RuleSetVersion


@pytest.fixture
def officer(make_user, login):
    """A Shenzhen city officer, signed in (tests that need another officer define their own)."""
    user = make_user("bureau", real_name="王科长", region_code="440300")
    login(user)
    return user


@pytest.fixture
def store_rules(app):
    """``store_rules(*json_forms)``: rule sets stored as the admin would store them (the book is
    read again at the next question); with no argument, the examples of core/policy/examples.py
    (the nation, Guangdong, Henan)."""

    def store(*sets) -> None:
        for data in sets or EXAMPLES:
            rules = {key: value for key, value in data.items() if key not in ("prefix", "effective_from")}
            db.session.add(RuleSetVersion(prefix=data["prefix"], rules=rules,
                                          effective_from=date.fromisoformat(data["effective_from"])))
        db.session.commit()
        policy.forget_book()

    return store

"""The study-hour policy: the settings when no rule set is stored, the stored sets per region and year."""
from datetime import date, datetime

import pytest

from core import policy
from core.extensions import db
from core.policy.examples import EXAMPLES
from core.policy.models import RuleSetVersion
from core.tz import CHINA


def test_defaults(app):
    with app.app_context():
        assert policy.minutes_per_hour() == 45
        assert policy.required_hours() == 30
        assert policy.required_tenths() == 300
        assert policy.completion_ratio() == 0.95
        assert policy.max_playback_rate() == 1.0
        assert policy.heartbeat_seconds() == 15
        assert policy.heartbeat_slack_seconds() == 3.0
        assert policy.heartbeat_max_segments() == 50


def test_settings_are_returned_as_configured(app):
    """An int stays an int, so pages and API bodies show ``30``, not ``30.0``."""
    app.config.update(ANNUAL_REQUIRED_HOURS=2, CREDIT_MINUTES_PER_HOUR=0.1, HEARTBEAT_MAX_SEGMENTS="8")
    with app.app_context():
        assert policy.required_hours() == 2 and type(policy.required_hours()) is int
        assert policy.minutes_per_hour() == 0.1
        assert policy.heartbeat_max_segments() == 8


@pytest.mark.parametrize(("hours", "tenths"), [(30, 300), (2, 20), (0.15, 2), (12.5, 125), ("24", 240)])
def test_required_tenths(app, hours, tenths):
    app.config["ANNUAL_REQUIRED_HOURS"] = hours
    with app.app_context():
        assert policy.required_tenths() == tenths


def test_with_nothing_stored_region_and_year_give_the_national_set_of_the_settings(app):
    app.config.update(ANNUAL_REQUIRED_HOURS=24, CREDIT_MINUTES_PER_HOUR=50)
    with app.app_context():
        for region, year in [(None, None), ("110105", 2026), ("440106", 2025), ("410105", 2024)]:
            assert policy.rules_for(region, year).prefix == ""
            assert policy.required_tenths(region, year) == 240
            assert policy.minutes_per_hour(region, year) == 50
            assert policy.completion_ratio(region, year) == 0.95
        assert policy.year_of("gongxu", "440106", at(2027, 3, 1)) == 2027
        assert not policy.locked("410105", 2025, at(2026, 1, 10))


def test_stored_rule_sets_change_the_answers_per_region_and_year(app):
    """Guangdong and Henan as the examples describe them; Beijing has the national set."""
    with app.app_context():
        for data in EXAMPLES:
            rules = {key: value for key, value in data.items() if key not in ("prefix", "effective_from")}
            db.session.add(RuleSetVersion(prefix=data["prefix"], rules=rules,
                                          effective_from=date.fromisoformat(data["effective_from"])))
        db.session.commit()
        assert [policy.rules_for(region, 2026).prefix for region in ("440106", "410105", "110105", None)] == \
            ["44", "41", "", ""]
        assert policy.required_tenths("440106", 2026) == 900 and policy.required_tenths("110105", 2026) == 300
        assert policy.rules_for("410105", 2026).required("zhuanye") == 600
        assert policy.required_tenths("440106", 2023) == 300  # before Guangdong's set took effect
        assert policy.minutes_per_hour("440106", 2026) == 45
        # 公需 finished on 1 March 2027 counts for Guangdong's 2026, for the national 2027
        assert policy.year_of("gongxu", "440106", at(2027, 3, 1)) == 2026
        assert policy.year_of("gongxu", "440106", at(2027, 3, 1), full={2026}) == 2027
        assert policy.year_of("zhuanye", "440106", at(2027, 3, 1)) == 2027
        assert policy.year_of("gongxu", "110105", at(2027, 3, 1)) == 2027
        # Henan closes a year on 15 December (China Standard Time)
        assert not policy.locked("410105", 2026, at(2026, 12, 15, 23))
        assert policy.locked("410105", 2026, at(2026, 12, 16, 1))
        assert policy.year_of("gongxu", "410105", at(2026, 12, 20)) is None
        assert not policy.locked("440106", 2026, at(2027, 6, 1))
        assert not policy.standing("440106", 2026, {"gongxu": 300}).met
        assert policy.standing("110105", 2026, {"gongxu": 300}).met


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    """A moment in China Standard Time."""
    return datetime(year, month, day, hour, tzinfo=CHINA)

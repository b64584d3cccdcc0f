"""The study-hour policy seam answers today's settings, whatever the region and year."""
import pytest

from core import policy


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


def test_region_and_year_do_not_change_the_answer_yet(app):
    with app.app_context():
        for region, year in [(None, None), ("110105", 2026), ("440000", 2025)]:
            assert policy.required_tenths(region, year) == 300
            assert policy.minutes_per_hour(region, year) == 45
            assert policy.completion_ratio(region, year) == 0.95

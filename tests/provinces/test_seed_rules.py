"""The demo seed stores the three example rule sets on the first start, and never again."""
from core.db import utcnow
from core.extensions import db
from core.policy.examples import GUANGDONG
from demo.cli import _seed_rules
from provinces import store
from tests.provinces.conftest import answers, stored


def test_the_seed_stores_the_examples_once_and_keeps_an_admin_s_changes(app):
    _seed_rules()
    assert [(prefix, day, rules["name"]) for prefix, day, rules in stored()] == [
        ("", "2016-01-01", "全国"), ("41", "2024-01-01", "河南省（示例）"), ("44", "2024-01-01", "广东省（示例）")]
    assert answers().rules_for("410105", 2026).lock is not None  # Henan's lock, though its past years are closed
    store.save(store.check({**GUANGDONG, "name": "广东省"}), utcnow())
    db.session.commit()
    changed = stored()
    _seed_rules()
    assert stored() == changed


def test_settings_of_another_national_rule_stay_in_force(app):
    app.config.update(CREDIT_MINUTES_PER_HOUR=0.1)  # the demo tests' 2-second clips
    _seed_rules()
    assert [prefix for prefix, _day, _rules in stored()] == ["41", "44"]
    assert answers().minutes_per_hour("110105", 2026) == 0.1 and answers().rules_for("440106", 2026).prefix == "44"

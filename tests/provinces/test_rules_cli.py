"""``flask rules export FILE.json`` and ``flask rules import FILE.json``."""
import json

from core.db import utcnow
from core.extensions import db
from core.policy.examples import EXAMPLES, GUANGDONG, HENAN
from provinces import store
from tests.provinces.conftest import answers, audit_rows, stored


def run(app, *args):
    return app.test_cli_runner().invoke(args=["rules", *args])


def test_export_then_import_restores_what_was_changed(app, tmp_path, examples):
    path = tmp_path / "rules.json"
    exported = run(app, "export", str(path))
    assert exported.exit_code == 0 and "3 rule set versions" in exported.output
    assert json.loads(path.read_text(encoding="utf-8")) == sorted(EXAMPLES, key=lambda data: data["prefix"])
    original = stored()
    store.save(store.check({**GUANGDONG, "name": "广东省", "minutes_per_hour": 50}), utcnow())
    db.session.commit()
    assert answers().minutes_per_hour("440106", 2026) == 50

    imported = run(app, "import", str(path))
    assert imported.exit_code == 0, imported.output
    assert "updated   44 from 2024-01-01" in imported.output and "0 created, 1 updated, 2 unchanged" in imported.output
    assert stored() == original and answers().minutes_per_hour("440106", 2026) == 45
    rows = audit_rows()
    assert rows[-1].action == "rules_updated" and rows[-1].actor_id is None and rows[-1].details["via"] == "cli"
    assert [row.action for row in audit_rows("rules_exported")] == ["rules_exported"]


def test_an_import_into_an_empty_book_sets_up_every_set(app, tmp_path):
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(EXAMPLES, ensure_ascii=False), encoding="utf-8")
    result = run(app, "import", str(path))
    assert result.exit_code == 0, result.output
    assert "3 created, 0 updated, 0 unchanged" in result.output
    assert answers().rules_for("410105", 2026).prefix == "41"


def test_a_file_with_one_bad_set_changes_nothing_and_says_which(app, tmp_path, examples):
    path = tmp_path / "rules.json"
    good = {**GUANGDONG, "prefix": "4401", "effective_from": "2026-01-01"}
    bad = {**GUANGDONG, "prefix": "4400", "required_hours": {"gongxu": -2}}
    path.write_text(json.dumps([good, bad, {**GUANGDONG, "name": "x" * 65}]), encoding="utf-8")
    before, audited = stored(), len(audit_rows())
    result = run(app, "import", str(path))
    assert result.exit_code != 0
    assert "#2 required_hours.gongxu" in result.output and "#3 name" in result.output
    assert "Nothing was imported" in result.output
    assert stored() == before and len(audit_rows()) == audited


def test_a_file_that_would_change_a_locked_year_changes_nothing(app, tmp_path, examples):
    path = tmp_path / "rules.json"
    path.write_text(json.dumps([{**GUANGDONG, "name": "广东省"}, {**HENAN, "minutes_per_hour": 40}]), encoding="utf-8")
    before = stored()
    result = run(app, "import", str(path))
    assert result.exit_code != 0 and "41 from 2024-01-01" in result.output and "已锁定年度" in result.output
    assert stored() == before


def test_a_file_that_is_not_a_list_of_sets_is_refused(app, tmp_path, examples):
    path, before = tmp_path / "rules.json", stored()
    for content in ("{not json", json.dumps(GUANGDONG), json.dumps([GUANGDONG, GUANGDONG])):
        path.write_text(content, encoding="utf-8")
        result = run(app, "import", str(path))
        assert result.exit_code != 0 and "Nothing was imported" in result.output
    assert stored() == before

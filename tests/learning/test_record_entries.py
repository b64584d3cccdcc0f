"""我的学习 and GET /api/v1/me/progress with ledger rows that do not come from watching: a
declared training (线下学时), a 补录 and the corrections of a course."""
from datetime import UTC, datetime

import pytest

from core.extensions import db
from learning import entries
from learning.models import CreditRecord

NOW = datetime(2026, 6, 10, 4, 0, tzinfo=UTC)


@pytest.fixture
def ledger(make_user, make_course, login):
    """A trainee with a course (2.0, 核减 0.5), a declared seminar (4.0) and a 补录 (1.5) in 2026."""
    trainee = make_user(real_name="陈学文", region_code="110105")
    officer = make_user("bureau", region_code="110000")
    course = make_course(title="数字经济概论")
    at = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)
    done = CreditRecord(user_id=trainee.id, course_id=course.id, year=2026, hours_tenths=20, basis="completion",
                        awarded_at=at, updated_at=at)
    db.session.add(done)
    db.session.flush()
    entries.add_entry(trainee, basis="correction", year=2026, hours_tenths=-5, subject_type="gongxu", now=NOW,
                      course_id=course.id, source_id=done.id, reason="重复计入", recorded_by=officer)
    entries.add_entry(trainee, basis="declared", year=2026, hours_tenths=40, subject_type="zhuanye", now=NOW,
                      title="医院管理研讨会", source_id=31)
    entries.add_entry(trainee, basis="correction", year=2026, hours_tenths=15, subject_type="gongxu", now=NOW,
                      title="线下讲座补录", reason="系统迁移遗漏", recorded_by=officer)
    db.session.commit()
    login(trainee)
    return trainee


def test_the_page_shows_declared_trainings_and_corrections_with_their_reasons(client, ledger):
    page = client.get("/me/learning?year=2026").get_data(as_text=True)
    assert "线下学时：医院管理研讨会" in page
    assert "补录：线下讲座补录" in page and "原因：系统迁移遗漏" in page
    assert "更正：-0.5 学时（重复计入）" in page
    assert '<strong class="credited-total">7.0</strong>' in page


def test_the_api_gives_the_lines_without_a_course_as_items(client, ledger):
    body = client.get("/api/v1/me/progress?year=2026").get_json()
    assert body["credited_hours"] == 7.0
    assert body["by_type"]["zhuanye"]["credited_hours"] == 4.0
    [course] = body["courses"]
    assert course["title"] == "数字经济概论" and course["hours"] == 1.5 and course["basis"] == "completion"
    assert course["corrections"] == [{"hours": -0.5, "reason": "重复计入"}]
    assert [(i["basis"], i["title"], i["hours"], i["reason"], i["source_id"], i["subject_type"])
            for i in body["items"]] == [
        ("declared", "医院管理研讨会", 4.0, "", 31, "zhuanye"),
        ("correction", "线下讲座补录", 1.5, "系统迁移遗漏", None, "gongxu")]

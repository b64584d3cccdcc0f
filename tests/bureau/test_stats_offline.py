"""The dashboard's figures with 学时 that do not come from a course (a declared training, a 补录):
they count in every total and in meeting the requirement, and in no course's completions."""
from datetime import UTC, datetime

from bureau import stats
from bureau.scope import Scope
from core.extensions import db
from core.policy.rulebook import national_default
from learning import entries
from tests.bureau.stats_world import china, credit

BOOK = [national_default(45, 30)]
NOW = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)


def test_declared_training_and_supplements_count_in_totals_not_in_completions(make_user, make_course,
                                                                             make_category):
    digital = make_course("数字经济概论", category=make_category("digital"))
    trainee = make_user(real_name="甲", region_code="440305", created_at=china(2025, 3, 1))
    credit(trainee, digital, 100, china(2026, 2, 10))
    entries.add_entry(trainee, basis="declared", year=2026, hours_tenths=150, subject_type="gongxu", now=NOW,
                      title="省级高研班", source_id=5)
    entries.add_entry(trainee, basis="correction", year=2026, hours_tenths=50, subject_type="gongxu", now=NOW,
                      title="讲座补录", reason="漏记")
    db.session.commit()
    overview = stats.overview(Scope("440300"), 2026, BOOK)
    assert overview.total_tenths == 300
    offline = [row for row in overview.by_category if row.code == stats.OFFLINE]
    assert [(row.name, row.tenths) for row in offline] == [("线下学时与补录", 200)]
    assert sum(stats.hours_by_month(Scope("440300"), 2026)) == 300
    assert overview.people.met == 1  # 10 + 15 + 5 = 30 学时 of 公需
    assert [(c.title, c.completions) for c in overview.top_courses] == [("数字经济概论", 1)]

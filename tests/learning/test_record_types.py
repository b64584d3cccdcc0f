"""我的学习 and GET /api/v1/me/progress per subject type: a trainee sees each type of their
year against their region's requirement, its window and days left, and what is still short."""
from datetime import UTC, datetime, timedelta

import pytest

import learning.record
import learning.record_api
from core.extensions import db
from learning.models import CreditRecord

GUANGZHOU, ZHENGZHOU = "440106", "410105"


@pytest.fixture
def today(monkeypatch):
    """The pages' ``now``: 1 December 2026, 09:00 in China, unless a test moves it."""
    moment = {"now": datetime(2026, 12, 1, 1, tzinfo=UTC)}
    for module in (learning.record, learning.record_api):
        monkeypatch.setattr(module, "utcnow", lambda: moment["now"])
    return moment


def credit(user, course, year, tenths, subject_type):
    at = datetime(year, 6, 1, 4, tzinfo=UTC)
    db.session.add(CreditRecord(user_id=user.id, course_id=course.id, year=year, hours_tenths=tenths,
                                subject_type=subject_type, rule_prefix="44", awarded_at=at, updated_at=at))
    db.session.commit()


@pytest.fixture
def guangdong_trainee(store_rules, make_user, make_course, make_viewer):
    store_rules()
    viewer = make_viewer(make_user(region_code=GUANGZHOU))
    credit(viewer.user, make_course(title="公需一", subject_type="gongxu"), 2026, 300, "gongxu")
    credit(viewer.user, make_course(title="专业一", subject_type="zhuanye"), 2026, 200, "zhuanye")
    return viewer


def test_the_api_gives_each_type_against_the_regions_requirement(guangdong_trainee, today):
    body = guangdong_trainee.client.get("/api/v1/me/progress?year=2026").get_json()
    assert body["by_type"] == {
        "gongxu": {"credited_hours": 30.0, "required_hours": 30.0, "met": True, "days_left": 151,
                   "window": {"start": "2026-01-01", "end": "2027-04-30"}},
        "zhuanye": {"credited_hours": 20.0, "required_hours": 42.0, "met": False, "days_left": 31,
                    "window": {"start": "2026-01-01", "end": "2026-12-31"}},
        "xuanxiu": {"credited_hours": 0.0, "required_hours": 18.0, "met": False, "days_left": 31,
                    "window": {"start": "2026-01-01", "end": "2026-12-31"}},
    }
    assert body["total"] == {"credited_hours": 50.0, "required_hours": 90.0, "met": False}
    assert body["short_types"] == ["zhuanye", "xuanxiu"] and not body["locked"]
    assert body["credited_hours"] == 50.0 and body["required_hours"] == 90 and not body["requirement_met"]
    assert [course["subject_type"] for course in body["courses"]] == ["gongxu", "zhuanye"]


def test_the_page_shows_each_type_its_window_and_what_is_short(guangdong_trainee, today):
    html = guangdong_trainee.client.get("/me/learning?year=2026").get_data(as_text=True)
    assert '<strong class="credited-total">50.0</strong> / 90' in html
    assert "尚未达标的科目：专业科目、选修科目" in html
    assert 'data-type="gongxu"' in html and "30.0 / 30.0 学时" in html and "2026-01-01 至 2027-04-30" in html
    assert "剩余 151 天" in html and "还差 22.0 学时" in html and "还差 18.0 学时" in html


def test_a_year_is_met_only_when_every_type_and_the_total_are(guangdong_trainee, make_course, today):
    credit(guangdong_trainee.user, make_course(title="专业二"), 2026, 220, "zhuanye")
    credit(guangdong_trainee.user, make_course(title="选修一"), 2026, 180, "xuanxiu")
    body = guangdong_trainee.client.get("/api/v1/me/progress?year=2026").get_json()
    assert body["total"]["met"] and body["requirement_met"] and body["short_types"] == []
    html = guangdong_trainee.client.get("/me/learning?year=2026").get_data(as_text=True)
    assert "已达标" in html and "尚未达标" not in html


def test_a_henan_year_after_its_lock_date_is_shown_closed(store_rules, make_user, make_viewer, today):
    store_rules()
    viewer = make_viewer(make_user(region_code=ZHENGZHOU))
    today["now"] += timedelta(days=15)  # 16 December
    assert viewer.client.get("/api/v1/me/progress?year=2026").get_json()["locked"] is True
    assert "年度的学时记录已关闭" in viewer.client.get("/me/learning?year=2026").get_data(as_text=True)
    body = viewer.client.get("/api/v1/me/progress?year=2026").get_json()
    assert body["by_type"]["zhuanye"]["days_left"] == 16 and body["short_types"] == ["gongxu", "zhuanye"]


def test_the_english_page_says_the_same_in_english(guangdong_trainee, today):
    guangdong_trainee.client.set_cookie("lang", "en")
    html = guangdong_trainee.client.get("/me/learning?year=2026").get_data(as_text=True)
    assert "Credit year: 2026-01-01 to 2027-04-30" in html and "151 days left" in html
    assert "Subject types still short: Professional subjects, Elective subjects" in html

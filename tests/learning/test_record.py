"""我的学习 and GET /api/v1/me/progress: what a trainee sees of their own hours."""
from datetime import UTC, datetime

from core.extensions import db
from learning.models import CreditRecord


def credit(user, course, year, tenths, basis="completion", reason="", day=1):
    at = datetime(year, 6, day, 4, 0, tzinfo=UTC)
    db.session.add(CreditRecord(user_id=user.id, course_id=course.id, year=year, hours_tenths=tenths,
                                basis=basis, reason=reason, awarded_at=at, updated_at=at))
    db.session.commit()


def test_progress_counts_the_years_credits_per_course(make_viewer, make_course, clock):
    viewer = make_viewer()
    first, second = make_course(title="课程甲"), make_course(title="课程乙")
    credit(viewer.user, first, 2026, 20)
    credit(viewer.user, second, 2026, 15)
    credit(viewer.user, second, 2026, -5, basis="correction", reason="重复计入", day=2)
    credit(viewer.user, make_course(title="去年的课"), 2025, 30)
    body = viewer.client.get("/api/v1/me/progress?year=2026").get_json()
    assert body["year"] == 2026 and body["required_hours"] == 30 and not body["requirement_met"]
    assert body["credited_hours"] == 3.0
    assert [(c["title"], c["hours"]) for c in body["courses"]] == [("课程甲", 2.0), ("课程乙", 1.0)]
    assert body["courses"][1]["corrections"] == [{"hours": -0.5, "reason": "重复计入"}]
    assert viewer.client.get("/api/v1/me/progress?year=2025").get_json()["credited_hours"] == 3.0


def test_progress_defaults_to_this_year_in_china(make_viewer):
    viewer = make_viewer()
    year = datetime.now(UTC).astimezone().year
    assert viewer.client.get("/api/v1/me/progress").get_json()["year"] in (year, year + 1)


def test_courses_in_progress_show_their_coverage(make_viewer, make_course):
    viewer = make_viewer()
    course = make_course(title="正在学的课", lessons=2, lesson_seconds=600)
    viewer.open(course.lessons[0].id)
    viewer.watch(0, 300)
    [state] = viewer.client.get("/api/v1/me/progress").get_json()["in_progress"]
    assert state["title"] == "正在学的课" and state["covered_ratio"] == 0.25 and state["lessons_done"] == 0
    html = viewer.client.get("/me/learning").get_data(as_text=True)
    assert "正在学的课" in html and 'value="0.250"' in html


def test_the_record_page_shows_the_total_against_the_requirement(app, make_viewer, make_course):
    app.config["ANNUAL_REQUIRED_HOURS"] = 2
    viewer = make_viewer()
    credit(viewer.user, make_course(title="应急管理基础"), 2026, 25)
    html = viewer.client.get("/me/learning?year=2026").get_data(as_text=True)
    assert '<strong class="credited-total">2.5</strong> / 2' in html
    assert "已达标" in html and "应急管理基础" in html


def test_the_record_is_private(client, make_user):
    response = client.get("/me/learning")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/api/v1/me/progress").status_code == 401

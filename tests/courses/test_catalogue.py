"""The public catalogue as a visitor sees it."""
import pytest

from core.extensions import db
from tests.conftest import sign_in_as


def test_home_leads_with_the_four_areas_then_the_themes(client, make_course, make_category):
    make_course(title="人工智能与数字经济", category=make_category("digital"))
    html = client.get("/").get_data(as_text=True)
    areas = [html.index(name) for name in ("数字技术", "知识产权", "网络安全", "应急管理")]
    themes = [html.index(name) for name in ("思想政治", "知识更新拓展", "科学精神", "职业道德", "团队合作")]
    assert areas == sorted(areas) and max(areas) < min(themes)
    assert "人工智能与数字经济" in html


def test_category_page_lists_only_its_published_courses(client, make_course, make_category):
    make_course(title="专利申请实务", category=make_category("ip"))
    make_course(title="数据安全法解读", category=make_category("cybersecurity"))
    make_course(title="未审核的知识产权课", category=make_category("ip"), status="submitted")
    html = client.get("/categories/ip").get_data(as_text=True)
    assert "专利申请实务" in html
    assert "数据安全法解读" not in html
    assert "未审核的知识产权课" not in html


def test_category_pages_paginate(client, app, make_course, make_category):
    app.config["PAGE_SIZE"] = 2
    category = make_category("emergency")
    for n in range(5):
        make_course(title=f"应急课程{n}", category=category, lessons=1)
    first = client.get("/categories/emergency").get_data(as_text=True)
    third = client.get("/categories/emergency?page=3").get_data(as_text=True)
    assert first.count('class="course-card"') == 2 and "第 1 / 3 页" in first
    assert third.count('class="course-card"') == 1 and 'rel="prev"' in third


def test_year_filter_keeps_other_years_out(client, make_course, make_category):
    category = make_category("digital")
    make_course(title="二〇二五年的课", category=category, year=2025)
    make_course(title="二〇二六年的课", category=category, year=2026)
    html = client.get("/categories/digital?year=2025").get_data(as_text=True)
    assert "二〇二五年的课" in html and "二〇二六年的课" not in html


def test_course_page_shows_lessons_durations_and_hours(client, make_course):
    course = make_course(title="网络安全法律法规", lessons=2, lesson_seconds=1350)
    html = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert "网络安全法律法规" in html
    assert "第1讲" in html and "第2讲" in html
    assert "22:30" in html  # each lesson's duration
    assert "45:00" in html  # the course's total
    assert '<strong class="credit-hours">1.0</strong>' in html


@pytest.mark.parametrize("path", ["/courses/999999", "/categories/nonexistent", "/lessons/999999"])
def test_unknown_ids_are_a_friendly_404(client, make_user, path):
    sign_in_as(client, make_user())
    response = client.get(path)
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected", "withdrawn"])
def test_unpublished_courses_and_their_lessons_are_404(client, make_course, make_user, status):
    course = make_course(status=status)
    sign_in_as(client, make_user())
    assert client.get(f"/courses/{course.id}").status_code == 404
    assert client.get(f"/lessons/{course.lessons[0].id}").status_code == 404


def test_lesson_page_asks_anonymous_visitors_to_log_in(client, make_course):
    lesson = make_course().lessons[0]
    response = client.get(f"/lessons/{lesson.id}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_lesson_page_plays_the_video_with_its_poster(client, make_course, make_user):
    course = make_course(lessons=1)
    video = course.lessons[0].video
    video.renditions = [{"height": 360, "width": 640, "path": "r/360p.mp4", "bytes": 1},
                        {"height": 720, "width": 1280, "path": "r/720p.mp4", "bytes": 1}]
    video.poster_path = "posters/1.jpg"
    db.session.commit()
    sign_in_as(client, make_user())
    html = client.get(f"/lessons/{course.lessons[0].id}").get_data(as_text=True)
    assert "<video" in html and f'poster="/media/videos/{video.id}/poster.jpg"' in html
    assert html.index(f"/media/videos/{video.id}/720p.mp4") < html.index(f"/media/videos/{video.id}/360p.mp4")


def test_pages_carry_the_security_headers(client):
    response = client.get("/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_english_switch_translates_category_names_and_comes_back(client, make_category):
    make_category("digital")
    response = client.get("/lang/en?next=/categories/digital")
    assert response.status_code == 302 and response.headers["Location"] == "/categories/digital"
    assert "Digital technology" in client.get("/categories/digital").get_data(as_text=True)
    client.get("/lang/zh")
    assert "数字技术" in client.get("/categories/digital").get_data(as_text=True)


def test_language_switch_never_redirects_off_site(client):
    response = client.get("/lang/en?next=//evil.example/")
    assert response.headers["Location"] == "/"

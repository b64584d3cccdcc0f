"""The v1 catalogue calls, as an integrator uses them."""
import pytest

from core.extensions import db


def test_course_list_pages_and_filters(client, app, make_course, make_category):
    app.config["PAGE_SIZE"] = 2
    ip, digital = make_category("ip"), make_category("digital")
    for n in range(3):
        make_course(title=f"知识产权{n}", category=ip, lessons=1, lesson_seconds=2700)
    make_course(title="数字技术课", category=digital, year=2025)
    make_course(title="草稿课", category=ip, status="draft")

    body = client.get("/api/v1/courses?category=ip").get_json()
    assert body["total"] == 3 and body["pages"] == 2 and len(body["items"]) == 2
    assert (body["prev"], body["next"]) == (None, "/api/v1/courses?category=ip&page=2")
    item = body["items"][0]
    assert item["category"] == "ip" and item["credit_hours"] == 1.0 and item["catalogue_year"] == 2026
    second = client.get(body["next"]).get_json()
    assert (second["prev"], second["next"]) == ("/api/v1/courses?category=ip&page=1", None)
    assert {i["title"] for i in body["items"] + second["items"]} == {"知识产权0", "知识产权1", "知识产权2"}
    assert [i["title"] for i in client.get("/api/v1/courses?year=2025").get_json()["items"]] == ["数字技术课"]
    assert [i["title"] for i in client.get("/api/v1/courses?q=数字").get_json()["items"]] == ["数字技术课"]
    found = client.get("/api/v1/courses?q=知识产权&per_page=2").get_json()
    assert found["next"].startswith("/api/v1/courses?") and "page=2" in found["next"] and "per_page=2" in found["next"]


def test_a_query_with_like_wildcards_matches_them_literally(client, make_course):
    make_course(title="百分百安全")
    assert client.get("/api/v1/courses?q=%25").get_json()["total"] == 0


@pytest.mark.parametrize("query,code", [
    ("category=astrology", "invalid_category"),
    ("year=abc", "invalid_year"),
    ("year=1800", "invalid_year"),
    ("page=0", "invalid_page"),
    ("page=-1", "invalid_page"),
    ("per_page=1000", "invalid_per_page"),
])
def test_bad_parameters_get_a_clear_error(client, query, code):
    response = client.get(f"/api/v1/courses?{query}")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]


def test_course_detail_lists_lessons_with_sources(client, make_course):
    course = make_course(lessons=2, lesson_seconds=90)
    video = course.lessons[0].video
    video.renditions = [{"height": 720, "width": 1280, "path": "a", "bytes": 1},
                        {"height": 360, "width": 640, "path": "b", "bytes": 1}]
    video.poster_path = "p.jpg"
    db.session.commit()
    body = client.get(f"/api/v1/courses/{course.id}").get_json()
    assert body["id"] == course.id and body["category"] == "digital"
    first = body["lessons"][0]
    assert first["title"] == "第1讲" and first["duration_seconds"] == 90
    assert [s["height"] for s in first["sources"]] == [360, 720]
    assert first["sources"][0]["url"] == f"/media/videos/{video.id}/360p.mp4"
    assert first["poster"] == f"/media/videos/{video.id}/poster.jpg" and first["captions"] is None


@pytest.mark.parametrize("status", ["draft", "submitted", "withdrawn"])
def test_unpublished_or_unknown_course_is_a_json_404(client, make_course, status):
    course = make_course(status=status)
    for course_id in (course.id, 999999):
        response = client.get(f"/api/v1/courses/{course_id}")
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"

"""What a person or an integrator sees when something goes wrong."""
import pytest
from flask import abort

from core.http import safe_next


@pytest.fixture
def app_overrides():
    return {"PROPAGATE_EXCEPTIONS": False}


@pytest.fixture
def broken(app):
    @app.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    @app.get("/api/v1/boom")
    def api_boom():
        raise RuntimeError("kaboom")

    @app.get("/forbidden")
    def forbidden():
        abort(403)

    return app


def test_a_crash_shows_a_friendly_chinese_page_and_hides_the_trace(client, broken):
    response = client.get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "服务器出错了" in body and "kaboom" not in body and "Traceback" not in body


def test_a_crash_in_the_api_is_a_json_error(client, broken):
    response = client.get("/api/v1/boom")
    assert response.status_code == 500
    assert response.get_json() == {"error": {"code": "internal_error",
                                             "message": "服务器出错了，我们已记录此问题，请稍后再试。"}}


def test_forbidden_page(client, broken):
    response = client.get("/forbidden")
    assert response.status_code == 403 and "您没有权限访问此页面" in response.get_data(as_text=True)


def test_method_not_allowed_keeps_its_allow_header(client):
    response = client.delete("/api/v1/courses")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_error_pages_speak_english_when_asked(client):
    client.set_cookie("lang", "en")
    # The English catalogue may not be compiled in a bare checkout; the page must still render.
    response = client.get("/no/such/page")
    assert response.status_code == 404 and '<html lang="en">' in response.get_data(as_text=True)


@pytest.mark.parametrize("target,expected", [
    ("/courses/1?x=1", "/courses/1?x=1"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
    ("/ok\r\nSet-Cookie: x=1", "/"),
    ("", "/"),
    (None, "/"),
])
def test_safe_next_only_allows_paths_on_this_site(target, expected):
    assert safe_next(target) == expected


def test_session_cookie_is_httponly_and_samesite_lax(client, make_user, login):
    response = login(make_user())
    cookie = next(value for name, value in response.headers.items()
                  if name == "Set-Cookie" and value.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


TOO_LARGE = "9" * 20  # beyond every id column, on SQLite (2**63 - 1) and PostgreSQL (2**31 - 1) alike


@pytest.mark.parametrize("method, url", [("GET", f"/api/v1/courses/{TOO_LARGE}"),
                                         ("GET", f"/api/v1/videos/{TOO_LARGE}"),
                                         ("PUT", f"/api/v1/studio/courses/1/lessons/{TOO_LARGE}/captions")])
def test_an_api_id_too_large_for_any_row_is_a_json_404(client, sign_in, make_user, make_course, method, url):
    producer = make_user("producer", organisation="知新制作中心")
    make_course(producer=producer)
    sign_in(producer)
    response = client.open(url, method=method)
    assert response.status_code == 404
    assert response.get_json() == {"error": {"code": "not_found", "message": "页面不存在，或已被移除。"}}


def test_a_page_id_too_large_for_any_row_is_the_404_page(client):
    response = client.get(f"/courses/{TOO_LARGE}")
    assert response.status_code == 404 and "页面不存在" in response.get_data(as_text=True)


NESTED = "[" * 5000 + "]" * 5000  # too deep for Python's parser, yet a few kilobytes


def test_json_nested_too_deeply_is_refused_like_any_bad_body(client, sign_in, make_user, make_category):
    make_category()
    sign_in(make_user("producer", organisation="知新制作中心"))
    response = client.post("/api/v1/studio/courses", data=NESTED, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == {"error": {"code": "invalid_json", "message": "请求体应为 JSON 对象。"}}
    assert client.get("/api/v1/studio/courses").get_json()["items"] == []


def test_json_nested_too_deeply_asks_a_certificate_for_nothing(client, sign_in, make_user):
    sign_in(make_user())
    response = client.post("/api/v1/me/certificates", data=NESTED, content_type="application/json")
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "invalid_request"
    assert client.get("/api/v1/me/certificates").get_json()["items"] == []


BAD_REQUEST = {"error": {"code": "bad_request", "message": "请求有误。"}}


@pytest.mark.parametrize("url", ["/api/v1/courses?category=digital%00", "/api/v1/certificates/GX2026%00"])
def test_a_nul_character_in_a_url_is_a_400(client, make_course, url):
    make_course()
    response = client.get(url)
    assert response.status_code == 400 and response.get_json() == BAD_REQUEST


def test_a_nul_character_in_a_json_text_field_changes_nothing(client, sign_in, make_user, make_course):
    producer = make_user("producer", organisation="知新制作中心")
    course = make_course(status="draft", producer=producer)
    sign_in(producer)
    response = client.patch(f"/api/v1/studio/courses/{course.id}", json={"title": "数据\x00安全"})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_json"
    assert client.get(f"/api/v1/studio/courses/{course.id}").get_json()["title"] == "数字经济概论"
    # An escaped backslash before u0000 is the text "\u0000", not a NUL: it is kept.
    kept = client.patch(f"/api/v1/studio/courses/{course.id}", data='{"title": "a\\\\u0000"}',
                        content_type="application/json")
    assert kept.status_code == 200 and kept.get_json()["title"] == "a\\u0000"


def test_a_form_part_with_an_unreadable_name_is_no_server_error(client, make_user):
    """Found by the staff-import fuzz: a multipart part named ``"d\\"`` reached the NUL check
    with no name at all (Werkzeug's None) and the check itself failed with a 500."""
    user = make_user()
    body = (b'--b\r\nContent-Disposition: form-data; name="d\\"\r\n\r\n{"x": 1}\r\n'
            b'--b\r\nContent-Disposition: form-data; name="identifier"\r\n\r\n' + user.phone.encode()
            + b'\r\n--b--\r\n')
    response = client.post("/login", data=body, content_type="multipart/form-data; boundary=b")
    assert response.status_code < 500
    assert client.get("/me").status_code in (302, 303)  # not signed in: nothing changed


def test_a_nul_character_in_a_form_is_the_400_page(client, make_user):
    user = make_user()
    response = client.post("/login", data={"identifier": user.phone + "\x00", "password": "x"})
    assert response.status_code == 400 and "请求有误" in response.get_data(as_text=True)

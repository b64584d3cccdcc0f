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

"""The live server as a browser meets it: real headers, real CSRF refusal."""
import pytest

pytestmark = pytest.mark.e2e


def test_home_page_is_served_with_its_security_headers(page):
    response = page.goto("/")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"


def test_a_post_without_csrf_token_is_refused_in_chinese(page, live_server):
    response = page.request.post(live_server.url("/logout"), form={"x": "1"},
                                 headers={"Accept": "text/html"})
    assert response.status == 400
    assert "安全令牌" in response.text()

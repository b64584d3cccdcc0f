"""The producer's upload page (/studio/upload): who may open it, what it hands to upload.js."""
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from courses.media.upload import CHUNK_BYTES, chunk_bytes, format_bytes

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "static" / "vendor" / "uppy"


class PageParts(HTMLParser):
    """Collects the page's script tags, style attributes and the dashboard's data- attributes."""

    def __init__(self):
        super().__init__()
        self.scripts, self.styled, self.dashboard = [], [], {}
        self._in_json, self.json_text = False, ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.styled.append(tag)
        if tag == "script":
            self.scripts.append(attrs)
            self._in_json = attrs.get("id") == "upload-strings"
        if attrs.get("id") == "uppy-dashboard":
            self.dashboard = {k[5:]: v for k, v in attrs.items() if k.startswith("data-")}

    def handle_endtag(self, tag):
        self._in_json = False

    def handle_data(self, data):
        if self._in_json:
            self.json_text += data


def parse(html: str) -> PageParts:
    parts = PageParts()
    parts.feed(html)
    return parts


@pytest.mark.parametrize("size, shown", [
    (4 * 1024**3, "4 GB"), (1536 * 1024**2, "1.5 GB"), (300 * 1024**2, "300 MB"), (2048, "2 KB"), (12, "12 B"),
])
def test_sizes_are_shown_in_round_units(size, shown):
    assert format_bytes(size) == shown


def test_chunks_fit_under_the_request_body_limit():
    assert chunk_bytes(None, None) == CHUNK_BYTES
    assert chunk_bytes(256 * 1024, 16 * 1024**2) == 256 * 1024
    assert chunk_bytes(None, 4 * 1024**2) < 4 * 1024**2


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/studio/upload")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["trainee", "reviewer", "bureau"])
def test_only_producers_may_upload(client, make_user, login, role):
    login(make_user(role))
    assert client.get("/studio/upload").status_code == 403


def test_producer_gets_the_dashboard_with_its_settings(app, client, make_user, login):
    login(make_user("producer", organisation="知新制作中心"))
    response = client.get("/studio/upload")
    assert response.status_code == 200
    page = parse(response.get_data(as_text=True))
    assert page.dashboard["endpoint"] == "/api/v1/uploads"
    assert int(page.dashboard["max-bytes"]) == app.config["MAX_UPLOAD_BYTES"]
    assert 0 < int(page.dashboard["chunk-bytes"]) < app.config["MAX_CONTENT_LENGTH"]
    assert ".mkv" in page.dashboard["extensions"].split(",")
    assert page.dashboard["uppy-locale"] == "zh_CN"
    strings = json.loads(page.json_text)
    assert strings["note"].endswith("单个文件不超过 4 GB。")
    assert strings["failed"] == "处理失败"
    assert "{files}" in strings["unfinished"]  # upload.js puts the file names there


def test_the_page_has_no_inline_script_or_style(client, make_user, login):
    login(make_user("producer", organisation="知新制作中心"))
    page = parse(client.get("/studio/upload").get_data(as_text=True))
    assert page.styled == []
    sources = [s["src"] for s in page.scripts if "src" in s]
    assert sources[-2:] == ["/static/vendor/uppy/uppy.min.js", "/static/js/upload.js"]
    assert all(s.get("type") == "application/json" for s in page.scripts if "src" not in s)


def test_english_visitors_get_uppy_in_english(client, make_user, login):
    login(make_user("producer", organisation="知新制作中心"))
    client.set_cookie("lang", "en")
    page = parse(client.get("/studio/upload").get_data(as_text=True))
    assert page.dashboard["uppy-locale"] == ""


def test_vendored_uppy_is_served_with_its_versions_and_licences(client):
    for name in ("uppy.min.js", "uppy.min.css"):
        response = client.get(f"/static/vendor/uppy/{name}")
        assert response.status_code == 200 and len(response.data) > 10_000
        response.close()
    versions = json.loads((VENDOR / "VERSIONS.json").read_text())
    for package in ("@uppy/core", "@uppy/dashboard", "@uppy/tus", "@uppy/locales"):
        assert versions[package]["license"] == "MIT"
    licences = (VENDOR / "LICENSES.txt").read_text()
    assert all(re.search(rf"^{re.escape(name)}@{re.escape(v['version'])} — ", licences, re.M)
               for name, v in versions.items())

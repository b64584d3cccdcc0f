"""The English UI: with the ``lang=en`` cookie, every word the app itself shows is English.

Han characters may appear only in data (course titles, people's names, what was typed),
in the "中文" switch back to Chinese (marked ``lang="zh-CN"``) and in the logotype.
"""
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import abort
from flask_wtf.csrf import CSRFError

from tests.conftest import PASSWORD, make_id_number

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdf]")
# Attributes whose text a person sees or hears (screen readers read aria-label and alt).
SHOWN_ATTRIBUTES = ("title", "alt", "placeholder", "aria-label", "label", "data-label")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@pytest.fixture(scope="module", autouse=True)
def english_catalogue():
    """``make test`` compiles the catalogues first; a bare ``pytest`` run may find none or a stale one."""
    if not MO.exists() or MO.stat().st_mtime < PO.stat().st_mtime:
        with PO.open("rb") as source:
            catalog = read_po(source, locale="en")
        partial = MO.with_name(f".messages.{os.getpid()}.mo")
        with partial.open("wb") as target:
            write_mo(target, catalog)
        partial.replace(MO)  # atomic: a parallel run never reads half a file


@pytest.fixture
def en(client):
    client.set_cookie("lang", "en")
    return client


class _ShownText(HTMLParser):
    """Collect the text a visitor sees, leaving out scripts and deliberately Chinese elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping: list[str] = []  # open tags inside a skipped element

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self._skipping:
            if tag not in VOID:
                self._skipping.append(tag)
            return
        chinese_on_purpose = (attributes.get("lang") or "").startswith("zh") and tag != "html"
        logotype = "brand-mark" in (attributes.get("class") or "").split()  # the brand's own script
        if chinese_on_purpose or logotype or tag in ("script", "style"):
            if tag not in VOID:
                self._skipping.append(tag)
            return
        self.parts.extend(attributes[name] for name in SHOWN_ATTRIBUTES if attributes.get(name))
        if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
            self.parts.append(attributes["value"])

    def handle_endtag(self, tag):
        if self._skipping and tag not in VOID:
            self._skipping.pop()

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.parts.append(data.strip())


def shown_text(html: str) -> str:
    parser = _ShownText()
    parser.feed(html)
    parser.close()
    return "\n".join(parser.parts)


def assert_english(response, *data: str) -> str:
    """The page's shown text, after checking it has no Han characters once ``data`` is removed."""
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html
    text = shown_text(html)
    for value in data:
        assert value in text, f"expected data {value!r} on the page"
        text = text.replace(value, "")
    leftovers = sorted({line for line in text.splitlines() if HAN.search(line)})
    assert not leftovers, f"untranslated text: {leftovers}"
    return text


def test_the_catalogue_is_complete_and_keeps_every_placeholder():
    with PO.open("rb") as source:
        catalog = read_po(source, locale="en")
    messages = [m for m in catalog if m.id]
    assert len(messages) > 100
    for message in messages:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert "fuzzy" not in message.flags, message.id
        assert all(strings), f"untranslated: {message.id!r}"
        assert not any(HAN.search(s) for s in strings), f"Chinese left in: {strings!r}"
        for string in strings:
            assert sorted(PLACEHOLDER.findall(string)) == sorted(PLACEHOLDER.findall(ids[0])), message.id


def _msgids(path: Path, translated: bool = False) -> set[str]:
    with path.open("rb") as source:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(source)
                if m.id and (m.string or not translated)}


def test_every_string_in_the_code_is_in_the_english_catalogue(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg",
                    "-k", "lazy_gettext", "-k", "_l", "-o", str(pot), "."],
                   cwd=ROOT, check=True, timeout=120, capture_output=True)
    missing = sorted(_msgids(pot) - _msgids(PO, translated=True))
    assert not missing, f"run bin/i18n update and translate: {missing}"


def test_home_page_is_english_apart_from_course_data(en, make_course):
    make_course(title="数字经济概论", instructor="李老师")
    text = assert_english(en.get("/"), "数字经济概论", "李老师")
    for words in ("Courses", "Sign in", "Register", "Key areas", "Themes", "Latest courses",
                  "Digital technology", "Teamwork", "credit hours", "Register to start learning"):
        assert words in text


def test_the_language_switch_offers_chinese_in_chinese(en):
    html = en.get("/login").get_data(as_text=True)
    assert re.search(r'<a href="/lang/zh\?next=[^"]*"[^>]*lang="zh-CN"[^>]*>中文</a>', html)
    assert ">English</a>" not in html


def test_login_page_and_its_errors_are_english(en, make_user):
    text = assert_english(en.get("/login"))
    for words in ("Sign in", "ID number or mobile number", "Password", "No account yet?", "Register for free"):
        assert words in text
    text = assert_english(en.post("/login", data={"identifier": "", "password": ""}))
    assert "Enter your ID number or mobile number." in text and "Enter your password." in text
    user = make_user()
    text = assert_english(en.post("/login", data={"identifier": user.phone, "password": "wrong-password"}))
    assert "Incorrect ID number, mobile number or password." in text


def test_register_page_is_english(en):
    text = assert_english(en.get("/register"))
    for words in ("Trainee registration", "Full legal name", "ID number", "Mobile number", "Employer",
                  "Professional title (optional)", "Region (optional)", "Confirm password"):
        assert words in text


def _registration(**changes) -> dict:
    form = {"real_name": "王小明", "id_number": make_id_number(), "phone": "13912345678",
            "employer": "杭州市第一人民医院", "region_code": "", "title": "", "password": PASSWORD,
            "confirm": PASSWORD}
    form.update(changes)
    return form


def test_a_wrong_check_digit_is_refused_in_english(en):
    good = make_id_number()
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    response = en.post("/register", data=_registration(id_number=wrong))
    assert response.status_code == 200
    text = assert_english(response)
    assert "The ID number's check digit is wrong. Check the number and enter it again." in text
    assert "Correct the fields marked in red." in text


def test_every_registration_error_is_english(en):
    bad = {"real_name": "Wang", "id_number": "123", "phone": "12345", "employer": "",
           "region_code": "99", "password": "short", "confirm": "other"}
    text = assert_english(en.post("/register", data=bad))
    for message in ("Enter your name in Chinese characters", "ID number must be 18 characters long.",
                    "Enter an 11-digit mainland China mobile number starting with 1.", "Enter your employer.",
                    "Region code must be 6 digits", "Password must be at least 8 characters long."):
        assert message in text


@pytest.mark.parametrize("id_number, message", [
    ("11010519850301123", "ID number must be 18 characters long."),
    ("11010519850301123Y", "The first 17 characters of the ID number must be digits"),
    ("990105198503011234", "The first six digits of the ID number are not a valid region code."),
    ("110105198502301234", "The date of birth in the ID number is not a real date."),
    ("110105189903011234", "The date of birth in the ID number is not plausible."),
])
def test_id_number_problems_are_explained_in_english(en, id_number, message):
    text = assert_english(en.post("/register", data=_registration(id_number=id_number)))
    assert message in text


def test_a_taken_id_number_is_refused_in_english(en, make_user):
    taken = make_user()
    text = assert_english(en.post("/register", data=_registration(id_number=taken.id_number)))
    assert "This ID number is already registered." in text


def test_flash_messages_and_the_signed_in_header_are_english(en):
    response = en.post("/register", data=_registration(), follow_redirects=True)
    text = assert_english(response, "王小明")
    assert "Registration complete. Welcome, 王小明." in shown_text(response.get_data(as_text=True))
    assert "Sign out" in text
    text = assert_english(en.post("/logout", follow_redirects=True))
    assert "You have signed out." in text


def test_a_missing_page_is_english(en):
    response = en.get("/no-such-page")
    assert response.status_code == 404
    text = assert_english(response)
    assert "Page not found." in text and "Go to the home page" in text


def test_api_errors_are_english(en):
    response = en.get("/api/v1/courses/999999")
    assert response.status_code == 404
    assert response.get_json()["error"]["message"] == "This course does not exist or has not been published."
    response = en.get("/api/v1/me")
    assert response.status_code == 401
    assert response.get_json()["error"]["message"] == "Sign in, or provide a valid API token."


@pytest.fixture
def failing(app):
    @app.get("/fail/<int:status>")
    def fail(status):
        abort(status)

    @app.post("/fail/csrf")
    def fail_csrf():
        raise CSRFError()

    return app


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 409, 413, 416, 429, 500])
def test_every_error_page_is_english(en, failing, status):
    response = en.get(f"/fail/{status}")
    assert response.status_code == status
    assert_english(response)


def test_an_expired_form_is_explained_in_english(en, failing):
    response = en.post("/fail/csrf")
    assert response.status_code == 400
    assert "Refresh the page and try again." in assert_english(response)


def test_a_forbidden_page_is_english(en, make_user, login):
    trainee = make_user("trainee")
    login(trainee)
    response = en.get("/admin/users")
    assert response.status_code == 403
    assert "You do not have permission to view this page." in assert_english(response, trainee.real_name)


def test_without_the_cookie_the_ui_stays_chinese(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html and "身份证号或手机号" in html and "English" in html

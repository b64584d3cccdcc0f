"""Every page, as the role that sees it, at a desktop's width (1366 px) and a phone's (390 px),
in Chinese and in English: nothing sticks out sideways.

The pages and their world are tests/pages.py's (the list the English-pages test checks against
the app's routes). A page passes when the document is no wider than the window and no element
reaches past the window's right edge unless it sits in a box that scrolls on purpose (a table
wrapper with ``overflow-x: auto``). Every page leaves a screenshot in artifacts/e2e/, named
``<endpoint>[-n]-<width>-<lang>``.
"""
from urllib.parse import unquote

import pytest
from playwright.sync_api import expect

from tests import pages as every_page
from tests.conftest import PASSWORD
from tests.e2e.conftest import checked_page
from tests.pages import UNKNOWN_NUMBER, pages

pytestmark = pytest.mark.e2e

WIDTHS = (1366, 390)
LANGUAGES = ("zh", "en")
world = every_page.world  # the fixture: tests/pages.py
# The widest element past the window's right edge that no scrolling box (overflow-x other than
# visible, below <body>) holds, named by a short selector; and the document's own width.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const held = el => {
    for (let box = el.parentElement; box && box !== document.body; box = box.parentElement)
      if (getComputedStyle(box).overflowX !== 'visible') return true;
    return false;
  };
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].map(c => '.' + c).join('');
  const path = el => [el, el.parentElement, el.parentElement && el.parentElement.parentElement]
    .filter(e => e && e !== document.body).map(name).reverse().join(' > ');
  const off = [...document.body.querySelectorAll('*')]
    .filter(el => el.getClientRects().length > 0)
    .map(el => ({el, right: el.getBoundingClientRect().right}))
    .filter(({el, right}) => right > width + 0.5 && !held(el))
    .sort((a, b) => b.right - a.right);
  return {width, scrollWidth: document.documentElement.scrollWidth,
          widest: off.length ? `${path(off[0].el)} (right edge at ${Math.round(off[0].right)} px)` : null};
}"""


@pytest.fixture
def app(live_server):
    """The live server's app, so that tests/pages.py's world is made in the database it serves."""
    with live_server.app.app_context():
        yield live_server.app


def visits(w) -> list[tuple[str | None, str, str]]:
    """(role, address, screenshot name) of every page, each endpoint's addresses numbered."""
    found = []
    for endpoint, shown in pages(w).items():
        for n, (role, address) in enumerate(shown, start=1):
            found.append((role, address, endpoint if len(shown) == 1 else f"{endpoint}-{n}"))
    return found


def sign_in(page, user) -> None:
    """The login form, filled by its fields' names (its labels are in the page's language)."""
    page.goto("/login")
    page.fill("input[name=identifier]", user.phone)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    expect(page.get_by_role("banner").get_by_role("link", name=user.real_name)).to_be_visible()


def sweep(page, role_visits, lang: str, screenshot) -> list[str]:
    """Each address at each width: its overflow, if any; a screenshot of each."""
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for address, name in role_visits:
            response = page.goto(address)
            expected = 404 if address.endswith(UNKNOWN_NUMBER) else 200
            if response.status != expected or not unquote(page.url).endswith(address):
                problems.append(f"{address} answered {response.status} at {page.url}")
            seen = page.evaluate(OVERFLOW)
            if seen["scrollWidth"] > width or seen["widest"]:
                problems.append(f"{address} at {width} px ({lang}): the page is {seen['scrollWidth']} px wide;"
                                f" widest: {seen['widest']}")
            screenshot(page, f"{name}-{width}-{lang}")
    return problems


def test_no_page_overflows_at_desktop_or_phone_width_in_either_language(browser, live_server, world, request,
                                                                        screenshot):
    roles: dict[str | None, list[tuple[str, str]]] = {}
    for role, address, name in visits(world):
        roles.setdefault(role, []).append((address, name))
    problems = []
    for lang in LANGUAGES:
        for role, role_visits in roles.items():
            context = browser.new_context(base_url=live_server.base_url, locale="zh-CN",
                                          viewport={"width": WIDTHS[0], "height": 900})
            context.add_cookies([{"name": "lang", "value": lang, "url": live_server.base_url}])
            with checked_page(context, request, screenshot) as page:
                if role:
                    sign_in(page, world[role])
                problems += sweep(page, role_visits, lang, screenshot)
    assert not problems, "\n".join(problems)


# Lists with nothing in them, as their role sees them on a new site: each says what to do next
# (or where its items will come from), in a ``.empty`` line.
EMPTY_STATES = [
    (None, "/", "课程经审核发布后会显示在这里"),
    (None, "/categories/digital", "看看其他类别的课程"),
    (None, "/courses", "课程经审核发布后会显示在这里"),
    ("trainee", "/me/learning", "去选课"),
    ("trainee", "/me/centre", "选一门课程开始学习"),
    ("trainee", "/me/certificates", "学完一门课程的全部讲次后，即可在此开具"),
    ("producer", "/studio/", "先上传视频，再新建课程并逐讲添加"),
    ("producer", "/studio/videos", "上传视频"),
    ("reviewer", "/review/", "制作方提交审核的课程会出现在这里"),
    ("bureau", "/bureau/records?person=无此人", "请放宽或清除筛选条件后再查询"),
    ("admin", "/admin/users?q=无此人", "请放宽或清除筛选条件后再查询"),
    ("admin", "/admin/tokens", "用上方的表单为对接的系统生成第一个令牌"),
]


def test_empty_lists_say_what_to_do_next_on_a_phone(browser, live_server, make_user, request, screenshot):
    people = {"trainee": make_user(real_name="王小明"),
              "producer": make_user("producer", real_name="周明远", organisation="知新制作中心"),
              "reviewer": make_user("reviewer", real_name="孙静怡"),
              "bureau": make_user("bureau", real_name="浙江人社", region_code="330000"),
              "admin": make_user("admin", real_name="吴志强")}
    problems = []
    for role in dict.fromkeys(role for role, _, _ in EMPTY_STATES):
        context = browser.new_context(base_url=live_server.base_url, locale="zh-CN",
                                      viewport={"width": WIDTHS[1], "height": 900})
        with checked_page(context, request, screenshot) as page:
            if role:
                sign_in(page, people[role])
            for address, hint in [(address, hint) for who, address, hint in EMPTY_STATES if who == role]:
                page.goto(address)
                empty = page.locator("main .empty")
                text = empty.first.inner_text() if empty.count() else "(no .empty line)"
                if hint not in text:
                    problems.append(f"{address}: {text!r} does not say {hint!r}")
                seen = page.evaluate(OVERFLOW)
                if seen["scrollWidth"] > WIDTHS[1] or seen["widest"]:
                    problems.append(f"{address} overflows: {seen['widest']}")
                screenshot(page, f"empty-{address}-{WIDTHS[1]}-zh")
    assert not problems, "\n".join(problems)

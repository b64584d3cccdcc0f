"""Journey 3 (issue 7): a bureau officer checks the 学时 of their city and catches a cheat.

In one browser, one person after another: an honest trainee of Hangzhou watches a short
course to the end and is credited; a second trainee signs in and runs a script in the page
that forges heartbeats (a 45-minute lesson claimed in one go, then a segment beyond the
video), and the server clips and refuses them. Then a Hangzhou city officer filters the
学时记录, downloads the CSV and the Excel file through the page's buttons and finds in
them exactly the rows the page showed, sees the dashboard's charts drawn, and finds the
scripted trainee — and no honest one — on the integrity page, down to their record.

Other trainees' credits are written directly (tests/bureau/stats_world.py): one more in
the filtered district, one in another Hangzhou district, one in Shenzhen (outside scope).
"""
import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from accounts.idnumber import mask_id_number
from accounts.models import User
from core.db import utcnow
from core.extensions import db
from courses.categories import ensure_categories
from courses.models import Course, Lesson, Video
from courses.rules import credit_tenths
from learning.rules import credit_year
from tests.bureau.stats_world import china, credit
from tests.conftest import _FAST_HASH, make_id_number
from tests.e2e.conftest import add_trainee, ready_video, sign_in
from tests.e2e.test_dashboard import CHARTS, WATCH_CSP
from tests.e2e.test_watch_journey import watch_to_the_end

pytestmark = pytest.mark.e2e

CHEAT = """async lesson => {
  const token = document.querySelector('meta[name="csrf-token"]').content;
  const post = (url, body, watch = '') => fetch(url, {method: 'POST', credentials: 'same-origin',
    body: JSON.stringify(body), headers: {'Content-Type': 'application/json', Accept: 'application/json',
                                          'X-CSRFToken': token, 'X-Watch-Token': watch}});
  const answer = async response => ({status: response.status, body: await response.json()});
  const opened = await answer(await post(`/api/v1/lessons/${lesson}/sessions`, {}));
  const beats = `/api/v1/sessions/${opened.body.id}/heartbeats`;
  const whole = opened.body.duration_seconds;
  const watch = opened.body.watch_token;
  const forged = await answer(await post(beats, {seq: 1, segments: [[0, whole]], position: whole, rate: 1}, watch));
  const beyond = await answer(await post(beats, {seq: 2, segments: [[0, whole * 100]], position: whole}, watch));
  return {opened, forged, beyond};
}"""
CHEAT_KINDS = {"单次心跳上报的播放时长过多", "播放快于真实时间", "心跳数据无效"}
SHOWN_CELLS = """rows => rows.map(row => [...row.cells].map(cell => cell.innerText.trim()))"""


@pytest.fixture
def live_overrides():
    return {"HEARTBEAT_SECONDS": 2, "CREDIT_MINUTES_PER_HOUR": 0.1}


def person(name: str, phone: str, region: str, employer: str, role: str = "trainee") -> User:
    """A user who signs in with tests.conftest.PASSWORD (added to the session, not committed)."""
    user = User(role=role, real_name=name, id_number=make_id_number(region), phone=phone, employer=employer,
                region_code=region, password_hash=_FAST_HASH)
    db.session.add(user)
    return user


@pytest.fixture
def city(live_server, lecture_clip) -> dict:
    """Two published courses, a Hangzhou city officer, trainees with credits, and a would-be cheat."""
    app = live_server.app
    year = credit_year(utcnow())
    watcher = add_trainee(app)  # 王学习 of 西湖区, who watches in the browser
    with app.app_context():
        categories = ensure_categories()
        producer = person("李华", "13700000031", "110105", "知新制作中心", role="producer")
        digital = Course(title="数字经济概论", instructor="李老师", category=categories["digital"], producer=producer,
                         status="published", catalogue_year=year)
        digital.lessons.append(Lesson(position=1, title="数据要素与数字化转型",
                                      video=ready_video(producer, lecture_clip)))
        digital.credit_tenths = credit_tenths(digital.lessons[0].duration_seconds,
                                              app.config["CREDIT_MINUTES_PER_HOUR"])
        security = Course(title="网络安全法", category=categories["cybersecurity"], producer=producer,
                          status="published", catalogue_year=year, credit_tenths=20)
        security.lessons.append(Lesson(position=1, title="第1讲", video=Video(
            owner=producer, status="ready", duration_seconds=2700.0, width=640, height=360)))
        officer = person("杭州人社", "13700000032", "330100", "杭州市人力社保局", role="bureau")
        diligent = person("孙勤奋", "13900000022", "330106", "西湖区人民医院")
        uptown = person("陈诚实", "13900000023", "330102", "上城区教育局")
        shenzhen = person("刘深圳", "13900000024", "440305", "南山区人民医院")
        cheat = person("赵作弊", "13900000066", "330106", "西湖区某公司")
        db.session.add_all([digital, security])
        db.session.commit()
        credit(diligent, digital, digital.credit_tenths, china(year, 1, 5, 9, 30))
        credit(diligent, security, 20, china(year, 1, 6, 20, 15))
        credit(uptown, digital, digital.credit_tenths, china(year, 1, 7))
        credit(shenzhen, digital, digital.credit_tenths, china(year, 1, 8))
        watcher_id = db.session.get(User, watcher["id"]).id_number
        return {"year": year, "course": {"id": digital.id, "title": digital.title, "tenths": digital.credit_tenths},
                "cheat_lesson": security.lessons[0].id, "cheat_course": security.id,
                "officer": {"phone": officer.phone, "name": officer.real_name},
                "watcher": watcher, "diligent": {"name": diligent.real_name},
                "cheat": {"phone": cheat.phone, "name": cheat.real_name, "masked": cheat.masked_id_number},
                "ids": {watcher["name"]: watcher_id, diligent.real_name: diligent.id_number},
                "elsewhere": [uptown.real_name, shenzhen.real_name]}


def sign_out(page) -> None:
    page.get_by_role("banner").get_by_role("button", name="退出").click()
    expect(page.get_by_text("您已退出登录。")).to_be_visible()


def watch_honestly(page, city: dict) -> None:
    """The honest trainee watches the one-lesson course to its end and is credited its 学时."""
    sign_in(page, city["watcher"])
    page.goto(f"/courses/{city['course']['id']}")
    page.get_by_role("link", name="开始学习").click()
    watch_to_the_end(page)
    hours = city["course"]["tenths"] / 10
    expect(page.locator("#player-course")).to_have_text(f"课程已完成，已获 {hours} 学时")
    sign_out(page)


def cheat_with_a_script(page, city: dict) -> None:
    """The cheat runs forged heartbeats from the course page; the server clips, then refuses them."""
    sign_in(page, city["cheat"])
    page.goto(f"/courses/{city['cheat_course']}")
    seen = page.evaluate(CHEAT, city["cheat_lesson"])
    assert seen["opened"]["status"] == 201 and seen["opened"]["body"]["duration_seconds"] == 2700.0
    forged = seen["forged"]
    assert forged["status"] == 200
    # One heartbeat may claim two intervals at 1× plus slack (2 × 2 s + 3 s), and the session
    # no more than the seconds since it opened plus slack: far from the 2,700 claimed.
    assert 0 < forged["body"]["credited_seconds"] <= 7
    assert forged["body"]["lesson"]["completed"] is False
    assert forged["body"]["course"] == {"id": city["cheat_course"], "completed": False, "credited_hours": 0.0,
                                         "exam_pending": False}
    assert seen["beyond"]["status"] == 422
    assert seen["beyond"]["body"]["error"] == {"code": "segment_out_of_range", "message": "播放记录超出了视频时长。"}
    sign_out(page)


def shown_rows(page) -> list[list[str]]:
    return page.locator(".table-wrap table tbody tr").evaluate_all(SHOWN_CELLS)


def as_shown(row) -> list[str]:
    """An export row (its header's order) as the records page shows it: ID masked, time to the minute,
    no test score (and so no attempt count) as "—", the checks during study (the last six columns)
    as 通过 passed / asked."""
    (name, id_number, _phone, employer, _code, region, year, course, category, hours, completed, number,
     score, attempts, _passed_at, subject, *_basis_and_unit) = row
    tested = score not in ("", None)
    return [name, mask_id_number(id_number), employer or "—", region, str(year), course, category,
            str(float(hours)), completed[:16], number or "—", str(score) if tested else "—",
            str(attempts) if tested else "—", subject, checks_shown(row[-6:])]


def checks_shown(figures) -> str:
    asked, passed, failed, missed, accepted, rejected = (int(n) if n not in ("", None) else None for n in figures)
    if asked is None:
        return "—"
    lines = [f"通过 {passed} / {asked}"]
    if failed or missed:
        lines.append(f"未通过 {failed} · 超时 {missed}")
    if accepted or rejected:
        lines.append(f"人脸人工核验：通过 {accepted} · 不通过 {rejected}")
    return "\n".join(lines)


def download(page, button: str, tmp_path: Path, extension: str) -> Path:
    with page.expect_download() as info:
        page.get_by_role("link", name=button).click()
    got = info.value
    assert re.fullmatch(rf"学时记录_\d{{8}}\.{extension}", got.suggested_filename)
    path = tmp_path / got.suggested_filename
    got.save_as(path)
    return path


def read_csv(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith("\ufeff".encode())  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def read_xlsx(path: Path) -> list[tuple]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        assert book.sheetnames == ["学时记录"]
        return [row for row in book["学时记录"].iter_rows(values_only=True)]
    finally:
        book.close()


def filter_records(page, city: dict, screenshot) -> list[list[str]]:
    """The city's records, then 西湖区 + 数字技术 of this year: the rows the page shows."""
    page.get_by_role("navigation", name="人社部门").get_by_role("link", name="学时记录").click()
    expect(page.get_by_role("heading", name="学时记录", exact=True)).to_be_visible()
    tenths = city["course"]["tenths"]
    everyone = f"共 4 条记录 · 合计 {(3 * tenths + 20) / 10} 学时"  # all Hangzhou; Shenzhen is not
    expect(page.locator(".records-totals")).to_contain_text(everyone)
    page.get_by_label("年度").fill(str(city["year"]))
    page.get_by_label("区县", exact=True).select_option(label="西湖区")  # 浙江省 › 杭州市 are the officer's own
    page.get_by_label("类别").select_option(label="数字技术")
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".records-totals")).to_contain_text(f"共 2 条记录 · 合计 {2 * tenths / 10} 学时")
    shown = shown_rows(page)
    screenshot(page, "records-filtered")
    assert sorted(row[0] for row in shown) == sorted(city["ids"])
    for row in shown:
        assert row[1] == mask_id_number(city["ids"][row[0]])
        assert row[3:8] == ["浙江省杭州市西湖区（330106）", str(city["year"]), city["course"]["title"], "数字技术",
                            str(tenths / 10)]
    page_text = page.get_by_role("main").inner_text()
    assert not any(name in page_text for name in city["elsewhere"])
    return shown


def exports_match(page, city: dict, shown: list[list[str]], tmp_path: Path) -> None:
    """The page's CSV and Excel buttons give the rows shown, with the full ID numbers."""
    header, *rows = read_csv(download(page, "导出 CSV", tmp_path, "csv"))
    assert header[:2] == ["姓名", "身份证号"] and header[9] == "学时"
    assert sorted(row[:2] for row in rows) == sorted([name, number] for name, number in city["ids"].items())
    assert sorted(as_shown(row) for row in rows) == sorted(shown)
    header_x, *rows_x = read_xlsx(download(page, "导出 Excel", tmp_path, "xlsx"))
    assert list(header_x) == header
    hours = city["course"]["tenths"] / 10
    assert all(row[6] == city["year"] and row[9] == hours for row in rows_x)  # numbers, not text
    assert sorted(as_shown(row) for row in rows_x) == sorted(shown)


def find_by_name(page, city: dict) -> None:
    """Cleared filters, then a trainee looked up by name: both of their courses."""
    page.get_by_role("link", name="清除").click()
    expect(page.get_by_label("区县", exact=True)).to_have_value("")
    page.get_by_label("身份证号或姓名（精确）").fill(city["diligent"]["name"])
    page.get_by_role("button", name="查询").click()
    total = (city["course"]["tenths"] + 20) / 10
    expect(page.locator(".records-totals")).to_contain_text(f"共 2 条记录 · 合计 {total} 学时")
    assert sorted(row[5] for row in shown_rows(page)) == sorted([city["course"]["title"], "网络安全法"])


def dashboard_draws(page, city: dict, screenshot) -> None:
    """The charts are drawn (canvases of real size) and count the scope's credits only."""
    page.get_by_role("navigation", name="人社部门").get_by_role("link", name="统计").click()
    for chart in CHARTS:
        expect(page.locator(f"#{chart}[data-chart-ready] canvas")).to_have_count(1)
        assert page.locator(f"#{chart} canvas").evaluate("c => c.width > 100 && c.height > 100")
    digital = 3 * city["course"]["tenths"] / 10  # 西湖区 twice and 上城区; not Shenzhen
    expect(page.locator("#table-category tbody tr[data-code=digital] td.num")).to_have_text(str(digital))
    expect(page.locator("#table-category tbody tr[data-code=cybersecurity] td.num")).to_have_text("2.0")
    screenshot(page, "dashboard")


def integrity_finds_the_cheat(page, city: dict, screenshot) -> None:
    """The cheat, and no one else, under 心跳被截减或拒绝; their events and record one click away."""
    page.get_by_role("navigation", name="人社部门").get_by_role("link", name="诚信监测").click()
    clipped = page.locator("#signal-clipped")
    expect(clipped.locator("tr[data-user]")).to_have_count(1)
    expect(clipped.locator("tr[data-user] td.primary")).to_have_text(re.compile(
        rf"^\s*{city['cheat']['name']}\s+{re.escape(city['cheat']['masked'])}\s*$"))
    for panel in ("two_screens", "long_days", "shared_ip"):
        expect(page.locator(f"#signal-{panel} .empty")).to_have_text("本年度未发现。")
    main_text = page.get_by_role("main").inner_text()
    assert not any(name in main_text for name in (*city["ids"], *city["elsewhere"]))
    screenshot(page, "integrity")

    clipped.get_by_role("link", name="查看事件").click()
    events = page.locator("table.event-table tbody tr")
    expect(events).to_have_count(3)
    kinds = {cells[2] for cells in events.evaluate_all(SHOWN_CELLS)}
    assert kinds == CHEAT_KINDS
    expect(events.filter(has_text="播放快于真实时间").locator("td").nth(4)).to_have_text("2700.0")

    page.locator("table.event-table").get_by_role("link", name=city["cheat"]["name"]).first.click()
    expect(page.get_by_role("heading", name=f"{city['cheat']['name']} 的学习档案")).to_be_visible()
    expect(page.locator("#h-credits + p.empty")).to_have_text("尚未获得学时。")
    counts = page.locator(".event-counts li").all_inner_texts()
    assert {text.split("：")[0] for text in counts} == CHEAT_KINDS
    screenshot(page, "cheat-record")


def test_an_officer_checks_the_records_and_catches_a_scripted_cheat(page, city, tmp_path, screenshot):
    page.add_init_script(WATCH_CSP)
    watch_honestly(page, city)
    cheat_with_a_script(page, city)

    sign_in(page, city["officer"])
    page.get_by_role("banner").get_by_role("link", name="人社统计").click()
    shown = filter_records(page, city, screenshot)
    exports_match(page, city, shown, tmp_path)
    find_by_name(page, city)
    dashboard_draws(page, city, screenshot)
    integrity_finds_the_cheat(page, city, screenshot)
    assert page.evaluate("window.__cspViolations") == []

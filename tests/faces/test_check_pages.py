"""随堂检查 figures per unit (issue 19): the bureau's /bureau/integrity/checks and the unit
administrator's /unit/checks — figures from the checks and captures built here, scope, the
audited clear form (CSRF) and the credit it lets through."""
import re

import pytest
from sqlalchemy import event, select

from accounts.models import AuditLog
from core.extensions import db
from learning.models import CheckClearance, CreditRecord
from notices.models import Notice
from tests.bureau.stats_world import china
from tests.learning.check_world import add_capture, add_check, add_misses, store_example_rules
from tests.learning.exam_world import complete_lessons

YEAR = 2025
PAGE = f"/bureau/integrity/checks?year={YEAR}"
UNIT_PAGE = f"/unit/checks/?year={YEAR}"


@pytest.fixture
def world(make_user, make_course, make_unit, link_to_unit):
    store_example_rules()  # Guangdong: two misses allowed
    course = make_course(title="网络安全意识", lessons=2, lesson_seconds=600)
    first, second = course.lessons
    hospital, school = make_unit(name="南山医院"), make_unit(name="南山学校")
    elsewhere_unit = make_unit(name="福田医院", region_code="440304")
    people = {name: make_user(real_name=name, region_code=region) for name, region in
              (("王一", "440305"), ("王二", "440305"), ("李三", "440305"), ("赵外", "440304"))}
    for name, unit in (("王一", hospital), ("王二", hospital), ("李三", school), ("赵外", elsewhere_unit)):
        link_to_unit(people[name], unit)
    admin = make_user("unit_admin", real_name="医院管理员", region_code="440305", unit_id=hospital.id)
    day = china(YEAR, 5, 1, 9)
    add_misses(people["王一"], first, 3, day)  # slots 0-2 missed
    add_check(people["王一"], second, "failed", day, slot=3)
    add_check(people["王一"], second, "passed", day, slot=4)
    add_check(people["王一"], second, "waiting", day, slot=5)  # not asked yet: not counted
    add_check(people["王二"], first, "failed", day, slot=0)
    add_check(people["王二"], first, "passed", day, slot=1)
    add_check(people["李三"], first, "passed", day, slot=0)
    add_misses(people["赵外"], first, 5, day)
    add_check(people["王一"], first, "missed", china(YEAR - 1, 5, 1), slot=9)  # another year
    add_capture(people["王一"], hospital, "failed", day)
    add_capture(people["王一"], hospital, "pending", day)
    accepted = add_capture(people["王二"], hospital, "accepted", day, reviewer=admin, note="光线太暗，确系本人")
    add_capture(people["王二"], hospital, "rejected", day, reviewer=admin, note="不是本人")
    add_capture(people["赵外"], elsewhere_unit, "rejected", day, reviewer=admin, note="区外的决定")
    officer = make_user("bureau", real_name="南山人社", region_code="440305")
    return {"course": course, "people": people, "hospital": hospital, "school": school, "admin": admin,
            "officer": officer, "accepted": accepted}


def figures(page: str, unit_id) -> dict[str, int]:
    row = re.search(rf'<tr data-unit="{unit_id}">(.*?)</tr>', page, re.S)
    assert row, f"no row for unit {unit_id}"
    return {name: int(value) for name, value in re.findall(r'data-figure="(\w+)">(\d+)<', row.group(1))}


def audit_rows(action):
    return db.session.scalars(select(AuditLog).where(AuditLog.action == action)).all()


def test_the_officer_sees_each_units_figures_from_its_checks_and_captures(client, sign_in, world):
    sign_in(world["officer"])
    assert 'href="/bureau/integrity/checks"' in client.get("/bureau/integrity").get_data(as_text=True)
    page = client.get(PAGE).get_data(as_text=True)
    assert figures(page, world["hospital"].id) == {"asked": 7, "failed": 2, "missed": 3, "pending": 1,
                                                   "accepted": 1, "rejected": 1, "over": 1}
    assert figures(page, world["school"].id) == {"asked": 1, "failed": 0, "missed": 0, "pending": 0,
                                                 "accepted": 0, "rejected": 0, "over": 0}
    assert "福田医院" not in page and "赵外" not in page and "区外的决定" not in page
    held = re.search(r'<section class="panel" id="held-courses".*?</section>', page, re.S).group(0)
    assert "王一" in held and "网络安全意识" in held and "王二" not in held
    assert '<td class="num" data-label="未通过次数">5</td>' in held  # held now: the year before counts too
    assert world["people"]["王一"].id_number not in page  # masked
    decisions = re.search(r'id="decisions".*?</section>', page, re.S).group(0)
    assert "光线太暗，确系本人" in decisions and "医院管理员" in decisions
    assert f'href="/faces/review/{world["accepted"].id}"' in decisions
    assert [row.details["year"] for row in audit_rows("integrity_checks_viewed")] == [YEAR]


def test_another_regions_officer_sees_none_of_it_and_a_region_outside_is_refused(client, sign_in, world,
                                                                                 make_user):
    sign_in(make_user("bureau", region_code="330100"))
    page = client.get(PAGE).get_data(as_text=True)
    assert "南山医院" not in page and "王一" not in page and "光线太暗" not in page
    sign_in(world["officer"])
    assert client.get(PAGE + "&region=440304").status_code == 403


def test_clearing_a_held_course_credits_it_audits_and_tells_the_trainee(client, sign_in, world):
    person, course = world["people"]["王一"], world["course"]
    complete_lessons(person, course)
    sign_in(world["officer"])
    form = {"user_id": person.id, "course_id": course.id, "note": "当面核实，摄像头故障"}
    page = client.post(f"/bureau/integrity/checks/clear?year={YEAR}", data=form,
                       follow_redirects=True).get_data(as_text=True)
    assert "已解除暂缓：王一《网络安全意识》。该课程学时已认定。" in page
    assert db.session.scalar(select(CreditRecord).where(CreditRecord.user_id == person.id)) is not None
    assert [row.details["note"] for row in audit_rows("checks_cleared")] == ["当面核实，摄像头故障"]
    assert db.session.scalar(select(Notice.kind).where(Notice.user_id == person.id)) == "checks_cleared"
    this_year = client.get("/bureau/integrity/checks").get_data(as_text=True)  # decided this year
    decisions = re.search(r'id="decisions".*?</section>', this_year, re.S).group(0)
    assert "当面核实，摄像头故障" in decisions and "南山人社" in decisions


def test_a_clear_without_a_note_or_out_of_scope_changes_nothing(client, sign_in, world, make_user):
    person, course = world["people"]["王一"], world["course"]
    sign_in(world["officer"])
    page = client.post("/bureau/integrity/checks/clear", data={"user_id": person.id, "course_id": course.id,
                                                               "note": " "}, follow_redirects=True)
    assert "请填写审核说明。" in page.get_data(as_text=True)
    outside = world["people"]["赵外"]
    page = client.post("/bureau/integrity/checks/clear", data={"user_id": outside.id, "course_id": course.id,
                                                               "note": "越权"}, follow_redirects=True)
    assert "没有这位学员的待审核课程。" in page.get_data(as_text=True)
    sign_in(make_user("bureau", region_code="330100"))
    client.post("/bureau/integrity/checks/clear", data={"user_id": person.id, "course_id": course.id,
                                                        "note": "越权"})
    assert db.session.scalars(select(CheckClearance)).all() == []
    assert audit_rows("checks_cleared") == []


def test_the_unit_administrator_sees_and_clears_only_their_own_unit(client, sign_in, world, make_user):
    sign_in(world["admin"])
    assert 'href="/unit/checks/"' in client.get("/unit/faces/").get_data(as_text=True)
    page = client.get(UNIT_PAGE).get_data(as_text=True)
    assert figures(page, world["hospital"].id)["asked"] == 7
    assert "南山学校" not in page and "李三" not in page and "赵外" not in page
    assert [row.details["unit_id"] for row in audit_rows("unit_checks_viewed")] == [world["hospital"].id]
    school_admin = make_user("unit_admin", region_code="440305", unit_id=world["school"].id)
    person, course = world["people"]["王一"], world["course"]
    sign_in(school_admin)
    assert "王一" not in client.get(UNIT_PAGE).get_data(as_text=True)
    client.post("/unit/checks/clear", data={"user_id": person.id, "course_id": course.id, "note": "别的单位"})
    assert db.session.scalars(select(CheckClearance)).all() == []
    sign_in(world["admin"])
    page = client.post(f"/unit/checks/clear?year={YEAR}", data={"user_id": person.id, "course_id": course.id,
                                                                "note": "已当面核实"}, follow_redirects=True)
    assert "已解除暂缓：王一《网络安全意识》。" in page.get_data(as_text=True)
    cleared = db.session.scalar(select(CheckClearance))
    assert (cleared.kind, cleared.misses, cleared.cleared_by_id) == ("review", 5, world["admin"].id)


def test_the_page_runs_the_same_queries_however_many_trainees_are_held(client, sign_in, world, make_user,
                                                                       link_to_unit):
    sign_in(world["officer"])
    client.get(PAGE)
    before = count_queries(client, PAGE)
    for n in range(4):
        person = make_user(real_name=f"新人{n}", region_code="440305")
        link_to_unit(person, world["school"])
        add_misses(person, world["course"].lessons[0], 3, china(YEAR, 6, 1))
        add_capture(person, world["school"], "accepted", china(YEAR, 6, 1), reviewer=world["admin"], note="好")
    after = count_queries(client, PAGE)
    assert len(after) == len(before)


def count_queries(client, path: str) -> list:
    statements = []

    def note(*_args):
        statements.append(_args[2])  # the SQL, to tell which one grew

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    return statements


class TestWithCsrf:
    @pytest.fixture
    def app_overrides(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_the_clear_form_needs_its_token(self, client, sign_in, world):
        person, course = world["people"]["王一"], world["course"]
        sign_in(world["officer"])
        form = {"user_id": person.id, "course_id": course.id, "note": "说明"}
        assert client.post("/bureau/integrity/checks/clear", data=form).status_code == 400
        sign_in(world["admin"])
        assert client.post("/unit/checks/clear", data=form).status_code == 400
        assert db.session.scalars(select(CheckClearance)).all() == []

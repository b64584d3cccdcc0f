"""The 学时记录 page: filters, totals, pagination, masked ID numbers, export links, audited look-ups."""
import html
import re
from datetime import UTC, datetime

import pytest

from accounts.models import AuditLog
from accounts.regions import region_name
from bureau import records_views
from core.extensions import db
from tests.bureau.records_helpers import credit


@pytest.fixture
def trainees(make_user, make_course, make_category):
    digital = make_course("数字经济概论", category=make_category("digital"))
    ip = make_course("专利基础", category=make_category("ip"))
    liu = make_user(real_name="刘一", region_code="440305", employer="南山医院")
    guan = make_user(real_name="关二", region_code="440306", employer="宝安中学")
    for day, (person, course, tenths) in enumerate([(liu, digital, 15), (liu, ip, 20), (guan, digital, 15),
                                                     (guan, ip, 10), (guan, digital, -5)], start=1):
        credit(person, course, tenths, at=datetime(2025, 4, day, tzinfo=UTC),
               basis="correction" if tenths < 0 else "completion")
    return liu, guan


def page_text(client, **query) -> str:
    response = client.get("/bureau/records", query_string=query)
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def audit_entries(action: str) -> list[AuditLog]:
    return db.session.scalars(db.select(AuditLog).where(AuditLog.action == action)).all()


def test_the_page_lists_the_scope_with_totals_and_masked_id_numbers(client, officer, trainees):
    liu, guan = trainees
    text = page_text(client)
    assert "共 5 条记录" in text and "合计 5.5 学时" in text
    assert "刘一" in text and "关二" in text and "南山医院" in text and "专利基础" in text and "-0.5" in text
    assert liu.id_number not in text and liu.masked_id_number in text
    assert region_name("440305") in text
    assert audit_entries("records_lookup") == []  # browsing is not a look-up of a person


@pytest.mark.parametrize("query,count,hours", [
    ({"employer": "南山"}, 2, "3.5"),
    ({"category": "ip"}, 2, "3.0"),
    ({"region": "440306"}, 3, "2.0"),
    ({"completed_from": "2025-04-02", "completed_to": "2025-04-03"}, 2, "3.5"),
    ({"year": "2024"}, 0, "0.0"),
])
def test_filters_narrow_the_rows_and_the_totals(client, officer, trainees, query, count, hours):
    text = page_text(client, **query)
    assert f"共 {count} 条记录" in text and f"合计 {hours} 学时" in text


def test_pages_of_rows_keep_the_filters(client, officer, trainees, monkeypatch):
    monkeypatch.setattr(records_views, "PER_PAGE", 2)
    first = page_text(client, employer="")
    assert "第 1 / 3 页" in first and "共 5 条记录" in first
    second = page_text(client, region="440306", page=2)
    assert "第 2 / 2 页" in second
    previous = re.search(r'href="(/bureau/records\?[^"]*)" rel="prev"', second).group(1)
    assert set(previous.split("?")[1].split("&")) == {"page=1", "region=440306"}
    assert len(re.findall(r"<tr[ >]", second)) == 1 + 1  # the header and one row


def test_export_links_carry_the_same_filters(client, officer, trainees):
    text = page_text(client, year="2025", region="440305", category="digital")
    for kind in ("csv", "xlsx"):
        link = re.search(rf'href="(/bureau/exports/records\.{kind}\?[^"]*)"', text).group(1)
        assert set(link.split("?")[1].split("&")) == {"year=2025", "region=440305", "category=digital"}


def test_a_malformed_region_is_a_form_error_and_an_outside_one_is_403(client, officer, trainees):
    text = page_text(client, region="4403")
    assert "地区代码应为6位行政区划代码" in text and "刘一" not in text
    response = client.get("/bureau/records", query_string={"region": "440100"})
    assert response.status_code == 403
    assert "地区 440100 不在您的管辖范围内" in response.get_data(as_text=True)


def test_looking_a_person_up_is_audited_with_the_id_number_masked(client, officer, trainees):
    liu, _guan = trainees
    text = page_text(client, person=liu.id_number)
    assert "共 2 条记录" in text and "关二" not in text
    [entry] = audit_entries("records_lookup")
    assert entry.actor_id == officer.id and entry.target == f"user:{liu.id}"
    assert entry.details["rows"] == 2 and entry.details["trainees"] == [liu.id]
    assert entry.details["filters"]["person"] == liu.masked_id_number
    assert liu.id_number not in str(entry.details)


def test_a_name_look_up_is_audited_too_and_never_reaches_outside_the_scope(client, officer, trainees,
                                                                            make_user, make_course):
    outsider = make_user(real_name="刘一", region_code="440100")
    credit(outsider, make_course("外地课程"))
    text = page_text(client, person="刘一")
    assert "共 2 条记录" in text and "外地课程" not in text
    [entry] = audit_entries("records_lookup")
    assert entry.details["trainees"] == [trainees[0].id] and entry.details["filters"]["person"] == "刘一"

"""Subject types in 学时记录: the docking API, the CSV and XLSX exports and the records page carry
each record's type as it was credited, and ``?type=`` keeps one type; anything else is refused."""
import html
from datetime import timedelta

import pytest
from sqlalchemy import select

from accounts.models import AuditLog
from core.extensions import db
from tests.bureau.records_helpers import AWARDED, credit, read_csv, xlsx_rows

API = "/api/v1/bureau/records"


@pytest.fixture
def world(make_user, make_course):
    """A Nanshan trainee credited under Guangdong's rules with a course of each type; one 公需
    course has since been made a 专业 course, which rewrites nothing already credited."""
    public = make_course("网络安全法", subject_type="gongxu", sector_public=True)
    retyped = make_course("医疗质量管理", subject_type="gongxu")
    professional = make_course("临床诊疗进展", subject_type="zhuanye")
    elective = make_course("摄影入门", subject_type="xuanxiu")
    trainee = make_user(real_name="赵甲", region_code="440305")
    rows = {
        "public": credit(trainee, public, 30, rule_prefix="44", at=AWARDED),
        "retyped": credit(trainee, retyped, 20, rule_prefix="44", at=AWARDED + timedelta(seconds=1)),
        "professional": credit(trainee, professional, 60, rule_prefix="44", at=AWARDED + timedelta(seconds=2)),
        "elective": credit(trainee, elective, 15, rule_prefix="44", at=AWARDED + timedelta(seconds=3)),
    }
    retyped.subject_type = "zhuanye"
    db.session.commit()
    return rows


def by_title(items: list[dict]) -> dict[str, dict]:
    return {item["course_title"]: item for item in items}


def test_the_api_gives_each_record_its_type_as_credited_the_sector_flag_and_the_rule_set(client, officer, world):
    items = by_title(client.get(API).get_json()["items"])
    assert {title: item["subject_type"] for title, item in items.items()} == {
        "网络安全法": "gongxu", "医疗质量管理": "gongxu", "临床诊疗进展": "zhuanye", "摄影入门": "xuanxiu"}
    assert items["网络安全法"]["sector_public"] is True and items["临床诊疗进展"]["sector_public"] is False
    assert {item["rule_prefix"] for item in items.values()} == {"44"}
    assert {item["year"] for item in items.values()} == {2025}


def test_the_api_keeps_one_type_when_asked(client, officer, world):
    items = client.get(API, query_string={"type": "zhuanye"}).get_json()["items"]
    assert [item["course_title"] for item in items] == ["临床诊疗进展"]  # not the course retyped since
    assert len(client.get(API, query_string={"type": "gongxu"}).get_json()["items"]) == 2


def test_the_api_refuses_an_unknown_type(client, officer, world):
    response = client.get(API, query_string={"type": "public"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_type" and "gongxu" in error["message"] and "参数 type" in error["message"]


def test_the_csv_has_the_type_in_chinese_and_filters_by_it(client, officer, world):
    rows = read_csv(client.get("/bureau/exports/records.csv", buffered=True))
    assert sorted(row[15] for row in rows) == ["专业科目", "公需科目", "公需科目", "选修科目"]
    only = read_csv(client.get("/bureau/exports/records.csv", query_string={"type": "xuanxiu"}, buffered=True))
    assert [(row[7], row[15]) for row in only] == [("摄影入门", "选修科目")]


def test_the_type_column_stays_chinese_on_an_english_page(client, officer, world):
    client.set_cookie("lang", "en")
    rows = read_csv(client.get("/bureau/exports/records.csv", query_string={"type": "zhuanye"}, buffered=True))
    assert [row[15] for row in rows] == ["专业科目"]


def test_the_xlsx_has_the_type_and_filters_by_it(client, officer, world):
    rows = xlsx_rows(client.get("/bureau/exports/records.xlsx", query_string={"type": "gongxu"}, buffered=True))
    assert sorted(row[7] for row in rows) == ["医疗质量管理", "网络安全法"]
    assert {row[15] for row in rows} == {"公需科目"}


def test_an_export_of_an_unknown_type_is_refused_and_the_type_is_audited(client, officer, world):
    refused = client.get("/bureau/exports/records.csv", query_string={"type": "other"},
                         headers={"Accept": "application/json"})
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "invalid_filter"
    assert client.get("/bureau/exports/records.csv", query_string={"type": "other"}).status_code == 400
    client.get("/bureau/exports/records.csv", query_string={"type": "zhuanye"}, buffered=True)
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "records_exported")).one()
    assert entry.details["filters"]["type"] == "zhuanye" and entry.details["rows"] == 1


def test_the_records_page_shows_the_type_and_filters_by_it(client, officer, world):
    text = html.unescape(client.get("/bureau/records").get_data(as_text=True))
    assert "科目类型" in text and "选修科目" in text and "行业公需" in text
    page = client.get("/bureau/records", query_string={"type": "xuanxiu"})
    text = html.unescape(page.get_data(as_text=True))
    assert "摄影入门" in text and "临床诊疗进展" not in text and "共 1 条记录" in text
    assert "/bureau/exports/records.csv?type=xuanxiu" in text  # the exports ask for the same records


def test_the_records_page_says_what_is_wrong_with_an_unknown_type(client, officer, world):
    response = client.get("/bureau/records", query_string={"type": "other"})
    text = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and "参数 type 应为 gongxu, zhuanye, xuanxiu 之一。" in text
    assert "摄影入门" not in text


def test_the_records_page_totals_the_shown_records_by_type(client, officer, world):
    text = html.unescape(client.get("/bureau/records").get_data(as_text=True))
    totals = text[text.index('class="meta records-by-type"'):text.index("</p>", text.index("records-by-type"))]
    assert "公需科目 5.0 学时" in totals and "专业科目 6.0 学时" in totals and "选修科目 1.5 学时" in totals
    only = html.unescape(client.get("/bureau/records", query_string={"type": "xuanxiu"}).get_data(as_text=True))
    assert "合计 1.5 学时" in only and "公需科目 5.0 学时" not in only

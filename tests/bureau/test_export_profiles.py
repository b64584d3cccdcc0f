"""Export profiles (issue 21): the 人社 indicator codes (aac002 ID number, aac003 name, …) as field
names of the CSV, the XLSX and the docking API, from the table in docs/export-profiles/hr.csv."""
import csv
import html
import io

import pytest

from accounts.models import AuditLog
from bureau import export_profiles
from bureau.export_profiles import UnknownProfile, apply, header, read_table
from bureau.export_writers import FIELDS, HEADER
from core.extensions import db
from tests.bureau.records_helpers import bearer, credit, read_xlsx, token_for

URL = "/api/v1/bureau/records"
HR = {"id_number": "aac002", "name": "aac003", "phone": "aae005", "region_code": "aab301", "unit.name": "aab004"}


def test_the_hr_profile_is_the_table_in_docs():
    assert export_profiles.PROFILES["hr"] == HR


def test_apply_renames_fields_even_nested_ones_and_keeps_values_and_order():
    item = {"id": 7, "id_number": "44030519900101002X", "name": "赵甲", "hours": 1.5,
            "unit": {"name": "深圳市第一医院", "credit_code": "12440300455755540P"}, "updated_at": "t"}
    assert apply("hr", item) == {"id": 7, "aac002": "44030519900101002X", "aac003": "赵甲", "hours": 1.5,
                                 "unit": {"aab004": "深圳市第一医院", "credit_code": "12440300455755540P"},
                                 "updated_at": "t"}
    assert list(apply("hr", item)) == ["id", "aac002", "aac003", "hours", "unit", "updated_at"]
    assert apply("hr", {**item, "unit": None})["unit"] is None
    assert apply("", item) == item  # the default renames nothing
    with pytest.raises(UnknownProfile):
        apply("hr2", item)


def test_a_file_header_takes_the_codes_and_keeps_the_other_labels():
    named = header("hr", HEADER, FIELDS)
    assert named[:6] == ("aac003", "aac002", "aae005", "工作单位", "aab301", "地区")
    assert named[HEADER.index("工作单位（已确认）")] == "aab004" and named[-1] == HEADER[-1]
    assert header("", HEADER, FIELDS) == HEADER


@pytest.mark.parametrize("text,problem", [
    ("name,code\nname,aac003\n", "first two columns"),
    ("field,code\nname,aac003\nname,aac004\n", "empty or repeated"),
    ("field,code\nname,aac003\nphone,aac003\n", "two fields"),
])
def test_a_table_that_is_no_profile_is_refused(tmp_path, text, problem):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=problem):
        read_table(path)


def test_every_field_of_the_table_is_a_field_of_the_docking_api(client, make_user, make_course, make_unit,
                                                                 link_to_unit):
    """A row of the table that names no field would rename nothing: a typo in docs/ shows here."""
    trainee = make_user(region_code="440305")
    link_to_unit(trainee, make_unit())
    credit(trainee, make_course())
    [item] = client.get(URL, headers=bearer(token_for(make_user("bureau", region_code="440300")))).get_json()["items"]
    paths = {key for key, value in item.items() if not isinstance(value, dict)} | {
        f"{key}.{inner}" for key, value in item.items() if isinstance(value, dict) for inner in value}
    with open(export_profiles.DIRECTORY / "hr.csv", encoding="utf-8", newline="") as handle:
        fields = {row["field"] for row in csv.DictReader(handle)}
    assert fields == paths


@pytest.fixture
def world(make_user, make_course):
    trainee = make_user(real_name="赵甲", region_code="440305")
    record = credit(trainee, make_course("网络安全法解读"))
    return {"trainee": trainee, "record": record, "token": token_for(make_user("bureau", region_code="440300"))}


def test_the_docking_api_speaks_the_profile_asked_for(client, world):
    plain = client.get(URL, headers=bearer(world["token"])).get_json()["items"][0]
    coded = client.get(URL, query_string={"profile": "hr"}, headers=bearer(world["token"])).get_json()["items"][0]
    assert coded["aac002"] == plain["id_number"] == world["trainee"].id_number and coded["aac003"] == "赵甲"
    assert coded["aab301"] == "440305" and "id_number" not in coded and "name" not in coded
    assert coded == {HR.get(key, key): value for key, value in plain.items()}  # only the names change
    entry = db.session.scalars(db.select(AuditLog).where(AuditLog.action == "records_api")
                               .order_by(AuditLog.id.desc())).first()
    assert entry.details["profile"] == "hr"


def test_the_csv_and_the_xlsx_name_their_columns_by_the_profile(client, world):
    headers = bearer(world["token"])
    body = client.get("/bureau/exports/records.csv", query_string={"profile": "hr"}, headers=headers,
                      buffered=True).get_data().decode("utf-8-sig")
    [names, row] = list(csv.reader(io.StringIO(body, newline="")))
    assert names[:5] == ["aac003", "aac002", "aae005", "工作单位", "aab301"] and names[19] == "aab004"
    assert row[:2] == ["赵甲", world["trainee"].id_number] and len(names) == len(HEADER)
    response = client.get("/bureau/exports/records.xlsx", query_string={"profile": "hr"}, headers=headers,
                          buffered=True)
    [[sheet_names, cells]] = read_xlsx(response)
    assert sheet_names == names and cells[:2] == ["赵甲", world["trainee"].id_number]
    plain = client.get("/bureau/exports/records.csv", headers=headers, buffered=True).get_data().decode("utf-8-sig")
    assert plain.splitlines()[0].split(",") == list(HEADER)  # the default is unchanged


def test_an_unknown_profile_is_refused_with_a_clear_message(client, officer, world):
    headers = bearer(world["token"])
    for url in (URL, "/bureau/exports/records.csv", "/bureau/exports/records.xlsx"):
        response = client.get(url, query_string={"profile": "aac"}, headers=headers)
        assert response.status_code == 422
        error = response.get_json()["error"]
        assert error["code"] == "invalid_profile" and "hr" in error["message"]
    page = client.get("/bureau/exports/records.csv", query_string={"profile": "aac"})  # the officer's browser
    assert page.status_code == 422
    assert "参数 profile 应为 hr 之一" in html.unescape(page.get_data(as_text=True))
    exported = db.session.scalars(db.select(AuditLog).where(AuditLog.action == "records_exported")).all()
    assert exported == []  # nothing was exported


def test_the_records_page_links_the_coded_exports(client, officer, world):
    text = html.unescape(client.get("/bureau/records").get_data(as_text=True))
    assert "/bureau/exports/records.csv?profile=hr" in text and "/bureau/exports/records.xlsx?profile=hr" in text

"""The roster: each confirmed person's year per subject type under their own region's rules,
filters (未达标 / 已达标), search, paging, and a query count that does not grow with the staff."""
import re

import pytest
from sqlalchemy import event

from core.extensions import db
from staff import roster_data
from tests.staff.conftest import audit_rows, give


def staff(client, **query) -> dict:
    response = client.get("/api/v1/unit/staff", query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def test_each_person_is_judged_per_type_by_the_rules_of_their_region(client, sign_in, world):
    sign_in(world.admin)
    rows = {row["name"]: row for row in staff(client)["staff"]}
    assert list(rows) == sorted(rows)  # by name
    short = rows["李未满"]
    assert short["types"]["zhuanye"] == {"credited_hours": 10.0, "required_hours": 42.0, "met": False}
    assert short["types"]["gongxu"] == {"credited_hours": 30.5, "required_hours": 30.0, "met": True}
    assert short["total"] == {"credited_hours": 58.5, "required_hours": 90.0}
    assert short["met"] is False and short["short_types"] == ["zhuanye"]
    assert rows["陈达标"]["met"] is True
    beijing = rows["王北京"]  # the national rules: 公需 30 only
    assert beijing["met"] is True and beijing["types"]["zhuanye"]["required_hours"] == 0
    assert short["id_number"] == world.short.masked_id_number


def test_last_years_credit_counts_for_last_year(client, sign_in, world):
    sign_in(world.admin)
    rows = {row["name"]: row for row in staff(client, year=world.year - 1)["staff"]}
    assert rows["李未满"]["types"]["zhuanye"]["credited_hours"] == 50.0
    assert rows["陈达标"]["total"]["credited_hours"] == 0


@pytest.mark.parametrize(("status", "names"), [
    ("short", ["李未满"]), ("finished", ["王北京", "陈达标"]), ("all", ["李未满", "王北京", "陈达标"]),
])
def test_the_filters_keep_the_short_or_the_finished(client, sign_in, world, status, names):
    sign_in(world.admin)
    assert sorted(row["name"] for row in staff(client, status=status)["staff"]) == sorted(names)


def test_search_by_name_or_phone_is_audited(client, sign_in, world):
    sign_in(world.admin)
    assert [row["name"] for row in staff(client, q="达标")["staff"]] == ["陈达标"]
    assert [row["name"] for row in staff(client, q="1391234")["staff"]] == ["李未满"]
    assert staff(client, q="\x00")["total"] == 3  # a NUL is dropped, as the search box drops it
    [first, second] = audit_rows("unit_roster_lookup")
    assert first.details["q"] == "达标" and first.details["rows"] == 1 and second.target == f"unit:{world.unit.id}"


def test_bad_filters_are_refused_in_the_api_and_explained_on_the_page(client, sign_in, world):
    sign_in(world.admin)
    for query, code in (({"status": "late"}, "invalid_status"), ({"year": "1999"}, "invalid_year"),
                        ({"year": "abc"}, "invalid_year")):
        response = client.get("/api/v1/unit/staff", query_string=query)
        assert response.status_code == 422 and response.json["error"]["code"] == code
    html = client.get("/unit/?status=late").get_data(as_text=True)
    assert "筛选条件只能是全部、未达标或已达标" in html and "陈达标" in html


def test_the_page_shows_figures_types_and_status(client, sign_in, world):
    sign_in(world.admin)
    html = client.get("/unit/").get_data(as_text=True)
    figures = {name: re.search(rf'id="stat-{name}">(\d+)<', html).group(1)
               for name in ("confirmed", "pending", "short")}
    assert figures == {"confirmed": "3", "pending": "1", "short": "1"}
    row = re.search(rf'<tr data-user="{world.short.id}">(.*?)</tr>', html, re.S).group(1)
    assert world.short.masked_id_number in row and world.short.id_number not in row
    assert re.search(r'data-type="zhuanye">10.0 / 42.0<', row) and 'data-met="no"' in row
    assert "赵外单位" not in html  # the other unit's person
    short_only = client.get("/unit/?status=short").get_data(as_text=True)
    assert "李未满" in short_only and "陈达标" not in short_only


def test_pages_of_the_roster(client, sign_in, world, make_user, link_to_unit, monkeypatch):
    monkeypatch.setattr(roster_data, "PER_PAGE", 2)
    sign_in(world.admin)
    first, second = staff(client), staff(client, page=2)
    assert (first["total"], first["pages"], len(first["staff"]), len(second["staff"])) == (3, 2, 2, 1)
    assert first["next"].endswith("page=2") and first["prev"] is None and second["next"] is None
    html = client.get("/unit/?page=2").get_data(as_text=True)
    assert 'rel="prev"' in html


def count_queries(client, path: str) -> int:
    statements = []

    def note(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    return len(statements)


def test_the_query_count_does_not_grow_with_the_staff(client, sign_in, world, make_user, link_to_unit):
    sign_in(world.admin)
    client.get("/unit/")  # the rule book is parsed once per process: not what is counted here
    few_page, few_api = count_queries(client, "/unit/"), count_queries(client, "/api/v1/unit/staff")
    for n in range(20):
        person = make_user(real_name=f"新员工{n}", region_code="440305" if n % 2 else "110105")
        link_to_unit(person, world.unit)
        give(person, world.year, gongxu=10 * n, zhuanye=n)
    assert count_queries(client, "/unit/") == few_page
    assert count_queries(client, "/api/v1/unit/staff") == few_api

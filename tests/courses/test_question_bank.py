"""The v1 calls of a course's test in the studio: the bank, the settings, XLSX in and out."""
import io

import pytest
from openpyxl import load_workbook

from core.extensions import db
from tests.conftest import sign_in_as
from tests.courses.test_bank_xlsx import GOOD, row, xlsx

ORG = "知新制作中心"
SINGLE = {"kind": "single", "stem": "网络安全等级保护分为几级？", "options": ["三级", "四级", "五级"], "answer": [2],
          "explanation": "等级保护分为五级。"}


@pytest.fixture
def producer(make_user):
    return make_user("producer", organisation=ORG)


@pytest.fixture
def draft(make_course, producer):
    return make_course(title="网络安全概论", status="draft", producer=producer, lessons=1)


@pytest.fixture
def api(client, producer, draft):
    sign_in_as(client, producer)
    return f"/api/v1/studio/courses/{draft.id}"


def bank_stems(course) -> list[str]:
    db.session.expire_all()
    return [q.stem for q in db.session.get(type(course), course.id).questions]


def test_a_producer_builds_edits_orders_and_empties_a_bank(client, api, draft):
    first = client.post(f"{api}/questions", json=SINGLE)
    assert first.status_code == 201, first.get_json()
    assert first.get_json() | {"id": 0} == {**SINGLE, "id": 0, "position": 1}
    judge = client.post(f"{api}/questions", json={"kind": "judge", "stem": "口令应定期更换。", "answer": [0]})
    assert judge.get_json()["options"] == ["正确", "错误"]

    qid, jid = first.get_json()["id"], judge.get_json()["id"]
    edited = client.patch(f"{api}/questions/{qid}", json={"answer": [1], "explanation": ""})
    assert edited.status_code == 200 and edited.get_json()["answer"] == [1]
    assert edited.get_json()["stem"] == SINGLE["stem"]

    ordered = client.put(f"{api}/questions/order", json={"question_ids": [jid, qid]})
    assert [item["id"] for item in ordered.get_json()["items"]] == [jid, qid]
    listed = client.get(f"{api}/questions").get_json()
    assert [(item["id"], item["position"]) for item in listed["items"]] == [(jid, 1), (qid, 2)]
    assert listed["exam"]["bank"] == {"single": 1, "multiple": 0, "judge": 1} and listed["exam"]["required"] is True
    assert "单选题只有 1 道" in listed["exam"]["problem"]

    assert client.delete(f"{api}/questions/{jid}").status_code == 204
    assert client.get(f"{api}/questions").get_json()["items"][0]["position"] == 1
    assert bank_stems(draft) == [SINGLE["stem"]]


@pytest.mark.parametrize(("body", "code", "words"), [
    ({**SINGLE, "answer": [5]}, "invalid_question", "不在选项"),
    ({**SINGLE, "answer": [0, 1]}, "invalid_question", "只能有一个"),
    ({**SINGLE, "kind": "multiple", "answer": [0]}, "invalid_question", "至少要有两个"),
    ({**SINGLE, "stem": ""}, "invalid_question", "题干"),
    ({**SINGLE, "options": ["甲"]}, "invalid_question", "2 到 8"),
    ({"kind": "judge", "stem": "判断题？", "options": ["是", "否"], "answer": [0]}, "invalid_question", "正确"),
])
def test_a_bad_question_is_422_in_chinese_and_nothing_is_stored(client, api, draft, body, code, words):
    response = client.post(f"{api}/questions", json=body)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == code
    assert words in response.get_json()["error"]["message"]
    assert bank_stems(draft) == []


def test_a_duplicate_stem_and_an_unknown_question_are_refused(client, api, draft):
    qid = client.post(f"{api}/questions", json=SINGLE).get_json()["id"]
    again = client.post(f"{api}/questions", json={**SINGLE, "stem": " 网络安全等级保护分为 几级？"})
    assert again.status_code == 422 and again.get_json()["error"]["code"] == "duplicate_question"
    assert client.patch(f"{api}/questions/{qid + 99}", json={"stem": "新"}).status_code == 404
    assert client.delete(f"{api}/questions/{qid + 99}").status_code == 404
    assert client.put(f"{api}/questions/order", json={"question_ids": [qid, qid]}).status_code == 422
    assert client.post(f"{api}/questions", data="x").status_code == 400


def test_settings_default_save_and_refuse_a_paper_not_of_100(client, api, draft):
    assert client.get(f"{api}/exam").get_json()["required"] is False  # an empty bank: no test
    saved = client.put(f"{api}/exam", json={"pass_score": 80, "time_limit_minutes": 20, "max_attempts": 2,
                                            "draw": {"single": 1, "multiple": 0, "judge": 0},
                                            "points": {"single": 100, "multiple": 0, "judge": 0}})
    assert saved.status_code == 200, saved.get_json()
    assert (saved.get_json()["pass_score"], saved.get_json()["paper_points"]) == (80, 100)
    bad = client.put(f"{api}/exam", json={"points": {"single": 90}})
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "invalid_exam"
    assert "90 分" in bad.get_json()["error"]["message"]
    assert client.get(f"{api}/exam").get_json()["points"]["single"] == 100
    assert client.put(f"{api}/exam", json={"max_attempts": 0}).status_code == 422
    client.post(f"{api}/questions", json=SINGLE)
    shown = client.get(f"{api}/exam").get_json()
    assert shown["required"] is True and shown["problem"] is None


def test_an_import_reports_row_errors_first_and_imports_only_a_clean_file(client, api, draft):
    bad = xlsx(GOOD[0], row("单选", "两个答案的单选？", ["甲", "乙"], "AB"), row("单选", "", ["甲", "乙"], "A"))
    dry = client.post(f"{api}/questions/import?dry_run=1", data=bad, content_type="application/octet-stream")
    assert dry.status_code == 200
    assert dry.get_json() == {"rows": 3, "imported": 0, "errors": [
        {"row": 3, "column": "答案", "message": "单选题只能有一个正确答案。"},
        {"row": 4, "column": "题干", "message": "请填写题干。"}]}
    refused = client.post(f"{api}/questions/import", data={"file": (io.BytesIO(bad), "bank.xlsx")})
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "invalid_bank"
    assert len(refused.get_json()["errors"]) == 2 and bank_stems(draft) == []

    clean = xlsx(*GOOD)
    assert client.post(f"{api}/questions/import?dry_run=1", data=clean).get_json()["errors"] == []
    assert bank_stems(draft) == []
    done = client.post(f"{api}/questions/import", data={"file": (io.BytesIO(clean), "bank.xlsx")})
    assert done.status_code == 201 and done.get_json() == {"rows": 4, "errors": [], "imported": 4}
    assert len(bank_stems(draft)) == 4
    again = client.post(f"{api}/questions/import?dry_run=1", data=clean).get_json()
    assert [e["message"] for e in again["errors"]] == ["题库中已有相同题干的题目。"] * 4


def test_not_an_xlsx_is_422_and_the_export_reads_back(client, api, draft):
    junk = client.post(f"{api}/questions/import?dry_run=1", data=b"%PDF-1.7 not a sheet")
    assert junk.status_code == 422 and junk.get_json()["error"]["code"] == "invalid_xlsx"
    client.post(f"{api}/questions/import", data=xlsx(*GOOD))
    exported = client.get(f"{api}/questions/export.xlsx")
    assert exported.status_code == 200 and exported.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(exported.data)).active
    assert [cell.value for cell in sheet[3]][:5] == ["多选", "下列哪些属于敏感个人信息？", "生物识别", "宗教信仰",
                                                     "公开的姓名"]
    assert sheet[3][10].value == "AB"
    template = client.get("/api/v1/studio/questions/template.xlsx")
    assert template.status_code == 200 and load_workbook(io.BytesIO(template.data)).sheetnames == ["题库", "说明"]


def test_only_the_organisation_edits_and_only_while_the_course_may_change(client, api, draft, make_user,
                                                                       make_course, producer):
    client.post(f"{api}/questions", json=SINGLE)
    sign_in_as(client, make_user("producer", organisation="别家公司"))
    assert client.get(f"{api}/questions").status_code == 404
    assert client.post(f"{api}/questions", json={**SINGLE, "stem": "别家的题"}).status_code == 404
    assert client.get(f"{api}/questions/export.xlsx").status_code == 404
    sign_in_as(client, make_user("trainee"))
    assert client.get(f"{api}/exam").status_code == 403

    sign_in_as(client, producer)
    published = make_course(title="已发布课程", producer=producer, lessons=1)
    url = f"/api/v1/studio/courses/{published.id}"
    locked = client.post(f"{url}/questions", json=SINGLE)
    assert locked.status_code == 409 and locked.get_json()["error"]["code"] == "revision_required"
    assert client.put(f"{url}/exam", json={"pass_score": 70}).status_code == 409
    assert client.post(f"{url}/questions/import", data=xlsx(*GOOD)).status_code == 409
    assert bank_stems(published) == []

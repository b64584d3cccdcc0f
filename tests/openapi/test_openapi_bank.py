"""Live answers of the question-bank calls (tag "bank") and the review course match the spec."""
import io

import pytest

from openapi.openapi import spec
from tests.bureau.records_helpers import bearer, token_for
from tests.courses.test_bank_xlsx import GOOD, row, xlsx
from tests.openapi.openapi_checker import Checker

V1 = "/api/v1"
ONE = f"{V1}/studio/courses/{{course_id}}"
QUESTION = {"kind": "single", "stem": "等级保护分为几级？", "options": ["三级", "五级"], "answer": [1]}


@pytest.fixture
def api(client):
    checker = Checker(spec())

    def call(method: str, template: str, url: str | None = None, **kwargs):
        return checker.check(client.open(url or template, method=method.upper(), **kwargs), template, method)

    call.checker = checker
    return call


def test_bank_calls_and_the_review_course(api, make_user, make_course, login):
    producer = make_user("producer", organisation="知新制作中心")
    course = make_course(status="draft", producer=producer, lessons=1)
    url = f"{V1}/studio/courses/{course.id}"
    api("get", f"{ONE}/exam", url + "/exam", headers=bearer(token_for(make_user())))  # a trainee: 403
    api("get", f"{ONE}/questions", url + "/questions")  # signed out: 401
    login(producer)
    api("get", f"{ONE}/exam", url + "/exam")
    api("get", f"{ONE}/exam", f"{V1}/studio/courses/99999/exam")
    api("put", f"{ONE}/exam", url + "/exam", json={"points": {"single": 1}})
    api("put", f"{ONE}/exam", url + "/exam", data="x", content_type="application/json")
    api("put", f"{ONE}/exam", url + "/exam", json={"draw": {"single": 1, "multiple": 1, "judge": 0},
                                                    "points": {"single": 50, "multiple": 50, "judge": 0}})
    qid = api("post", f"{ONE}/questions", url + "/questions", json=QUESTION).get_json()["id"]
    api("post", f"{ONE}/questions", url + "/questions", json=QUESTION)  # duplicate: 422
    api("post", f"{ONE}/questions", url + "/questions", data="x", content_type="application/json")
    api("get", f"{ONE}/questions", url + "/questions")
    one = f"{ONE}/questions/{{question_id}}"
    api("patch", one, f"{url}/questions/{qid}", json={"explanation": "五级。"})
    api("patch", one, f"{url}/questions/{qid + 99}", json={"explanation": "无"})
    api("put", f"{ONE}/questions/order", url + "/questions/order", json={"question_ids": [qid]})
    imports = f"{ONE}/questions/import"
    bad = xlsx(row("单选", "", ["甲", "乙"], "A"))
    api("post", imports, url + "/questions/import?dry_run=1", data=bad, content_type="application/octet-stream")
    api("post", imports, url + "/questions/import", data={"file": (io.BytesIO(bad), "bank.xlsx")})
    api("post", imports, url + "/questions/import", data=b"junk", content_type="application/octet-stream")
    api("post", imports, url + "/questions/import", data=xlsx(*GOOD), content_type="application/octet-stream")
    api("get", f"{ONE}/questions/export.xlsx", url + "/questions/export.xlsx")
    api("get", f"{V1}/studio/questions/template.xlsx")
    api("post", f"{ONE}/submit", url + "/submit")
    api("delete", one, f"{url}/questions/{qid}")  # under review: 409

    reviewer = bearer(token_for(make_user("reviewer")))
    shown = api("get", f"{V1}/review/courses/{{course_id}}", f"{V1}/review/courses/{course.id}", headers=reviewer)
    assert len(shown.get_json()["questions"]) == 5 and shown.get_json()["exam"]["required"] is True
    wanted = {(path, method) for path, item in spec()["paths"].items() for method, op in item.items()
              if "bank" in op["tags"]}
    assert wanted - {(path, method) for path, method, _status in api.checker.seen} == set()

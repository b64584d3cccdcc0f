"""Live answers match the OpenAPI description: real calls through the test client, happy paths and
errors, each body validated against the spec's schema for its path, method and status.

Each test also checks that it exercised every operation of its part of the spec.
"""
import base64
import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

import learning.check_api
import learning.heartbeats
import learning.watch_api
from core.extensions import db
from learning.models import Certificate, WatchCheck
from openapi.openapi import spec
from tests.bureau.records_helpers import bearer, credit, token_for
from tests.openapi.openapi_checker import Checker

V1 = "/api/v1"


@pytest.fixture
def app_overrides():
    return {"ATTENTION_CHECK_MINUTES": 10}


@pytest.fixture
def api(client):
    """``api(method, template, url, **kwargs)``: make the call, check it against the spec, return it."""
    checker = Checker(spec())

    def call(method: str, template: str, url: str | None = None, **kwargs):
        response = client.open(url or template, method=method.upper(), **kwargs)
        return checker.check(response, template, method)

    call.checker = checker
    return call


def covered(api, tag: str) -> None:
    """Every operation tagged ``tag`` was called at least once."""
    wanted = {(path, method) for path, item in spec()["paths"].items() for method, op in item.items()
              if tag in op["tags"]}
    done = {(path, method) for path, method, _status in api.checker.seen}
    assert wanted - done == set()


def test_catalogue(api, make_course):
    course = make_course()
    assert api("get", f"{V1}/courses").get_json()["total"] == 1
    api("get", f"{V1}/courses", query_string={"category": "nope"})
    api("get", f"{V1}/courses", query_string={"q": "数字", "sort": "newest"})
    api("get", f"{V1}/courses", query_string={"q": "数字", "sort": "nope"})
    api("get", f"{V1}/courses/{{course_id}}", f"{V1}/courses/{course.id}")
    api("get", f"{V1}/courses/{{course_id}}", f"{V1}/courses/99999")
    covered(api, "catalogue")


def test_watching(api, make_user, make_course, login, monkeypatch):
    clock = [datetime(2026, 5, 10, 2, 0, tzinfo=UTC)]
    monkeypatch.setattr(learning.watch_api, "utcnow", lambda: clock[0])
    monkeypatch.setattr(learning.heartbeats, "utcnow", lambda: clock[0])
    monkeypatch.setattr(learning.check_api, "utcnow", lambda: clock[0])
    lesson = make_course(lessons=1).lessons[0]
    opened = f"{V1}/lessons/{{lesson_id}}/sessions"
    api("post", opened, f"{V1}/lessons/{lesson.id}/sessions", headers=bearer("zx_nobody"))
    login(make_user())
    api("post", opened, f"{V1}/lessons/99999/sessions")
    session = api("post", opened, f"{V1}/lessons/{lesson.id}/sessions").get_json()
    first, watch = session["id"], {"X-Watch-Token": session["watch_token"]}
    beat, answer = f"{V1}/sessions/{{session_id}}/heartbeats", f"{V1}/sessions/{{session_id}}/checks"
    clock[0] += timedelta(seconds=15)
    beating = f"{V1}/sessions/{first}/heartbeats"
    api("post", beat, beating, json={"seq": 1, "segments": [[0, 15]]})  # no watch token
    assert api("post", beat, beating, json={"seq": 1, "segments": [[0, 15]]},
               headers=watch).get_json()["credited_seconds"] > 0
    assert api("post", beat, beating, json={"seq": 1, "segments": [[0, 15]]}, headers=watch).get_json()["duplicate"]
    api("post", beat, beating, json={"seq": 2, "segments": [[5, 1]]}, headers=watch)
    api("post", beat, f"{V1}/sessions/nope/heartbeats", json={"seq": 1, "segments": []}, headers=watch)
    clock[0] += timedelta(minutes=11)  # the idle check is due
    check = api("post", beat, beating, json={"seq": 3, "segments": []}, headers=watch).get_json()["check"]
    sent = {"nonce": check["nonce"], "question_id": None}
    api("post", answer, f"{V1}/sessions/{first}/checks", json={"nonce": "wrong", "answer": [0]})
    api("post", answer, f"{V1}/sessions/{first}/checks", json={**sent, "answer": [0, 1]})
    right = db.session.scalar(select(WatchCheck).where(WatchCheck.state == "due")).challenge["answer"]
    api("post", answer, f"{V1}/sessions/{first}/checks", json={**sent, "answer": right})
    api("post", answer, f"{V1}/sessions/{first}/checks", json={**sent, "answer": right})  # 409: used
    api("post", answer, f"{V1}/sessions/nope/checks", json=sent)
    api("post", opened, f"{V1}/lessons/{lesson.id}/sessions")  # another screen closes the first session
    api("post", beat, beating, json={"seq": 4, "segments": []}, headers=watch)
    clock[0] += timedelta(hours=13)  # past the watch token's expiry
    api("post", beat, beating, json={"seq": 5, "segments": []}, headers=watch)
    statuses = {status for path, _m, status in api.checker.seen if path == beat}
    assert statuses == {"200", "401", "404", "409", "410", "422"}
    covered(api, "watching")


def test_me_progress_and_certificates(app, api, make_user, make_course, login):
    api("get", f"{V1}/me", headers=bearer("zx_nobody"))
    trainee = make_user()
    course = make_course()
    credit(trainee, course, year=2026)
    login(trainee)
    api("get", f"{V1}/me")
    assert api("get", f"{V1}/me/progress", query_string={"year": 2026}).get_json()["credited_hours"] == 1.5
    mine = f"{V1}/me/certificates"
    api("get", mine)
    api("post", mine, json={"kind": "course"})
    api("post", mine, json={"kind": "year", "year": 2020})
    number = api("post", mine, json={"kind": "course", "year": 2026, "course_id": course.id}).get_json()["number"]
    api("post", mine, json={"kind": "course", "year": 2026, "course_id": course.id})
    api("post", mine, json={"kind": "year", "year": 2026})
    assert len(api("get", mine).get_json()["items"]) == 2

    public = f"{V1}/certificates/{{number}}"
    assert api("get", public, f"{V1}/certificates/{number}").get_json()["status"] == "valid"
    credit(trainee, course, tenths=-5, year=2026, basis="correction", reason="核减")
    api("post", mine, json={"kind": "course", "year": 2026, "course_id": course.id})
    assert api("get", public, f"{V1}/certificates/{number}").get_json()["superseded_by"]
    api("get", public, f"{V1}/certificates/GX2026-110105-999999")
    tampered = db.session.scalar(select(Certificate).where(Certificate.kind == "year"))
    tampered.payload = {**tampered.payload, "hours": 99.0}
    db.session.commit()
    assert api("get", public, f"{V1}/certificates/{tampered.number}").get_json()["status"] == "invalid"
    api("get", f"{V1}/certificates/public-key")
    api("get", f"{V1}/me/unit")  # no unit chosen yet
    api("put", f"{V1}/me/unit", json={"unit_id": 99999})
    api("delete", f"{V1}/me/unit")
    declarations = f"{V1}/me/declarations"
    api("get", declarations)
    api("post", declarations, data={"title": "研讨会"})  # no confirmed unit, nothing pledged
    api("get", f"{declarations}/{{declaration_id}}", f"{declarations}/99999")
    api("post", f"{declarations}/{{declaration_id}}/withdraw", f"{declarations}/99999/withdraw")
    api("get", f"{V1}/me/record")  # 一人一档 (its figures: tests/learning/test_dossier.py)
    transfers = f"{V1}/me/transfers"  # moving province (the flow: tests/transfers)
    api("get", transfers)
    api("post", transfers, data={"old_province": "11"})  # no lines, no evidence
    api("get", f"{transfers}/{{request_id}}", f"{transfers}/99999")
    api("post", f"{transfers}/{{request_id}}/withdraw", f"{transfers}/99999/withdraw")
    covered(api, "accounts")
    covered(api, "learning")
    covered(api, "certificates")


def test_videos(api, make_user, make_video, login):
    producer = make_user("producer", organisation="知新制作中心")
    video = make_video(owner=producer)
    one, retry = f"{V1}/videos/{{video_id}}", f"{V1}/videos/{{video_id}}/retry"
    login(producer)
    api("get", one, f"{V1}/videos/{video.id}")
    api("get", one, f"{V1}/videos/99999")
    api("post", retry, f"{V1}/videos/{video.id}/retry")
    api("post", retry, f"{V1}/videos/99999/retry")
    reviewer = bearer(token_for(make_user("reviewer")))
    assert "log_tail" in api("get", one, f"{V1}/videos/{video.id}", headers=reviewer).get_json()
    api("post", retry, f"{V1}/videos/{video.id}/retry", headers=reviewer)
    covered(api, "videos")


VTT = b"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n\xe5\xa4\xa7\xe5\xae\xb6\xe5\xa5\xbd\n"


def test_studio_and_review(api, make_user, make_video, make_category, login):
    make_category()
    producer = make_user("producer", organisation="知新制作中心")
    videos = [make_video(owner=producer) for _ in range(2)]
    studio, one = f"{V1}/studio/courses", f"{V1}/studio/courses/{{course_id}}"
    api("get", studio, headers=bearer(token_for(make_user())))  # a trainee: 403
    login(producer)
    api("post", studio, data="not json", content_type="application/json")
    api("post", studio, json={"title": ""})
    fields = {"title": "数据安全", "summary": "简介", "instructor": "王老师", "category": "digital",
              "catalogue_year": 2026}
    course_id = api("post", studio, json=fields).get_json()["id"]
    url = f"{V1}/studio/courses/{course_id}"
    api("get", studio)
    api("get", one, url)
    api("get", one, f"{V1}/studio/courses/99999")
    api("patch", one, url, json={"summary": "新简介"})
    lessons = f"{one}/lessons"
    api("post", lessons, f"{url}/lessons", json={"video_id": 99999})
    first = api("post", lessons, f"{url}/lessons", json={"video_id": videos[0].id, "title": "第一讲"}).get_json()["id"]
    second = api("post", lessons, f"{url}/lessons", json={"video_id": videos[1].id}).get_json()["id"]
    lesson, captions = f"{one}/lessons/{{lesson_id}}", f"{one}/lessons/{{lesson_id}}/captions"
    api("patch", lesson, f"{url}/lessons/{first}", json={"title": "开篇"})
    api("patch", lesson, f"{url}/lessons/{first}", json={"title": ""})
    api("put", f"{one}/lessons/order", f"{url}/lessons/order", json={"lesson_ids": [second, first]})
    api("put", captions, f"{url}/lessons/{first}/captions", data=VTT, content_type="text/vtt")
    api("put", captions, f"{url}/lessons/{first}/captions", data=b"not vtt", content_type="text/vtt")
    api("delete", captions, f"{url}/lessons/{first}/captions")
    api("delete", lesson, f"{url}/lessons/{second}")
    api("post", f"{one}/submit", f"{url}/submit")
    api("patch", one, url, json={"summary": "审核中不能改"})
    api("delete", one, url)  # under review: 409
    draft = api("post", studio, json=fields).get_json()["id"]
    api("delete", one, f"{V1}/studio/courses/{draft}")

    reviewer = bearer(token_for(make_user("reviewer")))
    queue, reviewed = f"{V1}/review/courses", f"{V1}/review/courses/{{course_id}}"
    api("get", queue, headers=reviewer)
    api("get", queue, query_string={"status": "bad"}, headers=reviewer)
    api("get", reviewed, f"{V1}/review/courses/{course_id}", headers=reviewer)
    api("get", reviewed, f"{V1}/review/courses/99999", headers=reviewer)
    decision = f"{reviewed}/decision"
    api("post", decision, f"{V1}/review/courses/{course_id}/decision", json={"approve": "yes"}, headers=reviewer)
    api("post", decision, f"{V1}/review/courses/{course_id}/decision", json={"approve": True}, headers=reviewer)
    api("post", f"{one}/revision", f"{url}/revision")
    api("post", f"{reviewed}/withdraw", f"{V1}/review/courses/{course_id}/withdraw", headers=reviewer)
    api("post", f"{one}/withdraw", f"{url}/withdraw")  # already withdrawn: 409
    covered(api, "studio")
    covered(api, "review")


def tus(**headers) -> dict:
    return {"Tus-Resumable": "1.0.0", **headers}


def test_uploads(api, make_user, login):
    uploads, one = f"{V1}/uploads", f"{V1}/uploads/{{video_id}}"
    api("options", uploads)
    api("post", uploads, headers=bearer(token_for(make_user())) | tus(**{"Upload-Length": "10"}))
    login(make_user("producer", organisation="知新制作中心"))
    api("post", uploads, headers={"Upload-Length": "10"})
    api("post", uploads, headers=tus(**{"Upload-Length": "ten"}))
    api("post", uploads, headers=tus(**{"Upload-Length": str(10**13)}))
    created = api("post", uploads, headers=tus(**{"Upload-Length": "10", "Upload-Metadata": "filename YS5tcDQ="}))
    url = created.headers["Location"]
    video_id = url.rsplit("/", 1)[-1]
    api("options", one, url)
    api("head", one, url, headers=tus())
    api("head", one, f"{uploads}/99999", headers=tus())
    chunk = {"content_type": "application/offset+octet-stream"}
    api("patch", one, url, data=b"12345", headers=tus(**{"Upload-Offset": "0"}), **chunk)
    api("patch", one, url, data=b"12345", headers=tus(**{"Upload-Offset": "0"}), **chunk)
    api("patch", one, url, data=b"12345", headers=tus(**{"Upload-Offset": "5"}), content_type="text/plain")
    api("patch", one, url, data=b"123456", headers=tus(**{"Upload-Offset": "5"}), **chunk)
    api("patch", one, url, data=b"67890", headers=tus(**{"Upload-Offset": "5", "Upload-Checksum": "sha1 AA"}),
        **chunk)
    wrong = base64.b64encode(hashlib.sha1(b"other").digest()).decode()
    api("patch", one, url, data=b"67890", headers=tus(**{"Upload-Offset": "5", "Upload-Checksum": f"sha1 {wrong}"}),
        **chunk)
    assert {status for path, method, status in api.checker.seen if method == "patch"} == {
        "204", "400", "409", "413", "415", "460"}
    api("post", one, url, headers=tus())
    assert api("post", one, url, headers=tus(**{"X-HTTP-Method-Override": "DELETE"})).status_code == 204
    api("delete", one, url, headers=tus())
    assert video_id.isdigit()
    covered(api, "uploads")


def test_bureau_records(api, make_user, make_course):
    course = make_course()
    trainee = make_user(region_code="440305")
    row = credit(trainee, course)
    records = f"{V1}/bureau/records"
    api("get", records)
    officer = bearer(token_for(make_user("bureau", region_code="440000")))
    assert len(api("get", records, headers=officer).get_json()["items"]) == 1
    assert "aac002" in api("get", records, headers=officer, query_string={"profile": "hr"}).get_json()["items"][0]
    api("get", records, headers=officer, query_string={"profile": "nope"})
    api("get", records, headers=officer, query_string={"limit": 0})
    api("get", records, headers=officer, query_string={"region": "450000"})
    api("get", records, headers=bearer(token_for(make_user())))
    _bureau_corrections(api, officer, trainee, row, make_user(region_code="450102"))
    api("get", f"{V1}/bureau/declarations", headers=officer)
    api("post", f"{V1}/bureau/declarations/{{declaration_id}}/decision", f"{V1}/bureau/declarations/99999/decision",
        headers=officer, json={"decision": "approve"})
    api("get", f"{V1}/bureau/transfers", headers=officer)
    api("post", f"{V1}/bureau/transfers/{{request_id}}/decision", f"{V1}/bureau/transfers/99999/decision",
        headers=officer, json={"accept": False, "reason": "材料不清"})
    covered(api, "bureau")


def _bureau_corrections(api, officer, trainee, row, elsewhere):
    url = f"{V1}/bureau/corrections"
    made = api("post", url, headers=officer, json={"user_id": trainee.id, "hours": -0.5, "reason": "重复计入",
                                                     "source_id": row.id})
    assert made.status_code == 201 and made.get_json()["basis"] == "correction"
    assert api("post", url, headers=officer, json={"user_id": trainee.id, "hours": 1}).status_code == 422
    assert api("post", url, headers=officer, json={"user_id": elsewhere.id, "hours": 1, "reason": "补录",
                                                     "title": "讲座", "year": 2025,
                                                     "subject_type": "gongxu"}).status_code == 403
    assert api("post", url, headers=officer, json={"user_id": 99999, "hours": 1, "reason": "x"}).status_code == 404
    assert api("post", url, headers=officer, data="[]", content_type="application/json").status_code == 400
    assert len(api("get", url, headers=officer).get_json()["items"]) == 1
    assert api("get", url, headers=officer, query_string={"year": "20"}).status_code == 422


def test_openapi_json(api):
    api("get", f"{V1}/openapi.json")
    covered(api, "meta")

"""Property-based fuzz of every v1 call in /api/v1/openapi.json, over real HTTP, as four callers.

schemathesis generates requests from the live OpenAPI document, valid ones and invalid ones,
and sends them with a trainee's, a producer's and a bureau officer's API token to the app
served on a free port. The world holds real data: a published course with ready lessons, a
credit record of the trainee in the officer's region and its certificate, a producer's ready
video; and before each call's examples, fresh rows of what the call may use up (the
trainee's open watch session, the producer's draft course, an upload in progress). Most
examples name these rows' ids in their path, so that they reach the views' real code
rather than their 404s. An admin's token is sent to the admin's own calls (the rule sets)
only. Whatever the input, no answer may be a server error.

Only the server-error check runs here: tests/openapi/test_openapi_live.py checks that
answers match the document. Each 500 this fuzz found has its own regression test next to
the tests of its room (tests/core/test_errors.py, tests/courses/test_studio_api.py).
The examples are derandomized: every run sends the same requests.
"""
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup

from core.db import utcnow
from core.extensions import db
from courses.models import ExamSettings, Question
from learning.models import LessonProgress
from learning.rules import credit_year
from openapi.openapi import spec
from tests.bureau.records_helpers import bearer, credit, token_for

V1 = "/api/v1"
# Examples per call and caller: for a call of the caller's role, and for one that refuses the
# caller (401/403) before reading what it is sent: about 1,400 requests, 40 s per database on
# two idle cores. ZHIXIN_FUZZ_EXAMPLES=200 searches deeper.
EXAMPLES = int(os.environ.get("ZHIXIN_FUZZ_EXAMPLES", 25))
REFUSED_EXAMPLES = 4
# The calls each caller's role may make, by OpenAPI tag.
OWN_TAGS = {
    "trainee": {"catalogue", "watching", "accounts", "profile", "recovery", "learning", "certificates", "exams",
                "notices", "declarations", "faces"},
    "producer": {"catalogue", "accounts", "certificates", "studio", "uploads", "videos", "bank"},
    "bureau": {"catalogue", "accounts", "certificates", "bureau", "units"},
    "admin": {"rules", "units"},
}
# Callers sent only to their own calls (the admin may make nearly all of them).
OWN_CALLS_ONLY = {"admin"}

# Values that once crashed a call, mixed into a tenth of the generated strings and integers
# (schemathesis's fuzz dictionaries): a NUL, which PostgreSQL refuses in text, and integers
# past PostgreSQL's integer (2**31 - 1) and SQLite's (2**63 - 1).
HOSTILE = ["\x00", "数据\x00安全", 2**31, 2**63, 10**30]
CONFIG = schemathesis.Config.from_dict({
    "dictionaries": {"hostile": {"values": HOSTILE}},
    "generation": {"dictionaries": {kind: {"dictionary": "hostile", "probability": 0.1}
                                    for kind in ("string", "integer")}},
})

# Bodies of media types schemathesis has no serializer for, sent as the bytes or text generated.
schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")
schemathesis.serializer.alias("text/vtt", "text/plain")
schemathesis.serializer.alias(["image/jpeg", "image/png"], "application/octet-stream")


@pytest.fixture
def app_overrides():
    # The fuzz opens sessions far faster than a person: pacing would answer most of them 429.
    return {"WATCH_SESSION_OPENS_PER_MINUTE": 0}


@dataclass
class World:
    """The rows the fuzz runs against, the callers' Bearer headers, and fresh rows on demand
    for what a call may use up (a watch session, a draft course, an upload)."""

    server: str
    users: dict
    headers: dict
    make_course: Callable
    published: dict = field(default_factory=dict)
    number: str = ""
    video_id: int = 0
    attempt_id: int = 0
    unit_id: int = 0

    def post(self, role: str, path: str, **kwargs) -> requests.Response:
        headers = {**self.headers[role], **kwargs.pop("headers", {})}
        response = requests.post(f"{self.server}{path}", headers=headers, timeout=30, **kwargs)
        assert response.status_code == 201, response.text
        return response

    def ids_for(self, path: str) -> dict:
        """Ids of real rows for the path parameters of ``path``: fresh ones where a call may use them up."""
        ids = {"number": self.number, "video_id": self.video_id, "attempt_id": self.attempt_id, "prefix": "44",
               "unit_id": self.unit_id, **self.published}
        if "{session_id}" in path:
            opened = self.post("trainee", f"{V1}/lessons/{self.published['lesson_id']}/sessions")
            ids["session_id"] = opened.json()["id"]
        if path.startswith(f"{V1}/studio/courses/"):
            draft = self.make_course("人工智能伦理", status="draft", producer=self.users["producer"], lessons=2,
                                     lesson_seconds=30.0)
            ids |= {"course_id": draft.id, "lesson_id": draft.lessons[0].id}
        if path.startswith(f"{V1}/uploads/"):
            created = self.post("producer", f"{V1}/uploads", headers={"Tus-Resumable": "1.0.0", "Upload-Length": "64"})
            ids["video_id"] = int(created.headers["Location"].rsplit("/", 1)[-1])
        return {name: value for name, value in ids.items() if f"{{{name}}}" in path}


@pytest.fixture
def world(server, make_user, make_course, make_video) -> World:
    """A trainee with a credit record in the officer's region and its certificate, a published
    course with ready lessons, a producer with a ready video, and a city bureau officer."""
    users = {
        "trainee": make_user(region_code="440305"),
        "producer": make_user("producer", organisation="知新制作中心"),
        "bureau": make_user("bureau", real_name="王科长", region_code="440300"),
        "admin": make_user("admin"),
    }
    world = World(server, users, {role: bearer(token_for(user)) for role, user in users.items()}, make_course)
    # Another organisation's: the fuzzed producer cannot withdraw it from under the trainee.
    course = make_course("数据安全导论", lessons=2, lesson_seconds=30.0,
                         producer=make_user("producer", organisation="网络安全学院"))
    world.published = {"course_id": course.id, "lesson_id": course.lessons[0].id}
    world.video_id = make_video(owner=users["producer"]).id
    year = credit_year(utcnow())
    credit(users["trainee"], course, year=year, at=utcnow())
    world.number = world.post("trainee", f"{V1}/me/certificates",
                              json={"kind": "course", "year": year, "course_id": course.id}).json()["number"]
    world.attempt_id = open_attempt(world, course)
    unit = {"name": "深圳市人民医院", "credit_code": "91440300708461136T", "region_code": "440303"}
    world.unit_id = world.post("bureau", f"{V1}/units", json=unit).json()["id"]
    return world


def open_attempt(world: World, course) -> int:
    """Give ``course`` a test, let the trainee finish its lessons, and open an attempt at it."""
    course.questions = [Question(position=n, kind="judge", stem=f"判断题 {n}", options=["正确", "错误"], answer=[0])
                        for n in (1, 2)]
    course.exam = ExamSettings(draw={"single": 0, "multiple": 0, "judge": 2},
                               points={"single": 0, "multiple": 0, "judge": 50})
    trainee = world.users["trainee"]
    db.session.add_all(LessonProgress(user_id=trainee.id, lesson_id=lesson.id, course_id=course.id,
                                      covered_seconds=lesson.duration_seconds, completed_at=utcnow())
                       for lesson in course.lessons)
    db.session.commit()
    return world.post("trainee", f"{V1}/courses/{course.id}/exam/attempts").json()["id"]


def fuzz(operation, known: dict, server: str, headers: dict, examples: int, failures: list) -> int:
    """Send up to ``examples`` generated requests to one call, valid and invalid ones, most
    naming the ``known`` ids in their path; note every server error in ``failures``."""
    strategy = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE, path_parameters=known),
        operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=known),
        operation.as_strategy(GenerationMode.POSITIVE),
    )
    sent = []

    # Repeatable (derandomize, no example database); no shrinking, as every failure is noted as
    # it comes; no deadline or health check, which a busy shared machine would trip.
    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def send(case):
        try:
            response = case.call(base_url=server, headers=headers, timeout=30)
        except UnicodeEncodeError:  # a hostile string in a header: no HTTP client can send it
            return
        sent.append(response.status_code)
        try:
            case.validate_response(response, checks=[not_a_server_error], headers=headers)
        except FailureGroup:
            failures.append(f"{operation.label} → {response.status_code}\n{case.as_curl_command(headers=headers)}"
                            f"\n{response.text[:300]}")

    send()
    return len(sent)


def test_no_v1_call_answers_a_server_error_whatever_it_is_sent(world):
    schema = schemathesis.openapi.from_url(f"{world.server}{V1}/openapi.json", config=CONFIG, timeout=30)
    operations = [result.ok() for result in schema.get_all_operations()]
    # Every call but the document itself, which schemathesis leaves out (it has just fetched it).
    described = {f"{method.upper()} {path}" for path, item in spec()["paths"].items() for method in item}
    assert {operation.label for operation in operations} == described - {f"GET {V1}/openapi.json"}
    failures: list[str] = []
    started, requests_sent = time.monotonic(), 0
    for role, own_tags in OWN_TAGS.items():
        for operation in operations:
            own = bool(own_tags & set(operation.tags))
            if role in OWN_CALLS_ONLY and not own:
                continue
            examples = EXAMPLES if own else REFUSED_EXAMPLES
            sent = fuzz(operation, world.ids_for(operation.path), world.server, world.headers[role], examples,
                        failures)
            assert sent > 0, operation.label
            requests_sent += sent
    print(f"fuzz: {len(operations)} calls × {len(OWN_TAGS)} callers, {requests_sent} requests "
          f"in {time.monotonic() - started:.1f} s")
    assert not failures, f"{len(failures)} server errors:\n\n" + "\n\n".join(failures)

"""Publishing a course with a test: the bank must fill a paper before review; a revision
carries the bank, and trainees draw from the published bank until the revision is approved."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.db import utcnow
from core.extensions import db
from courses.models import Course, ExamSettings, Question
from courses.rules import EXAM_DEFAULTS
from courses.studio import publishing
from courses.studio.publishing import PublishingError
from learning.models import ExamAttempt


def add_bank(course: Course, single: int = 5, multiple: int = 3, judge: int = 2, prefix: str = "题") -> None:
    kinds = ["single"] * single + ["multiple"] * multiple + ["judge"] * judge
    for n, kind in enumerate(kinds, start=len(course.questions) + 1):
        options = ["正确", "错误"] if kind == "judge" else ["甲", "乙", "丙"]
        course.questions.append(Question(kind=kind, stem=f"{prefix}{n}", options=options,
                                         answer=[0, 1] if kind == "multiple" else [0], position=n))
    db.session.commit()


@pytest.fixture
def draft(make_course):
    return make_course(title="应急管理概论", status="draft", lessons=1)


def test_a_required_test_whose_bank_cannot_fill_a_paper_blocks_submitting(draft):
    add_bank(draft, multiple=1)
    with pytest.raises(PublishingError) as caught:
        publishing.submit(draft, utcnow())
    assert caught.value.code == "not_ready" and "多选题只有 1 道，少于每份试卷抽取的 3 道" in caught.value.message
    assert draft.status == "draft"

    draft.exam = ExamSettings(**{**EXAM_DEFAULTS, "required": False})
    assert publishing.submit_problem(draft) is None  # no test required: the bank may be short
    draft.exam.required = True
    add_bank(draft, single=0, multiple=2, judge=0)
    publishing.submit(draft, utcnow())
    assert draft.status == "submitted"


def test_a_course_without_questions_is_submitted_as_before(draft):
    publishing.submit(draft, utcnow())
    assert draft.status == "submitted"


def test_the_studio_page_and_the_call_say_why_it_cannot_be_submitted(client, draft, sign_in):
    add_bank(draft, judge=1)
    sign_in(draft.producer)
    refused = client.post(f"/api/v1/studio/courses/{draft.id}/submit")
    assert refused.status_code == 409 and "判断题只有 1 道" in refused.get_json()["error"]["message"]
    assert "判断题只有 1 道" in client.get(f"/studio/courses/{draft.id}").get_data(as_text=True)


def test_a_revision_carries_the_bank_and_its_approval_replaces_the_published_one(make_course, make_user):
    course = make_course(title="网络安全概论", lessons=1)
    add_bank(course)
    course.exam = ExamSettings(**{**EXAM_DEFAULTS, "pass_score": 60})
    db.session.commit()
    trainee = make_user()
    now = utcnow()
    started = ExamAttempt(user=trainee, course=course, year=now.year, pass_score=60, started_at=now,
                          deadline=now + timedelta(minutes=30), ip="192.0.2.1",
                          paper=[{"id": course.questions[0].id, "stem": "题1", "options": ["甲", "乙", "丙"],
                                  "answer": [0]}])
    db.session.add(started)
    db.session.commit()
    kept_id, dropped_id = course.questions[0].id, course.questions[1].id

    revision = publishing.revise_course(course, now)
    db.session.commit()
    assert [(q.stem, q.kind) for q in revision.questions] == [(q.stem, q.kind) for q in course.questions]
    assert revision.exam.pass_score == 60 and revision.exam is not course.exam

    revision.questions[0].options = ["甲", "乙", "丁"]
    revision.questions.pop(1)
    add_bank(revision, single=1, multiple=0, judge=0, prefix="新题")
    revision.exam.pass_score = 80
    db.session.commit()
    db.session.expire_all()
    published = db.session.get(Course, course.id)
    assert published.questions[0].options == ["甲", "乙", "丙"] and published.exam.pass_score == 60
    assert len(published.questions) == 10  # trainees keep the published bank meanwhile

    publishing.submit(revision, utcnow())
    result = publishing.approve(revision, make_user("reviewer"), utcnow())
    db.session.commit()
    db.session.expire_all()
    published = db.session.get(Course, course.id)
    assert result.id == course.id and published.exam.pass_score == 80
    assert published.questions[0].id == kept_id and published.questions[0].options == ["甲", "乙", "丁"]
    assert dropped_id not in [q.id for q in published.questions] and published.questions[-1].stem == "新题10"
    assert [q.position for q in published.questions] == list(range(1, 11))
    assert db.session.get(Course, revision.id) is None
    assert db.session.scalars(select(Question).where(Question.course_id == revision.id)).all() == []
    attempt = db.session.get(ExamAttempt, started.id)
    assert attempt.paper[0]["options"] == ["甲", "乙", "丙"]  # an attempt keeps the paper it drew

"""``flask demo seed``: accounts that log in, a published catalogue with real media, run twice safely."""
from collections import Counter
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from accounts.idnumber import normalize_id_number
from accounts.models import ROLES, User
from core.db import utcnow
from core.extensions import db
from courses.categories import ensure_categories
from courses.media import storage
from courses.models import Category, Course, ExamSettings, Lesson, Question, Video
from courses.rules import credit_tenths
from courses.studio.bank_rules import paper_problem
from demo import seed
from demo.data import DEMO_ACCOUNTS, DEMO_COURSES, DEMO_PASSWORD, PRODUCER_PHONE

AREAS = ("digital", "ip", "cybersecurity", "emergency")


def run_seed(app, *args):
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--quick", *args])
    db.session.expire_all()  # the command committed through its own session
    return result


def world() -> dict:
    """Everything a second run must leave alone: row counts and each row's last update."""
    counts = {model.__name__: db.session.scalar(select(func.count()).select_from(model))
              for model in (User, Category, Course, Lesson, Video, Question, ExamSettings)}
    updated = {
        "courses": sorted(db.session.execute(select(Course.id, Course.updated_at, Course.status))),
        "videos": sorted(db.session.execute(select(Video.id, Video.updated_at, Video.status))),
        "users": sorted(db.session.execute(select(User.id, User.password_hash))),
        "questions": sorted(db.session.execute(select(Question.id, Question.course_id, Question.stem))),
        "exams": sorted(db.session.execute(select(ExamSettings.course_id, ExamSettings.updated_at))),
    }
    return {"counts": counts, **updated}


def media_files(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def check_catalogue(app) -> None:
    courses = db.session.scalars(select(Course).where(Course.status == "published")).all()
    assert len(courses) >= 12
    per_category = Counter(c.category.code for c in courses)
    assert all(per_category[code] >= 2 for code in AREAS), per_category
    assert set(per_category) - set(AREAS), "some theme courses too"
    year = utcnow().astimezone(ZoneInfo("Asia/Shanghai")).year
    root = Path(app.config["MEDIA_ROOT"])
    for course in courses:
        assert course.catalogue_year == year and course.published_at is not None
        assert course.summary and course.instructor and 1 <= len(course.lessons) <= 3
        total = sum(lesson.video.duration_seconds for lesson in course.lessons)
        assert course.credit_tenths == credit_tenths(total, app.config["CREDIT_MINUTES_PER_HOUR"])
        for lesson in course.lessons:
            check_video(lesson.video, course.producer, root)
        check_bank(course)


def check_bank(course: Course) -> None:
    """A test a reader of the lessons can pass: at least 10 questions of each kind's mix, a
    paper of 100 points drawn from what the bank holds, a pass mark of 60."""
    kinds = Counter(question.kind for question in course.questions)
    assert len(course.questions) >= 10 and set(kinds) == {"single", "multiple", "judge"}, course.title
    assert all(question.explanation for question in course.questions)
    assert paper_problem(course) is None and course.exam.required and course.exam.pass_score == 60


def check_video(video: Video, producer: User, root: Path) -> None:
    assert (video.owner_id, video.status, video.progress) == (producer.id, "ready", 100)
    assert video.duration_seconds == pytest.approx(2, abs=0.2)  # --quick caps every clip
    [rendition] = video.renditions
    assert (rendition["height"], rendition["width"]) == (360, 640) == (video.height, video.width)
    assert rendition["path"] == storage.rendition_path(video.id, 360)
    assert storage.resolve(rendition["path"], root).stat().st_size == rendition["bytes"] > 0
    assert storage.resolve(video.poster_path, root).read_bytes()[:3] == b"\xff\xd8\xff"


def check_accounts() -> None:
    users = db.session.scalars(select(User).where(User.phone.in_([a.phone for a in DEMO_ACCOUNTS]))).all()
    assert sorted(u.role for u in users) == sorted(ROLES)
    for user in users:
        assert check_password_hash(user.password_hash, DEMO_PASSWORD), user.role
        assert normalize_id_number(user.id_number, date.today()) == user.id_number
    producer = next(u for u in users if u.role == "producer")
    assert producer.organisation
    assert next(u for u in users if u.role == "bureau").region_code == "110000"


@pytest.mark.slow
def test_seed_resumes_after_failure_builds_the_world_and_reruns_change_nothing_but_lost_files(app):
    app.config["FFMPEG"] = "/nonexistent/ffmpeg"
    failed = run_seed(app)
    assert failed.exit_code == 1
    assert "/nonexistent/ffmpeg" in failed.output
    published = select(func.count()).select_from(Course).where(Course.status == "published")
    assert db.session.scalar(published) == 0
    assert db.session.scalar(select(func.count()).select_from(Video).where(Video.status == "failed")) > 0

    app.config["FFMPEG"] = "ffmpeg"
    first = run_seed(app)
    assert first.exit_code == 0, first.output
    check_catalogue(app)
    check_accounts()
    for account in DEMO_ACCOUNTS:
        assert account.phone in first.output
    assert DEMO_PASSWORD in first.output

    root = Path(app.config["MEDIA_ROOT"])
    before, files = world(), media_files(root)
    second = run_seed(app)
    assert second.exit_code == 0, second.output
    assert world() == before
    assert media_files(root) == files
    assert DEMO_PASSWORD in second.output

    video = db.session.scalars(select(Video).order_by(Video.id)).first()
    rendition = storage.resolve(video.renditions[0]["path"], root)
    poster = storage.resolve(video.poster_path, root)
    rendition.unlink()
    poster.unlink()
    repaired = run_seed(app)
    assert repaired.exit_code == 0, repaired.output
    assert rendition.is_file() and poster.read_bytes()[:3] == b"\xff\xd8\xff"
    assert world()["counts"] == before["counts"]
    assert not list(root.rglob(".*")), "no temporary files are left behind"


def test_accounts_already_taken_are_left_alone(app, make_user):
    taken = DEMO_ACCOUNTS[0]
    user = make_user("trainee", phone=taken.phone, real_name="王五")
    rows = seed.ensure_accounts()
    db.session.commit()
    assert rows[0].user.id == user.id and not rows[0].created and not rows[0].demo_password
    assert rows[0].user.real_name == "王五"
    assert [row.created for row in rows[1:]] == [True] * (len(DEMO_ACCOUNTS) - 1)


def test_without_quick_the_plan_holds_the_real_45_minute_lesson(app):
    producer = next(row.user for row in seed.ensure_accounts() if row.account.phone == PRODUCER_PHONE)
    plans = seed.ensure_courses(producer, ensure_categories(), utcnow(), Path(app.config["MEDIA_ROOT"]), None)
    seconds = sorted(job.seconds for plan in plans for job in plan.jobs)
    assert seconds[-1] == 45 * 60 and credit_tenths(seconds[-1], 45) == 10
    assert all(100 <= s <= 500 for s in seconds[:-1])
    for plan in plans:  # no course in the catalogue is worth 0.0 学时
        assert credit_tenths(sum(job.seconds for job in plan.jobs), 45) >= 1, plan.course.title
    assert all(plan.course.status == "draft" for plan in plans), "published only once its media exist"


def test_the_demo_catalogue_fits_its_columns():
    for spec in DEMO_COURSES:
        assert len(spec.title) <= 128 and len(spec.instructor) <= 64
        assert all(len(title) <= 128 for title, _seconds in spec.lessons)
        assert 2 <= spec.summary.count("。") <= 3, spec.title

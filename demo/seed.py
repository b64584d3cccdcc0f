"""Rows of the demo world: accounts, their unit, courses, lessons and their videos. Helpers flush only.

A demo account is known by its phone or ID number, a demo course by its exact title and
the demo producer: what exists already is left as it is.
"""
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from accounts.idnumber import check_digit
from accounts.models import User
from core.extensions import db
from core.tz import CHINA
from courses.models import Category, Course, Lesson, Video
from courses.rules import credit_tenths
from courses.studio import bank
from demo import media
from demo.data import (
    BACKGROUNDS,
    DEMO_ACCOUNTS,
    DEMO_COURSES,
    DEMO_PASSWORD,
    DEMO_UNIT,
    SERIES_PER_YEAR,
    DemoAccount,
    DemoCourse,
)
from demo.questions import BANKS, EXAM_SETTINGS, DemoQuestion, series_bank
from units.creditcode import check_character
from units.models import Unit, UnitLink

# A 专题班's lessons are at least this share of the second-longest demo lesson (which --quick caps too).
SERIES_LESSON_SHARE = 0.75
SERIES_CATEGORIES = ("digital", "ip", "cybersecurity", "emergency", "knowledge", "science", "ethics", "teamwork")


class AccountRow(NamedTuple):
    account: DemoAccount
    user: User
    created: bool
    demo_password: bool  # whether DEMO_PASSWORD still opens it


class CoursePlan(NamedTuple):
    course: Course
    created: bool
    jobs: list[media.ClipJob]


def demo_id_number(account: DemoAccount) -> str:
    return account.id_first17 + check_digit(account.id_first17)


def ensure_unit() -> Unit:
    """The demo unit (:data:`DEMO_UNIT`), created when its credit code is not yet registered."""
    code = DEMO_UNIT.credit_first17 + check_character(DEMO_UNIT.credit_first17)
    unit = db.session.scalar(select(Unit).where(Unit.credit_code == code))
    if unit is None:
        unit = Unit(name=DEMO_UNIT.name, credit_code=code, region_code=DEMO_UNIT.region_code,
                    address=DEMO_UNIT.address)
        db.session.add(unit)
        db.session.flush()
    return unit


def ensure_accounts() -> list[AccountRow]:
    """The demo accounts, created where neither their phone nor their ID number is taken; the
    unit administrator administers the demo unit, on whose staff the new trainee is."""
    unit = ensure_unit()
    rows = []
    for account in DEMO_ACCOUNTS:
        id_number = demo_id_number(account)
        user = db.session.scalar(
            select(User).where(or_(User.phone == account.phone, User.id_number == id_number)))
        created = user is None
        if created:
            user = User(role=account.role, real_name=account.real_name, id_number=id_number,
                        phone=account.phone, employer=account.employer, region_code=account.region_code,
                        title=account.title, organisation=account.organisation,
                        password_hash=generate_password_hash(DEMO_PASSWORD),
                        unit_id=unit.id if account.role == "unit_admin" else None)
            db.session.add(user)
            if account.role == "trainee":
                db.session.add(UnitLink(user=user, unit=unit, status="confirmed"))
        rows.append(AccountRow(account, user, created,
                               created or check_password_hash(user.password_hash, DEMO_PASSWORD)))
    db.session.flush()
    return rows


def ensure_courses(producer: User, categories: dict[str, Category], now: datetime,
                   media_root: Path, max_seconds: float | None) -> list[CoursePlan]:
    """Every demo course (new ones as drafts with pending videos) and the clips each still needs."""
    year = now.astimezone(CHINA).year
    plans = []
    for spec in DEMO_COURSES:
        course = db.session.scalar(
            select(Course).where(Course.title == spec.title, Course.producer_id == producer.id))
        created = course is None
        if created:
            course = _new_course(spec, producer, categories[spec.category], year)
        if course.status == "draft":  # a published course's bank changes only by a revision
            ensure_bank(course, BANKS[spec.title])
        plans.append(CoursePlan(course, created, _clip_jobs(course, spec, media_root, max_seconds)))
    return plans


def finish_course(course: Course, minutes_per_hour: int, now: datetime) -> bool:
    """Set the credit from the real durations and publish a draft whose videos are all ready.

    Returns whether the course was published now. Unchanged values are not rewritten.
    """
    videos = [lesson.video for lesson in course.lessons]
    if not videos or any(v.status != "ready" for v in videos):
        return False
    tenths = credit_tenths(sum(v.duration_seconds for v in videos), minutes_per_hour)
    if course.credit_tenths != tenths:
        course.credit_tenths = tenths
    if course.status != "draft":
        return False
    course.status, course.published_at = "published", now
    return True


def ensure_bank(course: Course, questions: list[DemoQuestion] | tuple[DemoQuestion, ...]) -> bool:
    """Give a draft ``course`` with an empty bank ``questions`` and the demo's exam settings,
    through the studio's bank service (the rules a producer's questions pass). A bank that
    holds questions is left as it is. Returns whether the bank was made now."""
    if course.questions or not questions:
        return False
    for question in questions:
        bank.add_question(course, question.values())
    bank.save_settings(course, EXAM_SETTINGS)
    return True


def _new_course(spec: DemoCourse, producer: User, category: Category, year: int) -> Course:
    course = Course(title=spec.title, summary=spec.summary, instructor=spec.instructor, category=category,
                    producer=producer, organisation=producer.organisation, status="draft",
                    catalogue_year=year, subject_type=spec.subject_type, sector_public=spec.sector_public,
                    credit_tenths=0)
    for position, (title, _seconds) in enumerate(spec.lessons, start=1):
        video = Video(owner=producer, original_filename=f"{title}.mp4", status="processing", progress=0)
        course.lessons.append(Lesson(position=position, title=title, video=video))
    db.session.add(course)
    db.session.flush()
    return course


def _clip_jobs(course: Course, spec: DemoCourse, root: Path,
               max_seconds: float | None) -> list[media.ClipJob]:
    planned = dict(enumerate((seconds for _title, seconds in spec.lessons), start=1))
    jobs = []
    for lesson in course.lessons:
        video = lesson.video
        need_video, need_poster = media.missing(video, root)
        if not (need_video or need_poster):
            continue
        seconds = planned.get(lesson.position) or video.duration_seconds or 60
        if max_seconds:
            seconds = min(seconds, max_seconds)
        jobs.append(media.ClipJob(video.id, course.title, f"第{lesson.position}讲\n{lesson.title}", seconds,
                                  BACKGROUNDS.get(spec.category, "0x1f4e79"), need_video, need_poster,
                                  spec.instructor))
    return jobs


def series_title(year: int, number: int) -> str:
    return f"{year}年度公需科目专题班（第{number}期）"


def ensure_series(producer: User, categories: dict[str, Category], now: datetime,
                  minutes_per_hour: int) -> list[Course]:
    """The year's and the previous year's 专题班: published 公需 courses whose lessons replay the 公需 demo
    courses' lessons (their videos, so nothing more is rendered), worth what those run to.

    Made only once every 公需 demo course is published, and only when they are worth something;
    what exists already is left as it is.
    """
    public = [spec.title for spec in DEMO_COURSES if spec.subject_type == "gongxu"]  # a 专题班 is 公需
    sources = db.session.scalars(select(Course).where(
        Course.producer_id == producer.id, Course.title.in_(public))).all()
    if len(sources) < len(public) or any(course.status != "published" for course in sources):
        return []
    longest = sorted(lesson.video.duration_seconds for course in sources for lesson in course.lessons)[-2]
    # The longer lessons only: a 专题班 is studied in fewer, longer sittings.
    lessons = [lesson for course in sorted(sources, key=lambda c: c.id) for lesson in course.lessons
               if lesson.video.duration_seconds >= SERIES_LESSON_SHARE * longest]
    if not credit_tenths(sum(lesson.duration_seconds for lesson in lessons), minutes_per_hour):
        return []  # clips too short to be worth a tenth (demo seed --quick): nothing to study for
    this_year = now.astimezone(CHINA).year
    made = []
    for year in (this_year - 1, this_year):
        for number in range(1, SERIES_PER_YEAR + 1):
            title = series_title(year, number)
            if db.session.scalar(select(Course.id).where(Course.title == title, Course.producer_id == producer.id)):
                continue
            turn = (number * 5) % len(lessons)  # each 专题班 takes the lessons in another order
            replayed = lessons[turn:] + lessons[:turn]
            series = _series(title, year, replayed, producer,
                             categories[SERIES_CATEGORIES[(number - 1) % len(SERIES_CATEGORIES)]], minutes_per_hour)
            # Its test draws from the banks of the courses whose lessons it replays.
            ensure_bank(series, series_bank([lesson.course.title for lesson in replayed]))
            series.status = "published"
            made.append(series)
    db.session.flush()
    return made


def _series(title: str, year: int, lessons: list[Lesson], producer: User, category: Category,
            minutes_per_hour: int) -> Course:
    """The 专题班 as a draft (published once its bank is in)."""
    published = datetime(year, 1, 2, 9, tzinfo=CHINA)
    course = Course(title=title, summary=f"{year}年度公需科目专题班，汇集数字技术、知识产权、网络安全、应急管理等"
                                         "专题讲座，适合集中学习。",
                    instructor="知新课程制作中心 教研组", category=category, producer=producer,
                    organisation=producer.organisation, status="draft", catalogue_year=year,
                    subject_type="gongxu",  # demo.year plays a year of 公需 study on these
                    published_at=published, credit_tenths=credit_tenths(
                        sum(lesson.video.duration_seconds for lesson in lessons), minutes_per_hour))
    for position, lesson in enumerate(lessons, start=1):
        course.lessons.append(Lesson(position=position, title=lesson.title, video=lesson.video))
    db.session.add(course)
    db.session.flush()
    return course

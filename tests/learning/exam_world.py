"""A course with a question bank and a trainee who finished its lessons, for the test's
service, API and pages."""
from sqlalchemy import select

from core.db import utcnow
from core.extensions import db
from courses.models import Course, ExamSettings, Question
from learning.models import CreditRecord, ExamAttempt, LessonProgress

BANK = [
    ("single", "公需科目学时由谁认定？", ["学员自报", "平台服务器", "授课教师", "所在单位"], [1],
     "学时由服务器按观看记录认定。"),
    ("single", "一学时默认折合多少分钟？", ["30 分钟", "45 分钟", "60 分钟"], [1], "默认 45 分钟为 1 学时。"),
    ("single", "课程何时可以参加测验？", ["随时", "学完全部讲次后", "开课前"], [1], "学完全部讲次后测验开放。"),
    ("multiple", "以下哪些属于诚信学习要求？", ["本人观看", "倍速刷课", "按时完成测验", "代人答题"], [0, 2],
     "本人观看、按时作答。"),
    ("multiple", "测验题型包括？", ["单选", "多选", "判断", "论述"], [0, 1, 2], "本平台测验只有三种题型。"),
    ("judge", "未交卷的测验超时后由服务器按已保存的答案评分。", ["正确", "错误"], [0], "截止后服务器评分。"),
    ("judge", "多选题选对一部分也能得分。", ["正确", "错误"], [1], "多选题全对才得分。"),
]
SETTINGS = {"required": True, "pass_score": 60, "time_limit_minutes": 30, "max_attempts": 3,
            "draw": {"single": 2, "multiple": 1, "judge": 1}, "points": {"single": 30, "multiple": 20, "judge": 20}}


def add_bank(course: Course, **settings) -> Course:
    """Give ``course`` the bank above and exam settings (``SETTINGS`` with ``settings`` over them)."""
    for position, (kind, stem, options, answer, explanation) in enumerate(BANK, start=1):
        db.session.add(Question(course_id=course.id, position=position, kind=kind, stem=stem, options=options,
                                answer=answer, explanation=explanation))
    db.session.add(ExamSettings(course_id=course.id, **{**SETTINGS, **settings}))
    db.session.commit()
    return course


def complete_lessons(user, course: Course, now=None) -> None:
    """Every lesson of ``course`` complete for ``user``, as the heartbeats would leave it."""
    now = now or utcnow()
    for lesson in course.lessons:
        duration = lesson.video.duration_seconds
        db.session.add(LessonProgress(user_id=user.id, lesson_id=lesson.id, course_id=course.id,
                                      intervals=[[0.0, duration]], covered_seconds=duration, position=duration,
                                      completed_at=now, updated_at=now))
    db.session.commit()


def right_answers(attempt: ExamAttempt) -> dict:
    return {str(q["id"]): q["answer"] for q in attempt.paper}


def wrong_answers(attempt: ExamAttempt) -> dict:
    """An answer to every question, each one wrong."""
    return {str(q["id"]): [next(i for i in range(len(q["options"])) if [i] != q["answer"])]
            for q in attempt.paper}


def attempt(attempt_id: int) -> ExamAttempt:
    db.session.expire_all()
    return db.session.get(ExamAttempt, attempt_id)


def credits(user) -> list[CreditRecord]:
    db.session.expire_all()
    return db.session.scalars(select(CreditRecord).where(CreditRecord.user_id == user.id)).all()

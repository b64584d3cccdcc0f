"""A course's question bank and exam settings, shared by the studio page, the v1 calls and
the review screen: adding, editing, deleting, reordering and importing questions, saving the
settings, and their JSON shapes.

The rules are in ``courses.studio.bank_rules`` (``BankError`` for what a producer sent);
whether the course may change now is ``publishing.check_editable`` (``PublishingError``).
Everything here flushes; the view commits.
"""
from flask_babel import gettext as _

from core.extensions import db
from courses.models import Course, ExamSettings, Question
from courses.rules import QUESTION_KINDS, exam_rules
from courses.studio import publishing
from courses.studio.bank_rules import (
    KIND_NAMES,
    SETTINGS_FIELDS,
    clean_question,
    clean_settings,
    paper_problem,
    settings_values,
)
from courses.studio.publishing import PublishingError

# ---- shown -----------------------------------------------------------------------------------

def question_json(question: Question) -> dict:
    return {"id": question.id, "position": question.position, "kind": question.kind, "stem": question.stem,
            "options": list(question.options), "answer": list(question.answer),
            "explanation": question.explanation}


def exam_json(course: Course) -> dict:
    """The settings as they apply (``required`` also false for an empty bank: rule 13),
    with what the bank holds per kind and why it cannot yet fill a paper."""
    values = settings_values(course.exam)
    rules = exam_rules(course.exam, len(course.questions))
    counts = {kind: sum(1 for q in course.questions if q.kind == kind) for kind in QUESTION_KINDS}
    return {**values, "required": rules.required, "bank": counts, "paper_size": rules.paper_size,
            "paper_points": rules.paper_points, "problem": paper_problem(course)}


def bank_json(course: Course) -> dict:
    return {"exam": exam_json(course), "questions": [question_json(q) for q in course.questions]}


def kind_name(kind: str) -> str:
    return str(KIND_NAMES.get(kind, kind))


# ---- changes (flush only) --------------------------------------------------------------------

def _stems(course: Course, besides: Question | None = None) -> list[str]:
    return [question.stem for question in course.questions if question is not besides]


def add_question(course: Course, values: dict) -> Question:
    """Append a question to ``course``'s bank (``BankError`` for bad values)."""
    publishing.check_editable(course)
    question = Question(**clean_question(values, _stems(course)), position=len(course.questions) + 1)
    course.questions.append(question)
    db.session.flush()
    return question


def edit_question(course: Course, question: Question, values: dict) -> None:
    """Change ``question``: ``values`` over what it holds (a PATCH may send one field)."""
    publishing.check_editable(course)
    current = {"kind": question.kind, "stem": question.stem, "options": list(question.options),
               "answer": list(question.answer), "explanation": question.explanation}
    if values.get("kind", question.kind) != question.kind and "options" not in values:
        current["options"] = []  # a question turned 判断 takes 正确/错误
    for name, value in clean_question({**current, **values}, _stems(course, question)).items():
        setattr(question, name, value)
    db.session.flush()


def _renumber(course: Course, ordered: list[Question]) -> None:
    course.questions = ordered
    for position, question in enumerate(ordered, start=1):
        question.position = position
    db.session.flush()


def delete_question(course: Course, question: Question) -> None:
    publishing.check_editable(course)
    _renumber(course, [q for q in course.questions if q is not question])


def reorder_questions(course: Course, question_ids: list[int]) -> None:
    """Put the bank in the order of ``question_ids``, which must name each question once."""
    publishing.check_editable(course)
    by_id = {question.id: question for question in course.questions}
    if sorted(question_ids) != sorted(by_id):
        raise PublishingError(_("新的顺序必须恰好包含题库中的每道题一次。"), "invalid_order")
    _renumber(course, [by_id[question_id] for question_id in question_ids])


def move_question(course: Course, question: Question, step: int) -> None:
    """Move ``question`` one place up (``step=-1``) or down (``step=1``); at an end, stay."""
    ids = [item.id for item in course.questions]
    index = ids.index(question.id)
    if 0 <= index + step < len(ids):
        ids[index], ids[index + step] = ids[index + step], ids[index]
    reorder_questions(course, ids)


def save_settings(course: Course, values: dict) -> dict:
    """Store ``values`` (any settings fields) over the course's settings; returns them all."""
    publishing.check_editable(course)
    cleaned = clean_settings(values, settings_values(course.exam))
    if course.exam is None:
        course.exam = ExamSettings()
    for name in SETTINGS_FIELDS:
        setattr(course.exam, name, cleaned[name])
    db.session.flush()
    return cleaned


def import_questions(course: Course, rows: list[dict]) -> list[Question]:
    """Append ``rows`` — questions already cleaned by ``bank_xlsx.parse`` against this bank."""
    publishing.check_editable(course)
    start = len(course.questions)
    added = [Question(**row, position=start + n) for n, row in enumerate(rows, start=1)]
    course.questions.extend(added)
    db.session.flush()
    return added

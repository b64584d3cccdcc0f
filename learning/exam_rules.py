"""The course test (docs/rules.md rule 13) as plain functions: drawing a paper, what a
trainee may see of it, checking and grading answers, deadlines, attempts and the review.

No app, no database: ``now`` and a ``random.Random`` are passed in. A *paper* is a list of
questions as drawn for one attempt, each a dict::

    {"id": 7, "kind": "multiple", "stem": "…", "options": ["…", …],  # in this attempt's order
     "answer": [0, 2], "points": 10, "explanation": "…"}

Only :func:`public_paper` and :func:`review` build what leaves the server.
"""
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _

from courses.rules import QUESTION_KINDS, ExamRules
from learning.rules import credit_year

PUBLIC_FIELDS = ("id", "kind", "stem", "options")
ONE_ANSWER_KINDS = ("single", "judge")


class BankTooSmall(ValueError):
    """The bank holds fewer questions of a kind than a paper draws."""

    def __init__(self, kind: str, wanted: int, available: int):
        super().__init__(f"{kind}: {wanted} wanted, {available} in the bank")
        self.kind, self.wanted, self.available = kind, wanted, available


class AnswerError(ValueError):
    """Answers that do not fit the paper: answered 422, nothing saved."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def shuffled_question(question, points: int, rng: random.Random) -> dict:
    """One question of a paper: its options in a random order, the right ones remapped to it.
    判断 keeps 正确 before 错误: a true/false pair in a random order only confuses."""
    order = list(range(len(question.options)))
    if question.kind != "judge":
        rng.shuffle(order)
    right = set(question.answer)
    return {
        "id": question.id, "kind": question.kind, "stem": question.stem,
        "options": [question.options[i] for i in order],
        "answer": sorted(new for new, old in enumerate(order) if old in right),
        "points": points, "explanation": question.explanation or "",
    }


def draw_paper(bank: Iterable, rules: ExamRules, rng: random.Random) -> list[dict]:
    """``rules.draw[kind]`` questions of each kind at random from ``bank`` (objects with id,
    kind, stem, options, answer, explanation), kinds in the order 单选, 多选, 判断."""
    by_kind: dict[str, list] = {kind: [] for kind in QUESTION_KINDS}
    for question in bank:
        by_kind.setdefault(question.kind, []).append(question)
    paper = []
    for kind in QUESTION_KINDS:
        wanted = int(rules.draw.get(kind, 0) or 0)
        pool = sorted(by_kind[kind], key=lambda q: q.id)  # the same seed draws the same paper
        if wanted > len(pool):
            raise BankTooSmall(kind, wanted, len(pool))
        points = int(rules.points.get(kind, 0) or 0)
        paper.extend(shuffled_question(q, points, rng) for q in rng.sample(pool, wanted))
    return paper


def public_paper(paper: Sequence[Mapping]) -> list[dict]:
    """The paper as the trainee sees it while the attempt runs: no answers, no explanations."""
    return [{name: question[name] for name in PUBLIC_FIELDS} for question in paper]


def _indices(question: Mapping, chosen) -> list[int]:
    if not isinstance(chosen, list) or any(type(i) is not int for i in chosen):
        raise AnswerError("invalid_answer", _("答案应为选项序号的列表。"))
    if any(i < 0 or i >= len(question["options"]) for i in chosen):
        raise AnswerError("option_out_of_range", _("所选选项不存在。"))
    if len(set(chosen)) != len(chosen):
        raise AnswerError("invalid_answer", _("同一选项不能重复选择。"))
    if question["kind"] in ONE_ANSWER_KINDS and len(chosen) > 1:
        raise AnswerError("one_answer_only", _("单选题和判断题只能选择一个答案。"))
    return sorted(chosen)


def check_answers(paper: Sequence[Mapping], answers) -> dict[str, list[int]]:
    """``answers`` ({"<question id>": [option indices]}) checked against ``paper``: every id
    on the paper, every index among the question's options, at most one for 单选 and 判断.
    Returns them normalised (indices sorted); raises :class:`AnswerError` otherwise."""
    if not isinstance(answers, dict):
        raise AnswerError("invalid_answers", _("答案格式不正确。"))
    questions = {str(question["id"]): question for question in paper}
    checked = {}
    for qid, chosen in answers.items():
        if qid not in questions:
            raise AnswerError("unknown_question", _("试卷中没有这道题。"))
        checked[qid] = _indices(questions[qid], chosen)
    return checked


def merge_answers(saved: Mapping[str, list[int]], checked: Mapping[str, list[int]]) -> dict[str, list[int]]:
    """Saved answers with ``checked`` (from :func:`check_answers`) laid over them; an empty
    list takes a question's answer back."""
    merged = {**saved, **checked}
    return {qid: chosen for qid, chosen in merged.items() if chosen}


def is_right(question: Mapping, chosen: Sequence[int] | None) -> bool:
    """单选/判断: the one right option; 多选: exactly the right options (all or nothing)."""
    return bool(chosen) and sorted(chosen) == sorted(question["answer"])


@dataclass(frozen=True)
class Grade:
    score: int
    passed: bool


def grade(paper: Sequence[Mapping], answers: Mapping[str, list[int]], pass_score: int) -> Grade:
    """The score (the points of the questions answered right) and whether it reaches the pass mark."""
    score = sum(int(q["points"]) for q in paper if is_right(q, answers.get(str(q["id"]))))
    return Grade(score, score >= pass_score)


def deadline(started_at: datetime, time_limit_minutes: int) -> datetime:
    return started_at + timedelta(minutes=time_limit_minutes)


def accepts_answers(deadline_at: datetime, now: datetime) -> bool:
    """Answers are taken strictly before the deadline, on the server's clock."""
    return now < deadline_at


def attempts_left(max_attempts: int, attempt_years: Iterable[int], now: datetime) -> int:
    """Attempts left in ``now``'s credit year, given the credit year of each attempt started."""
    year = credit_year(now)
    return max(max_attempts - sum(1 for started in attempt_years if started == year), 0)


def best_score(scores: Iterable[int | None]) -> int | None:
    """The best of the graded scores (None while none is graded)."""
    return max((score for score in scores if score is not None), default=None)


def review_allowed(passed: bool, left: int) -> bool:
    """Right answers and explanations are shown once the trainee passed or has no attempts
    left; before that, a script could learn them by trying each option in turn."""
    return passed or left <= 0


def review(paper: Sequence[Mapping], answers: Mapping[str, list[int]]) -> list[dict]:
    """Each question with what was chosen, whether it was right, the right options and why."""
    return [{**{name: q[name] for name in PUBLIC_FIELDS}, "chosen": list(answers.get(str(q["id"]), [])),
             "correct": is_right(q, answers.get(str(q["id"]))), "answer": list(q["answer"]),
             "points": q["points"], "explanation": q.get("explanation", "")} for q in paper]


def answered(paper: Sequence[Mapping], answers: Mapping[str, list[int]]) -> int:
    return sum(1 for q in paper if answers.get(str(q["id"])))

"""Taking a course's test at a moment in the past, through the exam service and the rules.

What the trainee's exam page does (learning/exam_api.py), with ``now`` injected: start an
attempt once the lessons are complete (:func:`exams.start` draws the paper), save the
answers a few minutes later, submit. A pass credits the course (docs/rules.md rules 7 and 13)
as it does for a real trainee. Most pass at once, some fail once and pass the second
attempt, and a trainee who is short anyway (``may_give_up``) now and then fails and leaves it.
Helpers flush; the caller commits.
"""
import random
from datetime import datetime, timedelta

from courses.models import Course
from learning import exams

FAIL_ONCE = 0.12  # a test failed once, then passed
GIVE_UP = 0.15  # of a trainee who is short anyway: failed, and not taken again


class Examinee:
    """One trainee's tests: their own random draws (the papers and the answers), so that
    the watching plan drawn elsewhere stays what it was."""

    def __init__(self, user_id: int, ip: str, rng: random.Random, may_give_up: bool = False,
                 always_pass: bool = False):
        self.user_id, self.ip, self.rng = user_id, ip, rng
        self.may_give_up, self.always_pass = may_give_up, always_pass

    def take(self, course: Course, lessons_ended: datetime) -> datetime:
        """Take ``course``'s test after its last lesson ended; returns when the last attempt
        was submitted. Attempts go on until a pass, a give-up, or no attempts left."""
        plan = self._plan()
        moment = lessons_ended + timedelta(minutes=self.rng.randrange(1, 10))
        for passing in plan:
            try:
                attempt = exams.start(self.user_id, course.id, moment, self.ip, self.rng)
            except exams.ExamRefused:  # no test, lessons incomplete, passed, or no attempts left
                return moment
            moment = self._answer(attempt, passing, moment)
            if attempt.passed:
                break
            moment += timedelta(minutes=self.rng.randrange(5, 60))  # read the course again
        return moment

    def _plan(self) -> tuple[bool, ...]:
        """Whether each attempt is meant to pass."""
        if self.always_pass:
            return (True,)
        draw = self.rng.random()
        if self.may_give_up and draw < GIVE_UP:
            return (False,)
        return (False, True) if draw > 1 - FAIL_ONCE else (True,)

    def _answer(self, attempt, passing: bool, started: datetime) -> datetime:
        """Answer the paper (enough right to pass, or too few), save and submit it."""
        paper = attempt.paper
        right = self.rng.randint(7, len(paper)) if passing else self.rng.randint(2, 5)
        known = set(self.rng.sample(range(len(paper)), min(right, len(paper))))
        answers = {str(q["id"]): list(q["answer"]) if n in known else _wrong(q) for n, q in enumerate(paper)}
        saved = started + timedelta(minutes=self.rng.randrange(3, 15), seconds=self.rng.randrange(60))
        exams.save_answers(self.user_id, attempt.id, answers, saved)
        submitted = saved + timedelta(seconds=self.rng.randrange(10, 90))
        exams.submit(self.user_id, attempt.id, submitted)
        return submitted


def _wrong(question: dict) -> list[int]:
    """An answer that is not the right one: another option, or for 多选 only one of the right ones."""
    right = list(question["answer"])
    if question["kind"] == "multiple":
        return right[:1]
    return [next(i for i in range(len(question["options"])) if i not in right)]

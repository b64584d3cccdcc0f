"""The kinds of check (issue 19; docs/architecture.md "Checks during video study" gives the
contract): each issues its challenge onto a due check, says what the player is shown, and
judges an answer into a verdict. Crediting or dropping the held stretch is the same for every
kind (learning.check_store, learning.check_api).

``SCHEDULED`` lists the kinds the heartbeat plans by position when a rule set turns them on;
a kind that this build cannot issue (``face`` until its room registers it) stays unplanned.
"""
import random

from sqlalchemy import select

from core.extensions import db
from courses.models import Question
from learning import checks
from learning.models import WatchCheck

_RANDOM = random.SystemRandom()


class ChoiceKind:
    """A question the trainee answers with option indices: a bank question of the course
    (``question``; a small server-made sum when the bank is empty) or, for the idle check,
    always a server-made sum. The right answer stays in ``check.challenge`` on the server."""

    def __init__(self, from_bank: bool):
        self.from_bank = from_bank

    def issue(self, check: WatchCheck, course_id: int) -> None:
        bank = []
        if self.from_bank:
            bank = list(db.session.scalars(select(Question).where(Question.course_id == course_id)
                                           .order_by(Question.id)))
            if len(bank) > 1 and check.question_id is not None:  # asked again: not the same question
                bank = [question for question in bank if question.id != check.question_id] or bank
        if bank:
            question = _RANDOM.choice(bank)
            check.question_id, check.challenge = question.id, checks.choice_challenge(question, _RANDOM)
        else:
            check.question_id, check.challenge = None, checks.sum_challenge(_RANDOM)

    def shown(self, check: WatchCheck) -> dict:
        return {"question": {"id": check.question_id, **checks.public(check.challenge)}}

    def judge(self, check: WatchCheck, body: dict) -> bool | None:
        """True (right), False (wrong), None (not an answer to this challenge)."""
        return checks.judge(check.challenge, body.get("answer"))


KINDS = {"question": ChoiceKind(from_bank=True), "idle": ChoiceKind(from_bank=False)}
SCHEDULED = ["question"]


def register(name: str, implementation, scheduled: bool = True) -> None:
    """Plug a kind in (e.g. ``face`` from its own room at import): ``implementation`` has
    ``issue``, ``shown`` and ``judge`` as :class:`ChoiceKind` has and, when its ``judge`` may
    answer ``"pending"``, ``verdict(check)`` → (True, False, ``"review"`` or ``"pending"``, message)."""
    KINDS[name] = implementation
    if scheduled and name not in SCHEDULED:
        SCHEDULED.append(name)


def kind(name: str):
    return KINDS[name]

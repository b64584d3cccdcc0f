"""The sweep that grades course-test attempts left open past their deadline (docs/rules.md
rule 13): a trainee who closed the tab is graded with the answers saved by then, and a pass
credits the course (rule 7) without waiting for them to come back."""
from huey import crontab

from core import queue
from core.db import utcnow
from core.extensions import db
from learning import exams


def close_overdue_attempts() -> int:
    """Grade every overdue attempt, one batch per transaction; how many were closed."""
    closed = 0
    while True:
        batch = exams.close_overdue(utcnow())
        db.session.commit()
        closed += batch
        if batch < exams.SWEEP_BATCH:
            return closed


@queue.periodic_task(crontab(minute="*"))
def sweep_overdue_attempts() -> int:
    """Every minute: :func:`close_overdue_attempts`."""
    return close_overdue_attempts()

"""Catalogue rules as plain functions."""
import math
from dataclasses import dataclass, field

QUESTION_KINDS = ("single", "multiple", "judge")
EXAM_DEFAULTS = {"required": True, "pass_score": 60, "time_limit_minutes": 30, "max_attempts": 3,
                 "draw": {"single": 5, "multiple": 3, "judge": 2},
                 "points": {"single": 10, "multiple": 10, "judge": 10}}


def credit_tenths(total_seconds: float, minutes_per_hour: int) -> int:
    """A course's 学时 in tenths: floor(10 × duration / U), U = minutes_per_hour × 60 s."""
    unit = minutes_per_hour * 60
    return math.floor(10 * total_seconds / unit + 1e-9)


@dataclass(frozen=True)
class ExamRules:
    """A course's test as it applies (docs/rules.md rule 13)."""

    required: bool
    pass_score: int = EXAM_DEFAULTS["pass_score"]
    time_limit_minutes: int = EXAM_DEFAULTS["time_limit_minutes"]
    max_attempts: int = EXAM_DEFAULTS["max_attempts"]
    draw: dict[str, int] = field(default_factory=lambda: dict(EXAM_DEFAULTS["draw"]))
    points: dict[str, int] = field(default_factory=lambda: dict(EXAM_DEFAULTS["points"]))

    @property
    def paper_size(self) -> int:
        return sum(self.draw.get(kind, 0) for kind in QUESTION_KINDS)

    @property
    def paper_points(self) -> int:
        return sum(self.draw.get(kind, 0) * self.points.get(kind, 0) for kind in QUESTION_KINDS)


def exam_rules(settings, bank_size: int) -> ExamRules:
    """The test of a course with exam ``settings`` (an ``ExamSettings`` row, or None for the
    defaults) and ``bank_size`` questions: none is required of an empty bank (rule 13)."""
    if settings is None:
        return ExamRules(required=bank_size > 0)
    return ExamRules(required=bool(settings.required) and bank_size > 0, pass_score=settings.pass_score,
                     time_limit_minutes=settings.time_limit_minutes, max_attempts=settings.max_attempts,
                     draw=dict(settings.draw or EXAM_DEFAULTS["draw"]),
                     points=dict(settings.points or EXAM_DEFAULTS["points"]))

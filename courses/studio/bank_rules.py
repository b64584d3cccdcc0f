"""A course's question bank and exam settings as plain rules (docs/rules.md rule 13).

``clean_question`` and ``clean_settings`` take what a producer sent (JSON values, a form,
an XLSX row) and return the values to store, or raise ``BankError`` with a Chinese message
naming what is wrong. ``paper_problem`` says why a bank cannot yet fill a paper, and
``copy_bank`` / ``replace_bank`` carry a bank between a published course and its revision.
No database session here: the service functions in ``courses.studio.bank`` flush.
"""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from courses.models import Course, ExamSettings, Question
from courses.rules import EXAM_DEFAULTS, QUESTION_KINDS, exam_rules

KIND_NAMES = {"single": _l("单选"), "multiple": _l("多选"), "judge": _l("判断")}
JUDGE_OPTIONS = ["正确", "错误"]
MIN_OPTIONS, MAX_OPTIONS = 2, 8
STEM_LIMIT, OPTION_LIMIT, EXPLANATION_LIMIT = 2000, 500, 2000
# Bounds of the settings a producer may choose: (lowest, highest).
SETTING_BOUNDS = {"pass_score": (1, 100), "time_limit_minutes": (1, 300), "max_attempts": (1, 10)}
DRAW_LIMIT, POINTS_LIMIT = 200, 100


class BankError(ValueError):
    """A question or settings that cannot be saved: ``field`` names what, ``str(e)`` says why;
    ``code`` is the v1 error code (invalid_question, duplicate_question, invalid_exam)."""

    def __init__(self, field: str, message: str, code: str = "invalid_question"):
        super().__init__(message)
        self.field, self.code = field, code


def stem_key(stem: str) -> str:
    """What makes two stems the same question: the text without its spacing."""
    return "".join(stem.split())


def _integer(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _text(field: str, value, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BankError(field, _("%(field)s 应为文字。", field=field))
    value = value.strip()
    if len(value) > limit:
        raise BankError(field, _("不能超过 %(limit)s 个字。", limit=limit))
    return value


def _options(kind: str, options) -> list[str]:
    if kind == "judge" and not options:
        return list(JUDGE_OPTIONS)
    if not isinstance(options, list):
        raise BankError("options", _("选项应为文字的列表。"))
    cleaned = [_text("options", option, OPTION_LIMIT) for option in options]
    if kind == "judge" and cleaned != JUDGE_OPTIONS:
        raise BankError("options", _("判断题的选项只能是“正确”和“错误”。"))
    if not MIN_OPTIONS <= len(cleaned) <= MAX_OPTIONS:
        raise BankError("options", _("选项应有 %(low)s 到 %(high)s 个。", low=MIN_OPTIONS, high=MAX_OPTIONS))
    if not all(cleaned):
        raise BankError("options", _("选项不能为空。"))
    if len(set(cleaned)) != len(cleaned):
        raise BankError("options", _("选项不能重复。"))
    return cleaned


def _answer(kind: str, answer, option_count: int) -> list[int]:
    indices = [_integer(item) for item in answer] if isinstance(answer, list) else [None]
    if None in indices:
        raise BankError("answer", _("答案应为选项序号的列表（从 0 开始）。"))
    if not indices:
        raise BankError("answer", _("请选择正确答案。"))
    if any(not 0 <= index < option_count for index in indices):
        raise BankError("answer", _("答案不在选项之中。"))
    if len(set(indices)) != len(indices):
        raise BankError("answer", _("答案不能重复。"))
    if kind == "multiple" and len(indices) < 2:
        raise BankError("answer", _("多选题至少要有两个正确答案。"))
    if kind != "multiple" and len(indices) != 1:
        raise BankError("answer", _("%(kind)s题只能有一个正确答案。", kind=KIND_NAMES[kind]))
    return sorted(indices)


def clean_question(values: dict, other_stems=()) -> dict:
    """The question to store from ``values`` (kind, stem, options, answer, explanation).

    ``other_stems`` are the stems already in the bank (the question's own excluded when it
    is edited): the same stem twice is refused. Raises ``BankError``.
    """
    kind = values.get("kind")
    if kind not in QUESTION_KINDS:
        raise BankError("kind", _("题型应为单选（single）、多选（multiple）或判断（judge）。"))
    stem = _text("stem", values.get("stem"), STEM_LIMIT)
    if not stem:
        raise BankError("stem", _("请填写题干。"))
    if stem_key(stem) in {stem_key(other) for other in other_stems}:
        raise BankError("stem", _("题库中已有相同题干的题目。"), "duplicate_question")
    options = _options(kind, values.get("options"))
    return {"kind": kind, "stem": stem, "options": options,
            "answer": _answer(kind, values.get("answer"), len(options)),
            "explanation": _text("explanation", values.get("explanation"), EXPLANATION_LIMIT)}


# ---- exam settings ---------------------------------------------------------------------------

def settings_values(settings: ExamSettings | None) -> dict:
    """The settings as stored, or the defaults for a course that has none."""
    if settings is None:
        return {**EXAM_DEFAULTS, "draw": dict(EXAM_DEFAULTS["draw"]), "points": dict(EXAM_DEFAULTS["points"])}
    rules = exam_rules(settings, 1)
    return {"required": bool(settings.required), "pass_score": rules.pass_score,
            "time_limit_minutes": rules.time_limit_minutes, "max_attempts": rules.max_attempts,
            "draw": {kind: rules.draw.get(kind, 0) for kind in QUESTION_KINDS},
            "points": {kind: rules.points.get(kind, 0) for kind in QUESTION_KINDS}}


def _per_kind(field: str, given, current: dict, limit: int) -> dict[str, int]:
    if given is None:
        return dict(current)
    if not isinstance(given, dict) or set(given) - set(QUESTION_KINDS):
        raise BankError(field, _("%(field)s 应按题型（single、multiple、judge）给出。", field=field), "invalid_exam")
    merged = {kind: _integer(given.get(kind, current.get(kind, 0))) for kind in QUESTION_KINDS}
    for kind, number in merged.items():
        if number is None or not 0 <= number <= limit:
            raise BankError(field, _("%(kind)s题的数值应为 0 到 %(limit)s 的整数。", kind=KIND_NAMES[kind],
                                     limit=limit), "invalid_exam")
    return merged


def clean_settings(values: dict, current: dict) -> dict:
    """The settings to store: ``values`` (any of the fields) over ``current``
    (``settings_values``). The paper — the sum of draw × points — must add up to 100."""
    cleaned = dict(current)
    if "required" in values:
        if not isinstance(values["required"], bool):
            raise BankError("required", _("required 应为 true 或 false。"), "invalid_exam")
        cleaned["required"] = values["required"]
    names = {"pass_score": _("及格分"), "time_limit_minutes": _("考试时长（分钟）"), "max_attempts": _("考试次数")}
    for name, (low, high) in SETTING_BOUNDS.items():
        if name in values:
            number = _integer(values[name])
            if number is None or not low <= number <= high:
                raise BankError(name, _("%(name)s应为 %(low)s 到 %(high)s 的整数。", name=names[name],
                                        low=low, high=high), "invalid_exam")
            cleaned[name] = number
    cleaned["draw"] = _per_kind("draw", values.get("draw"), current["draw"], DRAW_LIMIT)
    cleaned["points"] = _per_kind("points", values.get("points"), current["points"], POINTS_LIMIT)
    total = sum(cleaned["draw"][kind] * cleaned["points"][kind] for kind in QUESTION_KINDS)
    if total != 100:
        raise BankError("points", _("一份试卷的总分（各题型抽题数 × 每题分值之和）应为 100 分，现为 %(total)s 分。",
                                    total=total), "invalid_exam")
    return cleaned


def paper_problem(course: Course) -> str | None:
    """Why ``course``'s bank cannot fill the paper its required test draws, or None."""
    rules = exam_rules(course.exam, len(course.questions))
    if not rules.required:
        return None
    if rules.paper_points != 100:
        return _("测验设置中一份试卷的总分不是 100 分，请修改测验设置。")
    for kind in QUESTION_KINDS:
        have = sum(1 for question in course.questions if question.kind == kind)
        if have < rules.draw.get(kind, 0):
            return _("题库中的%(kind)s题只有 %(have)s 道，少于每份试卷抽取的 %(draw)s 道，不能提交审核。",
                     kind=KIND_NAMES[kind], have=have, draw=rules.draw[kind])
    return None


# ---- a bank carried between a course and its revision ----------------------------------------

QUESTION_FIELDS = ("kind", "stem", "options", "answer", "explanation")
SETTINGS_FIELDS = ("required", "pass_score", "time_limit_minutes", "max_attempts", "draw", "points")


def copy_bank(source: Course, target: Course) -> None:
    """Give ``target`` (a new revision) copies of ``source``'s questions and settings."""
    target.questions = [Question(position=question.position,
                                 **{name: _copied(getattr(question, name)) for name in QUESTION_FIELDS})
                        for question in source.questions]
    target.exam = _copied_settings(source.exam)


def replace_bank(original: Course, revision: Course) -> None:
    """Make ``original``'s bank and settings those of its approved ``revision``. A question
    whose stem stays keeps its id; the others go. Attempts already started keep the paper
    they stored, so nothing a trainee is answering changes under them."""
    kept = {stem_key(question.stem): question for question in original.questions}
    ordered = []
    for position, question in enumerate(revision.questions, start=1):
        target = kept.pop(stem_key(question.stem), None) or Question()
        for name in QUESTION_FIELDS:
            setattr(target, name, _copied(getattr(question, name)))
        target.position = position
        ordered.append(target)
    original.questions = ordered
    original.exam = _copied_settings(revision.exam, original.exam)


def _copied(value):
    return list(value) if isinstance(value, list) else dict(value) if isinstance(value, dict) else value


def _copied_settings(source: ExamSettings | None, target: ExamSettings | None = None) -> ExamSettings | None:
    if source is None:
        return None
    target = target or ExamSettings()
    for name in SETTINGS_FIELDS:
        setattr(target, name, _copied(getattr(source, name)))
    return target

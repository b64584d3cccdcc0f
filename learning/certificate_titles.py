"""What a certificate is: its standing against the requirement and its title.

A year certificate whose holder met the requirement of their rule set (every subject type and
the total, learning/certificates.py) is a 年度学时证明. One below it proves no requirement: it
records the hours, and is called 年度学时记录（未达标）. A course certificate is a 课程学时证明.

The title is written into the signed payload (``title``) from version 2 on; for a certificate
issued before, it is read from ``kind`` and ``requirement_met``, which every payload carries,
so an old 未达标 year certificate reads as the record it is. Titles are Chinese: they are the
document's own words (pages translate the standing, not this text).
"""

COURSE = "课程学时证明"
YEAR_MET = "年度学时证明"
YEAR_SHORT = "年度学时记录（未达标）"


def standing(kind: str | None, requirement_met: bool | None) -> str | None:
    """``met`` or ``not_met`` for a year certificate; None for a course certificate."""
    if kind != "year":
        return None
    return "met" if requirement_met else "not_met"


def title(kind: str | None, requirement_met: bool | None) -> str:
    if kind != "year":
        return COURSE
    return YEAR_MET if requirement_met else YEAR_SHORT


def payload_standing(payload: dict) -> str | None:
    return standing(payload.get("kind"), payload.get("requirement_met"))


def payload_title(payload: dict) -> str:
    """The signed title, or the one its kind and standing give (certificates before version 2)."""
    signed = payload.get("title")
    if isinstance(signed, str) and signed:
        return signed
    return title(payload.get("kind"), payload.get("requirement_met"))

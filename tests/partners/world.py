"""The partner platforms of the every-page world (tests/pages.py): a Zhejiang partner with a
token and one report of the trainee's two years ago, corrected once (names without Chinese punctuation)."""
from datetime import date

from core.db import utcnow
from core.extensions import db
from core.policy.rulebook import china_date
from partners import accreditation, reports
from partners.accreditation import PartnerInput


def world(trainee) -> dict:
    now = utcnow()
    partner = accreditation.accredit(PartnerInput("浙江省专技人员学习平台", "330000", ["gongxu", "zhuanye"], 200,
                                                  date(2020, 1, 1), date(2099, 12, 31)), None, now)
    accreditation.issue_token(partner, "对接", None, now)
    day = f"{china_date(now).year - 2}-12-01"  # a year without a certificate: no notice of a superseded one
    report, _created = reports.report(partner, "world-1", {
        "id_number": trainee.id_number, "name": trainee.real_name, "course_title": "数字素养提升",
        "subject_type": "gongxu", "start_date": day, "end_date": day, "hours": 4, "certificate_number": "ZJ-0001"},
        now)
    reports.correct(partner, report.id, {"hours": 3, "reason": "学时核减"}, now)
    db.session.commit()
    return {"partner": partner, "report": report}

"""Every HTML page of the app, with the role and address that shows it, over one small world.

Shared by tests/core/test_english_pages.py (every page in English) and
tests/e2e/test_every_page_layout.py (every page at a desktop's and a phone's width). The
world holds no Chinese punctuation in its data (names, titles, employers). ``NOT_PAGES`` are
the GET endpoints that are not pages: files, redirects and downloads.
"""
from datetime import timedelta

import pytest
from flask import current_app

from core.db import utcnow
from core.extensions import db
from learning import certificates, dossier, seals
from learning.rules import credit_year
from notices.service import notify
from provinces import store as rule_store
from push import endpoints as push_endpoints
from recovery import rules as recovery_rules
from recovery.models import PasswordReset
from tests.bureau.stats_world import credit, event, watch_session
from tests.bureau.test_seals import seal_image
from tests.declarations import world as declarations_world
from tests.faces import world as faces_world
from tests.learning import check_world
from tests.partners import world as partners_world
from tests.transfers import world as transfers_world
from units.models import Unit, UnitLink

UNKNOWN_NUMBER = "GX2026-330102-999999"
# Not pages: files, redirects and downloads.
NOT_PAGES = {"static", "i18n.switch", "notice_box.open_notice",
             "media.rendition", "media.captions", "media.poster",
             "certificate_views.pdf", "seal_views.image",
             "exports.records_csv", "exports.records_xlsx", "my_declarations.evidence_file",
             "staff_exports.staff_csv", "staff_exports.staff_xlsx", "staff_import.template",
             "face_review.image", "my_transfers.evidence_file"}


# The world's rule sets: the national one as the settings have it, and a province's with its
# own 公需 year (names and sources without Chinese punctuation, as the rest of the world).
NATIONAL_RULES = {"prefix": "", "effective_from": "2016-01-01", "name": "National", "source": "Regulation 25",
                  "minutes_per_hour": 45, "required_hours": {"gongxu": 30}}
GUANGDONG_RULES = {"prefix": "44", "effective_from": "2024-01-01", "name": "Guangdong example", "source": "Example",
                   "minutes_per_hour": 45, "required_hours": {"gongxu": 30, "zhuanye": 42, "xuanxiu": 18},
                   "windows": {"gongxu": {"start": "01-01", "end": "+1-04-30"}}, "daily_cap_hours": 8}


@pytest.fixture
def world(make_user, make_course, make_video):
    now = utcnow()
    this_year = credit_year(now)
    producer = make_user("producer", real_name="周明远", organisation="知新制作中心")
    course = make_course("数字经济概论", producer=producer, lessons=2)
    in_review = make_course("网络安全概论", producer=producer, status="submitted", lessons=1)
    draft = make_course("应急管理概论", producer=producer, status="draft", lessons=1)
    trainee = make_user(real_name="王小明", employer="杭州市第二中学", region_code="330102")
    lesson = course.lessons[0]
    last_year = make_course("人工智能概论", producer=producer, lessons=1, year=this_year - 1)
    credit(trainee, last_year, last_year.credit_tenths, now.replace(year=this_year - 1) - timedelta(days=30))
    credit(trainee, course, course.credit_tenths, now - timedelta(days=1))
    credit(trainee, course, 2, now - timedelta(hours=5), basis="correction", reason="补录线下学时")
    event(trainee, "faster_than_real_time", now - timedelta(days=3), ip="192.0.2.1", lesson=lesson,
          claimed=40, credited=18, allowance=18.0)
    event(trainee, "closed_session", now - timedelta(days=2), ip="192.0.2.1", lesson=lesson)
    event(trainee, "session_rate_limited", now - timedelta(days=2), ip="192.0.2.1", lesson=lesson)
    for person in (trainee, *(make_user(real_name=f"同址学员{n}", region_code="330102") for n in range(4))):
        watch_session(person, lesson, now - timedelta(days=5), ip="203.0.113.7")
    for rules in (NATIONAL_RULES, GUANGDONG_RULES):
        rule_store.save(rule_store.check(rules), now, check_locks=False)
    key = next(offer.basis.key for offer in certificates.offers(trainee.id, 300) if offer.basis.kind == "year")
    certificate, _ = certificates.issue(trainee, key, 300, now)
    unit = Unit(name="杭州市第二中学", credit_code="12330100470000001D", region_code="330102", address="")
    db.session.add(unit)
    seals.store("330000", seals.check(seal_image(), seals.max_bytes()), None, now)  # the province's seal
    notify(trainee.id, "certificate_superseded", "学时证明已更新", "因学时更正 原证明已作废", "/me/certificates")
    notify(trainee.id, "study_reminder", "请尽快完成本年度学习")
    db.session.commit()
    # The unit's administrator (本单位): the trainee confirmed, another person's request pending.
    unit_admin = make_user("unit_admin", real_name="马晓燕", unit_id=unit.id, region_code="330102")
    applicant = make_user(real_name="李申请", region_code="330102")
    db.session.add_all([UnitLink(user_id=trainee.id, unit_id=unit.id, status="confirmed"),
                        UnitLink(user_id=applicant.id, unit_id=unit.id, status="pending")])
    db.session.commit()
    # 忘记密码's pages: SMS on (its two pages exist only then), and a live reset link of the trainee's.
    current_app.config["SMS_PROVIDER"] = "aliyun"
    reset_token = reset_link(trainee, now)
    return {
        "reset_token": reset_token,
        "trainee": trainee, "producer": producer, "course": course, "in_review": in_review, "draft": draft,
        "lesson": lesson, "unit": unit, "unit_admin": unit_admin,
        "video": make_video(owner=producer), "certificate": certificate, "year": this_year,
        "reviewer": make_user("reviewer", real_name="孙静怡"),
        "bureau": make_user("bureau", real_name="浙江人社", region_code="330000"),
        "admin": make_user("admin", real_name="吴志强"),
        "declarations": declarations_world.world(trainee, unit),
        "faces": faces_world.world(trainee, unit),
        "partners": partners_world.world(trainee),
        "transfers": transfers_world.world(trainee),
        "checks": check_world.misses_world(trainee, in_review, unit, unit_admin, now),
    }


def reset_link(user, now) -> str:
    """The token of a fresh password-reset link of ``user`` (as recovery.service makes one)."""
    nonce, key = recovery_rules.new_nonce(), current_app.config["SECRET_KEY"]
    reset = PasswordReset(user_id=user.id, channel="email", secret_hash=recovery_rules.digest(key, nonce),
                          created_at=now, expires_at=now + timedelta(minutes=30))
    db.session.add(reset)
    db.session.commit()
    return recovery_rules.link_token(key, reset.id, nonce)


def pages(w) -> dict[str, list[tuple[str | None, str]]]:
    """Endpoint → the (role, address) pairs that show it."""
    course, number = w["course"].id, w["certificate"].number
    return {
        "catalogue.index": [(None, "/")],
        "catalogue.home": [(None, "/catalogue"), ("trainee", "/catalogue")],
        "catalogue.courses": [(None, "/courses"), (None, "/courses?year=all&category=area&sort=popular"),
                              ("trainee", "/courses?type=xuanxiu")],
        "catalogue.category": [(None, "/categories/digital")],
        "catalogue.course": [(None, f"/courses/{course}"), ("trainee", f"/courses/{course}")],
        "catalogue.lesson": [("trainee", f"/lessons/{w['lesson'].id}")],
        "exam.page": [("trainee", f"/courses/{course}/exam")],
        "search_views.search_page": [(None, "/search"), (None, "/search?q=数字"), (None, "/search?q=无此课程")],
        "auth.login": [(None, "/login")],
        "auth.register": [(None, "/register")],
        "auth.profile": [("trainee", "/me")],
        "forgot.forgot": [(None, "/password/forgot")],
        "forgot.reset": [(None, f"/password/reset/{w['reset_token']}")],
        "forgot.sms": [(None, "/password/sms")],
        "forgot.sms_reset": [(None, "/password/sms/reset")],
        "staff_passwords.confirm": [("unit_admin", f"/unit/staff/{w['trainee'].id}/password")],
        "trainee_passwords.confirm": [("bureau", f"/bureau/trainees/{w['trainee'].id}/password")],
        "notice_box.index": [("trainee", "/me/notices"), ("trainee", "/me/notices?unread=1")],
        "record.index": [("trainee", "/me/learning"), ("trainee", f"/me/learning?year={w['year'] - 1}"),
                         ("trainee", f"/me/learning?year={w['year'] - 2}")],  # a partner's row
        "certificate_views.index": [("trainee", "/me/certificates")],
        "certificate_views.verify": [(None, f"/verify/{number}"), (None, f"/verify/{UNKNOWN_NUMBER}")],
        "certificate_views.verifying_help": [(None, "/help/verifying-certificates"),
                                             ("bureau", "/help/verifying-certificates")],
        "studio.index": [("producer", "/studio/")],
        "studio.new_course": [("producer", "/studio/courses/new")],
        "studio.course": [("producer", f"/studio/courses/{course}")],
        "studio.edit_course": [("producer", f"/studio/courses/{w['draft'].id}/edit")],
        "studio.preview": [("producer", f"/studio/courses/{course}/preview")],
        "upload.index": [("producer", "/studio/upload")],
        "videos.index": [("producer", "/studio/videos")],
        "videos.detail": [("producer", f"/studio/videos/{w['video'].id}")],
        "review.queue": [("reviewer", "/review/")],
        "review.course": [("reviewer", f"/review/courses/{w['in_review'].id}")],
        "dashboard.index": [("bureau", "/bureau/"), ("bureau", "/bureau/?region=330102")],
        "records_views.records": [("bureau", "/bureau/records"),
                                  ("bureau", "/bureau/records?region=330102&person=王小明&employer=杭州")],
        "integrity.index": [("bureau", "/bureau/integrity"), ("bureau", "/bureau/integrity?region=330102")],
        "integrity.signal": [("bureau", f"/bureau/integrity/{signal}{query}") for signal in
                             ("clipped", "two_screens", "session_churn", "long_days", "shared_ip", "exam_fast",
                              "exam_overlap", "exam_fails")
                             for query in ("", f"?region=330102&user={w['trainee'].id}&ip=203.0.113.7")],
        "integrity.trainee": [("bureau", f"/bureau/trainees/{w['trainee'].id}")],
        "integrity.certificate_lookup": [("bureau", "/bureau/certificates"),
                                         ("bureau", f"/bureau/certificates?number={number}")],
        "seal_views.index": [("bureau", "/bureau/seal/"), ("admin", "/bureau/seal/"),
                             ("admin", "/bureau/seal/?region=440000")],
        "admin.users": [("admin", "/admin/users")],
        "admin.user": [("admin", f"/admin/users/{w['trainee'].id}")],
        "admin.tokens": [("admin", "/admin/tokens")],
        "admin.audit": [("admin", "/admin/audit")],
        "rules_admin.index": [("admin", "/admin/rules/"), ("admin", f"/admin/rules/?region=440106&year={w['year']}"),
                              ("admin", "/admin/rules/?region=44")],
        "rules_admin.new": [("admin", "/admin/rules/new")],
        "rules_admin.edit": [("admin", "/admin/rules/44/2024-01-01/edit")],
        "rules_admin.delete": [("admin", "/admin/rules/44/2024-01-01/delete")],
        "units_admin.index": [("bureau", "/units/"), ("admin", "/units/?q=杭州")],
        "units_admin.new": [("bureau", "/units/new")],
        **declaration_pages(w),
        **face_pages(w),
        **push_pages(w),
        **partner_pages(w),
        **transfer_pages(w),
        **dossier_pages(w),
        **check_pages(w),
        "units_admin.edit": [("bureau", f"/units/{w['unit'].id}/edit"), ("admin", f"/units/{w['unit'].id}/edit")],
        "my_unit.index": [("trainee", "/me/unit"), ("trainee", "/me/unit?q=杭州")],
        "units_admin.detail": [("bureau", f"/units/{w['unit'].id}"), ("admin", f"/units/{w['unit'].id}")],
        "staff_views.index": [("unit_admin", "/unit/"), ("unit_admin", "/unit/?status=short&q=王"),
                              ("unit_admin", f"/unit/?year={w['year'] - 1}&status=finished")],
        "staff_import.page": [("unit_admin", "/unit/staff/import")],
        "centre.index": [("trainee", "/me/centre")],
    }


def dossier_pages(w) -> dict[str, list[tuple[str | None, str]]]:
    """一人一档: the trainee's multi-year record, the unit's view of it, and the verification page
    of a 继续教育登记 (issued here, once per world)."""
    if "record_document" not in w:
        w["record_document"] = dossier.issue(w["trainee"], utcnow())[0]
        db.session.commit()
    return {
        "dossier_views.index": [("trainee", "/me/record")],
        "staff_dossier.index": [("unit_admin", f"/unit/staff/{w['trainee'].id}/record")],
        "certificate_views.verify": [(None, f"/verify/{w['certificate'].number}"), (None, f"/verify/{UNKNOWN_NUMBER}"),
                                     (None, f"/verify/{w['record_document'].number}")],
    }


def declaration_pages(w) -> dict[str, list[tuple[str | None, str]]]:
    """The 学时登记 pages: the trainee's, the unit's 初审 and the bureau's 复审."""
    returned, at_unit, at_bureau = (w["declarations"][key].id for key in ("returned", "at_unit", "at_bureau"))
    return {
        "my_declarations.index": [("trainee", "/me/declarations")],
        "my_declarations.new": [("trainee", "/me/declarations/new")],
        "my_declarations.detail": [("trainee", f"/me/declarations/{returned}")],
        "my_declarations.edit": [("trainee", f"/me/declarations/{returned}/edit")],
        "unit_review.queue": [("unit_admin", "/unit/declarations/")],
        "unit_review.declaration": [("unit_admin", f"/unit/declarations/{at_unit}")],
        "bureau_review.queue": [("bureau", "/bureau/declarations/")],
        "bureau_review.declaration": [("bureau", f"/bureau/declarations/{at_bureau}")],
    }


def partner_pages(w) -> dict[str, list[tuple[str | None, str]]]:
    """The partner platform pages: the list, the form, a partner's page; the unit's partner hours."""
    partner = w["partners"]["partner"].id
    return {
        "partners.index": [("bureau", "/partners/"), ("admin", "/partners/")],
        "partners.new": [("bureau", "/partners/new"), ("admin", "/partners/new")],
        "partners.detail": [("bureau", f"/partners/{partner}"), ("admin", f"/partners/{partner}")],
        "unit_partner_hours.index": [("unit_admin", "/unit/partner-hours/"),
                                     ("unit_admin", f"/unit/partner-hours/?year={w['year'] - 2}")],
    }


def transfer_pages(w) -> dict[str, list[tuple[str | None, str]]]:
    """The 外省学时转入 pages: the trainee's requests, form and one request; the bureau's review."""
    pending, rejected = (w["transfers"][key].id for key in ("pending", "rejected"))
    return {
        "my_transfers.index": [("trainee", "/me/transfers")],
        "my_transfers.new": [("trainee", "/me/transfers/new")],
        "my_transfers.detail": [("trainee", f"/me/transfers/{pending}"), ("trainee", f"/me/transfers/{rejected}")],
        "transfer_review.queue": [("bureau", "/bureau/transfers/")],
        "transfer_review.transfer": [("bureau", f"/bureau/transfers/{pending}"),
                                     ("bureau", f"/bureau/transfers/{rejected}")],
    }


def check_pages(w) -> dict[str, list[tuple[str | None, str]]]:
    """随堂检查 per unit: the bureau's page and the unit administrator's (the trainee's course
    held for misses shows on 我的学习, record.index)."""
    return {
        "integrity_checks.index": [("bureau", "/bureau/integrity/checks"),
                                   ("bureau", f"/bureau/integrity/checks?year={w['year'] - 1}")],
        "unit_checks.index": [("unit_admin", "/unit/checks/")],
    }


def face_pages(w) -> dict[str, list[tuple[str | None, str]]]:
    """The face-check pages: the trainee's consent, camera and status; the reviews; the unit's."""
    capture = w["faces"]["capture"].id
    return {
        "my_face.index": [("trainee", "/me/face/")],
        "my_face.consent": [("trainee", "/me/face/consent")],
        "my_face.enrol": [("trainee", "/me/face/enrol")],
        "face_review.queue": [("unit_admin", "/faces/review/"), ("bureau", "/faces/review/")],
        "face_review.capture": [("unit_admin", f"/faces/review/{capture}"), ("bureau", f"/faces/review/{capture}")],
        "unit_faces.index": [("unit_admin", "/unit/faces/")],
        "unit_faces.trainee": [("unit_admin", f"/unit/faces/trainees/{w['trainee'].id}")],
    }


def push_pages(w) -> dict[str, list[tuple[str | None, str]]]:
    """The 推送接口 pages: the list (an officer's region, an admin's all) and one endpoint."""
    endpoint, _secret = push_endpoints.register(
        push_endpoints.EndpointInput("Zhejiang platform", "330000", "http://127.0.0.1:9/events"), w["bureau"], utcnow())
    db.session.commit()
    return {
        "push_views.index": [("bureau", "/bureau/push/"), ("admin", "/bureau/push/")],
        "push_views.detail": [("bureau", f"/bureau/push/{endpoint.id}"), ("admin", f"/bureau/push/{endpoint.id}")],
    }

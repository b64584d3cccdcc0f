"""Clearing a course held for misses over the allowance, from a page (the bureau's integrity page
and the unit administrator's): the form, the scope check the caller passes in, the clearance
(learning.check_review), the credit it lets through, the audit row and the trainee's notice.
One commit, here at the edge of the two views."""
from collections.abc import Callable

from flask import flash
from flask_babel import gettext as _
from flask_login import current_user

from accounts import audit
from accounts.models import User
from core.db import utcnow
from core.extensions import db
from core.http import Refused
from faces.check_forms import ClearChecksForm
from learning import check_review, ledger
from notices.service import notify


def clear_from_form(trainee_in_scope: Callable[[int], User | None], **audit_details) -> None:
    """Apply the posted :class:`ClearChecksForm`; flash what happened. A trainee outside the
    caller's scope is refused as if absent; a refusal changes nothing."""
    form = ClearChecksForm()
    ids = form.ids() if form.validate_on_submit() else None
    person = trainee_in_scope(ids[0]) if ids else None
    if ids is None or person is None:
        flash(_("没有这位学员的待审核课程。") if ids else _("表单已过期，请重新提交。"), "error")
        return
    person_id, reviewer_id, note = person.id, current_user.id, form.note.data or ""
    db.session.commit()  # end the reads: the trainee's lock opens the transaction, as a heartbeat's
    ledger.lock_budget(person_id)
    now = utcnow()
    try:
        row = check_review.clear(reviewer_id, person_id, ids[1], note, now)
    except Refused as e:
        db.session.rollback()
        flash(e.message, "error")
        return
    credit = ledger.credit_course_if_complete(person_id, row.course_id, now)
    audit.record("checks_cleared", target=f"user:{person_id}", user_id=person_id, course_id=row.course_id,
                 misses=row.misses, note=row.note, credited=credit is not None, **audit_details)
    notify(person_id, "checks_cleared", _("课程已审核通过：%(title)s", title=row.course.title),
           _("随堂检查未通过次数超过允许次数的情况已经人工审核。") + (_("该课程学时已认定。") if credit else ""),
           link="/me/learning")
    db.session.commit()
    flash(_("已解除暂缓：%(name)s《%(title)s》。", name=person.real_name, title=row.course.title)
          + (_("该课程学时已认定。") if credit else ""), "success")

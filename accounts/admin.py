"""Administration: accounts and roles, API tokens, the audit log. Every view is for admins only."""
from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from accounts import audit
from accounts.access import role_required
from accounts.forms import AuditFilterForm, TokenForm, UserEditForm, UserSearchForm
from accounts.models import ROLE_NAMES, ROLES, ApiToken, AuditLog, User
from accounts.region_field import stepping
from accounts.regions import region_name
from accounts.tokens import issue_token, revoke_token
from accounts.users import find_by_identifier, normalize_identifier
from accounts.validators import FieldError, clean_token_region, mask_phone
from core.db import utcnow
from core.extensions import db
from core.paging import page_number

bp = Blueprint("admin", __name__, url_prefix="/admin")

PER_PAGE = 20
ACTION_NAMES = {
    "login": _l("登录"),
    "login_failed": _l("登录失败"),
    "user_registered": _l("学员注册"),
    "user_created": _l("创建用户"),
    "user_updated": _l("修改用户资料"),
    "role_granted": _l("变更角色"),
    "user_activated": _l("启用账号"),
    "user_deactivated": _l("停用账号"),
    "password_changed": _l("修改密码"),
    "email_changed": _l("修改通知邮箱"),
    "region_changed": _l("修改所在地区"),
    "phone_changed": _l("更换手机号"),
    "title_changed": _l("修改职称"),
    "password_reset_requested": _l("申请找回密码"),
    "password_reset": _l("找回密码"),
    "password_reset_by_admin": _l("重置密码"),
    "token_created": _l("生成令牌"),
    "token_revoked": _l("吊销令牌"),
    "course_submitted": _l("提交课程审核"),
    "course_approved": _l("审核通过课程"),
    "course_rejected": _l("退回课程"),
    "course_withdrawn": _l("下架课程"),
    "course_revision_started": _l("创建课程修订"),
    "video_retry": _l("重新处理视频"),
    "rules_created": _l("新建学时规则"),
    "rules_updated": _l("修改学时规则"),
    "rules_deleted": _l("删除学时规则"),
    "rules_exported": _l("导出学时规则"),
    "unit_admin_created": _l("创建单位管理员"),
    "unit_admin_deactivated": _l("停用单位管理员"),
    "unit_link_requested": _l("选择工作单位"),
    "unit_link_ended": _l("退出工作单位"),
    "push_endpoint_created": _l("登记推送接口"),
    "push_endpoint_disabled": _l("停用推送接口"),
    "push_secret_rotated": _l("更换推送密钥"),
    "push_retried": _l("重试推送"),
    "push_probed": _l("推送签名测试"),
    "push_reconciled": _l("推送对账"),
    "push_digest": _l("查询推送摘要"),
}


@bp.context_processor
def _names():
    return {"role_names": ROLE_NAMES, "action_names": ACTION_NAMES, "mask_phone": mask_phone,
            "region_name": region_name}


def _paginate(query):
    return db.paginate(query, page=page_number(), per_page=PER_PAGE, error_out=False)


@bp.get("/users")
@role_required("admin")
def users():
    form = UserSearchForm(formdata=request.args)
    query = select(User).order_by(User.id.desc())
    if form.q.data:
        query = query.where(_matching(form.q.data))
    if form.role.data in ROLES:
        query = query.where(User.role == form.role.data)
    filters = {k: val for k, val in (("q", form.q.data), ("role", form.role.data)) if val}
    return render_template("admin/users.html", form=form, page=_paginate(query), filters=filters)


def _matching(text: str):
    """Part of a name, part of a phone number, or a whole ID number (never part of one)."""
    compact = normalize_identifier(text)
    conditions = [User.real_name.contains(text, autoescape=True)]
    if compact.isdigit():
        conditions.append(User.phone.contains(compact, autoescape=True))
    if len(compact) == 18:
        conditions.append(User.id_number == compact)
    return or_(*conditions)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required("admin")
def user(user_id: int):
    person = db.get_or_404(User, user_id)
    form = UserEditForm(obj=person)
    form.region_code.keep = person.region_code  # a code since retired may stay as it is
    if not stepping() and form.validate_on_submit() and _allowed_for_self(form, person) and _role_allowed(form, person):
        if _apply_changes(form, person):
            db.session.commit()
            flash(_("已保存对 %(name)s 的修改。", name=person.real_name), "success")
        else:
            flash(_("没有需要保存的修改。"))
        return redirect(url_for("admin.user", user_id=person.id))
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == person.id).order_by(ApiToken.id.desc())
    ).all()
    return render_template("admin/user.html", person=person, form=form, tokens=tokens)


def _allowed_for_self(form: UserEditForm, person: User) -> bool:
    """An admin keeps the keys: no demoting or deactivating one's own account."""
    if person.id != current_user.id:
        return True
    if form.role.data != "admin":
        form.role.errors.append(_("不能取消自己的管理员角色。"))
    if not form.active.data:
        form.active.errors.append(_("不能停用自己的账号。"))
    return not (form.role.errors or form.active.errors)


def _role_allowed(form: UserEditForm, person: User) -> bool:
    """A unit administrator belongs to one unit: such accounts are made on the unit's page."""
    if form.role.data == "unit_admin" and person.role != "unit_admin":
        form.role.errors.append(_("单位管理员须属于一个工作单位：请在“工作单位”中打开该单位的页面，在那里创建单位管理员。"))
        return False
    return True


def _apply_changes(form: UserEditForm, person: User) -> bool:
    """Write the form onto ``person``, one audit row per kind of change; False if nothing changed."""
    target = f"user:{person.id}"
    changed = False
    if form.role.data != person.role:
        audit.record("role_granted", target=target, role=form.role.data, previous=person.role)
        person.role, changed = form.role.data, True
        person.unit_id = None  # only a unit_admin has a unit, and nobody becomes one here
    if form.active.data != person.active:
        audit.record("user_activated" if form.active.data else "user_deactivated", target=target)
        person.active, changed = form.active.data, True
    fields = {name: [getattr(person, name), form[name].data] for name in ("organisation", "region_code")
              if form[name].data != getattr(person, name)}
    if fields:
        audit.record("user_updated", target=target, **fields)
        for name, (_old, new) in fields.items():
            setattr(person, name, new)
        changed = True
    return changed


@bp.route("/tokens", methods=["GET", "POST"])
@role_required("admin")
def tokens():
    form = TokenForm()
    if not stepping() and form.validate_on_submit():
        owner = _token_owner(form)
        if owner is not None:
            row, plain = issue_token(owner, form.name.data, utcnow(), form.region_code.data or None)
            audit.record("token_created", target=f"token:{row.id}", owner=f"user:{owner.id}",
                         name=row.name, region_code=row.region_code)
            db.session.commit()
            # The plain token exists only in this response: never cached, never shown again.
            response = make_response(render_template("admin/token_created.html", token=row, plain=plain))
            response.headers["Cache-Control"] = "no-store"
            return response
    elif request.method == "GET" and request.args.get("owner", type=int):
        preset = db.session.get(User, request.args.get("owner", type=int))
        form.user.data = preset.phone if preset else ""
    query = select(ApiToken).options(joinedload(ApiToken.user)).order_by(ApiToken.id.desc())
    return render_template("admin/tokens.html", form=form, page=_paginate(query))


def _token_owner(form: TokenForm) -> User | None:
    owner = find_by_identifier(form.user.data)
    if owner is None:
        form.user.errors.append(_("找不到该用户，请核对身份证号或手机号。"))
    elif not owner.active:
        form.user.errors.append(_("该账号已停用，不能为其生成令牌。"))
        return None
    else:
        try:
            clean_token_region(form.region_code.data, owner.role, owner.region_code)
        except FieldError as e:
            form.region_code.errors.append(str(e))
            return None
    return owner


@bp.post("/tokens/<int:token_id>/revoke")
@role_required("admin")
def revoke(token_id: int):
    row = db.get_or_404(ApiToken, token_id)
    if row.revoked_at is None:
        revoke_token(row, utcnow())
        audit.record("token_revoked", target=f"token:{row.id}", owner=f"user:{row.user_id}", name=row.name)
        db.session.commit()
        flash(_("令牌“%(name)s”已吊销，使用它的请求将被拒绝。", name=row.name), "success")
    return redirect(url_for("admin.tokens"))


@bp.get("/audit", endpoint="audit")
@role_required("admin")
def audit_log():
    form = AuditFilterForm(formdata=request.args)
    actions = db.session.scalars(select(AuditLog.action).distinct().order_by(AuditLog.action)).all()
    form.action.choices = [SelectChoice("", _("全部操作"))] + [SelectChoice(a, _action_label(a)) for a in actions]
    query = select(AuditLog).options(joinedload(AuditLog.actor)).order_by(AuditLog.at.desc(), AuditLog.id.desc())
    if form.action.data:
        query = query.where(AuditLog.action == form.action.data)
    filters = {"action": form.action.data} if form.action.data else {}
    return render_template("admin/audit.html", form=form, page=_paginate(query), filters=filters)


def _action_label(action: str) -> str:
    label = ACTION_NAMES.get(action)
    return _("%(label)s（%(action)s）", label=label, action=action) if label else action

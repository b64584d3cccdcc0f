"""推送接口 (/bureau/push/): a bureau officer registers and watches the endpoints of their own
region (and the regions inside it); an admin sees and manages every endpoint.

Each endpoint's page shows its outbox's health (oldest undelivered age, count, last error) and
its recent attempts, with 立即重试, 更换密钥 and 停用 (CSRF-checked forms, audited). A secret is
shown once, on the answer to the form that made it, never cached.
"""
from datetime import timedelta

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from accounts import audit
from accounts.access import role_required
from accounts.regions import region_name
from bureau.scope import Scope, ScopeError, scope_for
from core.db import utcnow
from core.extensions import db
from push import delivery, endpoints
from push.models import PushEndpoint

bp = Blueprint("push_views", __name__, url_prefix="/bureau/push")

PROFILE_NAMES = {"zhixin": _l("知新字段（与对接接口相同）"), "hr": _l("人社指标代码（aac002 等）")}


class EndpointForm(FlaskForm):
    name = StringField(_l("名称"), validators=[DataRequired(), Length(max=100)])
    url = StringField(_l("接收地址"), validators=[DataRequired(), Length(max=500)])
    region_code = StringField(_l("地区代码"), validators=[DataRequired(), Length(min=6, max=6)])
    profile = SelectField(_l("字段方案"), default="zhixin",
                          choices=[SelectChoice(code, name) for code, name in PROFILE_NAMES.items()])
    submit = SubmitField(_l("登记推送接口"))


class ActionForm(FlaskForm):
    """The retry, rotate and disable buttons: nothing but the CSRF token."""


@bp.context_processor
def _names() -> dict:
    return {"region_name": region_name, "profile_names": PROFILE_NAMES, "age": age,
            "probe_messages": PROBE_MESSAGES}


def age(waited: timedelta) -> str:
    """How long an event has waited, in the largest whole unit that fits."""
    minutes = max(int(waited.total_seconds() // 60), 0)
    if minutes < 60:
        return _("%(count)s 分钟", count=minutes)
    if minutes < 48 * 60:
        return _("%(count)s 小时", count=minutes // 60)
    return _("%(count)s 天", count=minutes // (24 * 60))


def _scope() -> Scope | None:
    """The signed-in officer's area; None for an admin (every region)."""
    if current_user.role == "admin":
        return None
    try:
        return scope_for(current_user)
    except ScopeError as error:
        abort(403, error.message)


def _endpoint(endpoint_id: int) -> PushEndpoint:
    endpoint = db.get_or_404(PushEndpoint, endpoint_id)
    scope = _scope()
    if scope is not None and not scope.covers(endpoint.region_code):
        abort(403)
    return endpoint


def _no_store(html: str):
    """A page holding a secret: never cached, never shown again."""
    response = make_response(html)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/", methods=["GET", "POST"])
@role_required("bureau", "admin")
def index():
    scope = _scope()
    form = EndpointForm()
    if not form.is_submitted() and scope is not None:
        form.region_code.data = scope.code
    if form.validate_on_submit():
        made = _register(form, scope)
        if made is not None:
            return made
    query = select(PushEndpoint).order_by(PushEndpoint.region_code, PushEndpoint.id)
    if scope is not None:
        query = query.where(scope.condition(PushEndpoint.region_code))
    rows = [(endpoint, endpoints.health(endpoint.id)) for endpoint in db.session.scalars(query)]
    return render_template("push_views/index.html", form=form, rows=rows, now=utcnow())


def _register(form: EndpointForm, scope: Scope | None):
    """Register the form's endpoint (region inside ``scope``) and show its secret once; None
    with the reason on the form when refused."""
    if scope is not None and not scope.covers(form.region_code.data):
        form.region_code.errors.append(_("地区 %(code)s 不在您的管辖范围内。", code=form.region_code.data))
        return None
    now = utcnow()
    data = endpoints.EndpointInput(form.name.data, form.region_code.data, form.url.data, form.profile.data)
    try:
        endpoint, secret = endpoints.register(data, current_user._get_current_object(), now)
    except endpoints.Refused as refused:
        getattr(form, refused.field, form.name).errors.append(refused.message)
        return None
    audit.record("push_endpoint_created", target=f"push_endpoint:{endpoint.id}", region_code=endpoint.region_code,
                 url=endpoint.url, profile=endpoint.profile)
    db.session.commit()
    return _no_store(render_template("push_views/secret.html", endpoint=endpoint, secret=secret, created=True))


@bp.get("/<int:endpoint_id>")
@role_required("bureau", "admin")
def detail(endpoint_id: int):
    endpoint = _endpoint(endpoint_id)
    return render_template("push_views/detail.html", endpoint=endpoint, health=endpoints.health(endpoint.id),
                           attempts=endpoints.recent_attempts(endpoint.id), form=ActionForm(), now=utcnow())


def _acted(endpoint_id: int) -> PushEndpoint:
    """The endpoint a posted button names, once the CSRF token and the scope are checked."""
    if not ActionForm().validate_on_submit():
        abort(400)
    return _endpoint(endpoint_id)


@bp.post("/<int:endpoint_id>/retry")
@role_required("bureau", "admin")
def retry(endpoint_id: int):
    endpoint = _acted(endpoint_id)
    count = endpoints.retry_now(endpoint, utcnow())
    audit.record("push_retried", target=f"push_endpoint:{endpoint.id}", rows=count)
    db.session.commit()
    if count and endpoint.active:
        from push.tasks import deliver  # queued after the commit, as the outbox does
        deliver(endpoint.id)
    flash(_("已安排立即重发 %(count)s 条未送达的事件。", count=count), "success")
    return redirect(url_for(".detail", endpoint_id=endpoint.id))


PROBE_MESSAGES = {
    "refused": _l("签名测试通过：接收方拒绝了伪造签名的消息。"),
    "accepted": _l("签名测试未通过：接收方接受了伪造签名的消息，说明它没有校验签名。"
                   "请接收方按 docs/sync.md 校验签名后再测试。"),
    "unreachable": _l("签名测试无法完成：接收地址没有应答或返回服务器错误（5xx）。"),
}


@bp.post("/<int:endpoint_id>/probe")
@role_required("bureau", "admin")
def probe(endpoint_id: int):
    endpoint = _acted(endpoint_id)
    result = delivery.probe(endpoint, utcnow())
    audit.record("push_probed", target=f"push_endpoint:{endpoint.id}", result=result)
    db.session.commit()
    flash(PROBE_MESSAGES[result], "success" if result == "refused" else "error")
    return redirect(url_for(".detail", endpoint_id=endpoint.id))


@bp.post("/<int:endpoint_id>/rotate")
@role_required("bureau", "admin")
def rotate(endpoint_id: int):
    endpoint = _acted(endpoint_id)
    secret = endpoints.rotate(endpoint, utcnow())
    audit.record("push_secret_rotated", target=f"push_endpoint:{endpoint.id}")
    db.session.commit()
    return _no_store(render_template("push_views/secret.html", endpoint=endpoint, secret=secret, created=False))


@bp.post("/<int:endpoint_id>/disable")
@role_required("bureau", "admin")
def disable(endpoint_id: int):
    endpoint = _acted(endpoint_id)
    if endpoint.active:
        endpoints.disable(endpoint)
        audit.record("push_endpoint_disabled", target=f"push_endpoint:{endpoint.id}")
        db.session.commit()
    flash(_("推送接口已停用：不再记录和发送新的事件。"), "success")
    return redirect(url_for(".detail", endpoint_id=endpoint.id))

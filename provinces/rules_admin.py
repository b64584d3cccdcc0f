"""The admin page of the rule sets: every stored version by prefix, the form that creates or
edits one, deletion after a confirmation, and the rules in force for any region and year.
Admins only; each change is audited by provinces.store."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts import region_tree
from accounts.access import role_required
from core import policy
from core.db import utcnow
from core.extensions import db
from core.policy import ruledata
from core.policy.rulebook import SUBJECT_TYPES, MonthDay, RuleError, RuleSet
from provinces import lookup, store
from provinces.areas import area_name, url_key
from provinces.forms import CHECK_LABELS, TYPE_LABELS, RuleForm
from provinces.store import Refused

bp = Blueprint("rules_admin", __name__, url_prefix="/admin/rules")


@bp.context_processor
def _helpers():
    return {"area_name": area_name, "url_key": url_key, "day_text": day_text, "hours": hours,
            "subject_types": SUBJECT_TYPES, "type_labels": TYPE_LABELS,
            "check_labels": CHECK_LABELS}


def day_text(day: MonthDay | None) -> str:
    """``04-30``, ``次年04-30`` (next year), or — for none."""
    if day is None:
        return "—"
    return _("次年%(day)s", day=f"{day.month:02d}-{day.day:02d}") if day.years_after else day.text()


def hours(tenths: int | None):
    """Tenths of a 学时 as 学时: ``300`` → ``30``, ``125`` → ``12.5``."""
    return "—" if tenths is None else ruledata.number(tenths / 10)


@bp.get("/")
@role_required("admin")
def index():
    found, problem = None, None
    # the region picker's levels (accounts.region_tree.chosen), or one code from a link
    region, year = region_tree.chosen(request.args.getlist("region")), request.args.get("year", "")
    if region or year:
        try:
            found = lookup.effective(lookup.clean_region(region), lookup.clean_year(year))
        except RuleError as e:
            problem = e.message
    return render_template("rules_admin/index.html", versions=store.versions(), found=found, problem=problem,
                           region=region, region_levels=region_tree.levels(region), year=year or policy.this_year())


@bp.route("/new", methods=["GET", "POST"])
@role_required("admin")
def new():
    form = RuleForm()
    if request.method == "GET":
        form.fill(policy.rules_for(None, policy.this_year()))
        form.prefix.data, form.effective_from.data = request.args.get("prefix", ""), ""
    if form.validate_on_submit() and _saved(form):
        return redirect(url_for("rules_admin.index"))
    return render_template("rules_admin/edit.html", form=form, rules=None)


@bp.route("/<key>/<day>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit(key: str, day: str):
    rules = _version(key, day)
    form = RuleForm()
    if request.method == "GET":
        form.fill(rules)
    form.prefix.data, form.effective_from.data = url_key(rules.prefix), rules.effective_from.isoformat()
    if form.validate_on_submit() and _saved(form):
        return redirect(url_for("rules_admin.index"))
    return render_template("rules_admin/edit.html", form=form, rules=rules)


@bp.route("/<key>/<day>/delete", methods=["GET", "POST"])
@role_required("admin")
def delete(key: str, day: str):
    """GET asks for confirmation; POST (the confirmation's button) deletes."""
    rules = _version(key, day)
    problem = None
    if request.method == "POST":
        try:
            store.delete(rules.prefix, rules.effective_from, utcnow(), current_user._get_current_object())
        except Refused as e:
            db.session.rollback()
            problem = e.message
        else:
            db.session.commit()
            flash(_("已删除 %(area)s 自 %(day)s 起的规则。", area=area_name(rules.prefix),
                    day=rules.effective_from.isoformat()), "success")
            return redirect(url_for("rules_admin.index"))
    return render_template("rules_admin/delete.html", rules=rules, problem=problem)


def _version(key: str, day: str) -> RuleSet:
    try:
        prefix, effective_from = ruledata.clean_prefix(key), store.clean_date(day)
    except RuleError:
        abort(404)
    found = [rules for rules in store.versions(prefix) if rules.effective_from == effective_from]
    if not found:
        abort(404)
    return found[0]


def _saved(form: RuleForm) -> bool:
    """Check and store the form's version; False (the reasons on the form) when it cannot be saved."""
    try:
        saved = store.save(store.check(form.as_json()), utcnow(), current_user._get_current_object())
    except RuleError as e:
        db.session.rollback()
        form.show(e)
        return False
    except Refused as e:
        db.session.rollback()
        form.form_errors.append(e.message)
        return False
    db.session.commit()
    area, day = area_name(saved.rules.prefix), saved.rules.effective_from.isoformat()
    messages = {"created": _("已新建 %(area)s 自 %(day)s 起的规则。", area=area, day=day),
                "updated": _("已保存 %(area)s 自 %(day)s 起的规则。", area=area, day=day),
                "unchanged": _("没有需要保存的修改。")}
    flash(messages[saved.change], "success")
    return True

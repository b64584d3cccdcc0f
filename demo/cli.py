"""``flask --app app demo seed``: the demo world, idempotently, with real playable media."""
import time
import unicodedata
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from core import policy
from core.db import utcnow
from core.extensions import db
from core.policy.examples import EXAMPLES
from core.tz import CHINA
from courses.categories import ensure_categories
from courses.models import Category, Video
from courses.search import tasks as search_tasks
from demo import clips, media, seed, unit_staff, year
from demo.data import DEMO_PASSWORD, PRODUCER_PHONE
from provinces import store as rule_store

cli = AppGroup("demo", help="Demo data.")

QUICK_SECONDS = 2
TRAINEES, QUICK_TRAINEES = 200, 8


@cli.command("seed")
@click.option("--quick", is_flag=True, help=f"Cap every clip at {QUICK_SECONDS} s (tests, quick trials).")
@click.option("--trainees", type=click.IntRange(0, 9999), default=None,
              help=f"Trainees with a year of study ({TRAINEES}; {QUICK_TRAINEES} with --quick).")
def seed_command(quick: bool, trainees: int | None) -> None:
    """Create the categories, one account per role, a published catalogue with real video and
    a province's trainees with last year's and this year's study behind them.

    Running it again changes nothing, except that missing media files are made again.
    """
    started = time.monotonic()
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        settings = _settings()
        _seed_categories()
        _seed_rules()
        accounts = seed.ensure_accounts()
        db.session.commit()
        created = sum(row.created for row in accounts)
        click.echo(_("账号：新建 %(new)d 个，已有 %(old)d 个。", new=created, old=len(accounts) - created))
        producer = next(row.user for row in accounts if row.account.phone == PRODUCER_PHONE)
        if producer.role != "producer":
            raise click.ClickException(_("手机号 %(phone)s 已被非课程制作方账号占用。", phone=PRODUCER_PHONE))
        failures = _seed_courses(producer, settings, QUICK_SECONDS if quick else None)
        _seed_series(producer)
        search_tasks.rebuild()  # the seed publishes directly, without the review path's index updates
        _seed_year(accounts, trainees if trainees is not None else QUICK_TRAINEES if quick else TRAINEES)
        _echo_accounts(accounts)
        click.echo(_("完成，用时 %(seconds).1f 秒。", seconds=time.monotonic() - started))
    if failures:
        raise click.ClickException(_("%(n)d 个视频生成失败，再次运行本命令会重试。", n=failures))


def _settings() -> media.Settings:
    font = clips.find_cjk_font()
    if font is None:
        click.echo(_("未找到中文字体（fonts-wqy-zenhei），演示视频中将不显示文字。"), err=True)
    cfg = current_app.config
    return media.Settings(Path(cfg["MEDIA_ROOT"]), font, cfg["FFMPEG"], cfg["FFPROBE"])


def _seed_categories() -> None:
    before = db.session.scalar(select(func.count()).select_from(Category))
    after = len(ensure_categories())
    db.session.commit()
    click.echo(_("分类：新建 %(new)d 个，已有 %(old)d 个。", new=after - before, old=before))


def _seed_rules() -> None:
    """The national rule set and, as labelled examples, Guangdong's and Henan's: only when no
    rule set is stored yet, so that an admin's changes survive the next start. The national
    example is stored only when it says what the settings say: settings of another national
    rule (a test's 2-second 学时) stay in force."""
    if not rule_store.is_empty():
        click.echo(_("学时规则：已有，未改动。"))
        return
    settings = policy.rules_for(None)  # with nothing stored, the national set of the settings
    examples = [rule_store.check(data) for data in EXAMPLES]
    for rules in examples:
        if rules.prefix or rules.terms() == settings.terms():
            rule_store.save(rules, utcnow(), check_locks=False, via="demo seed")
    db.session.commit()
    click.echo(_("学时规则：新建 %(n)d 套（全国规则及示例）。", n=len(rule_store.versions())))


def _seed_courses(producer, settings: media.Settings, max_seconds: float | None) -> int:
    """Create, render and publish; each course is committed once its media are done."""
    now = utcnow()
    plans = seed.ensure_courses(producer, ensure_categories(), now, settings.media_root, max_seconds)
    db.session.commit()
    for plan in plans:
        status = _("新建") if plan.created else _("已存在")
        click.echo(_("课程：%(status)s《%(title)s》，待生成视频 %(n)d 个。",
                     status=status, title=plan.course.title, n=len(plan.jobs)))
    pending = {plan.course.id: len(plan.jobs) for plan in plans}
    courses = {plan.course.id: plan.course for plan in plans}
    course_of = {job.video_id: plan.course.id for plan in plans for job in plan.jobs}
    failures = 0
    for result in media.render_all([job for plan in plans for job in plan.jobs], settings):
        video = db.session.get(Video, result.job.video_id)
        media.record(video, result, settings.media_root)
        failures += bool(result.error)
        _echo_result(result)
        course_id = course_of[video.id]
        pending[course_id] -= 1
        if pending[course_id] == 0:
            _finish(courses[course_id])
    for course in courses.values():
        if course.status == "draft":  # resumed after an interruption with nothing left to render
            _finish(course)
    return failures


def _seed_series(producer) -> None:
    made = seed.ensure_series(producer, ensure_categories(), utcnow(), policy.minutes_per_hour())
    db.session.commit()
    for course in made:
        click.echo(_("发布：《%(title)s》，%(hours).1f 学时。", title=course.title, hours=course.credit_hours))


def _seed_year(accounts: list[seed.AccountRow], count: int) -> None:
    """The trainees with their study so far, each committed with it (an interrupted run resumes)."""
    now, required = utcnow(), policy.required_tenths()
    this_year = now.astimezone(CHINA).year
    catalogues = {y: year.catalogue(y) for y in (this_year - 1, this_year)}
    persons = year.missing(year.people(count))
    password_hash = generate_password_hash(DEMO_PASSWORD)
    for done, person in enumerate(persons, start=1):
        year.history(year.add(person, password_hash), person, now, required, catalogues)
        db.session.commit()
        if done % 50 == 0 or done == len(persons):
            click.echo(_("学员：已生成 %(done)d / %(total)d 名学员的学习记录。", done=done, total=len(persons)))
    _seed_unit_staff(accounts)
    trainee = next(row.user for row in accounts if row.account.role == "trainee")
    if trainee.role != "trainee":
        return
    closer = year.demo_trainee(trainee, now, required)
    db.session.commit()
    if closer is not None:
        click.echo(_("%(name)s 本年度还差 %(hours).1f 学时达标：学完《%(title)s》即可开具达标的年度学时证明。",
                     name=trainee.real_name, hours=year.DEMO_SHORT_TENTHS / 10, title=closer.title))


def _seed_unit_staff(accounts: list[seed.AccountRow]) -> None:
    admin = next(row.user for row in accounts if row.account.role == "unit_admin")
    if admin.role != "unit_admin":
        return
    confirmed, pending = unit_staff.ensure_staff(admin, utcnow())
    db.session.commit()
    if confirmed or pending:
        click.echo(_("工作单位：%(admin)s 确认了 %(confirmed)d 名本单位学员，%(pending)d 名待确认。",
                     admin=admin.real_name, confirmed=confirmed, pending=pending))


def _finish(course) -> None:
    if seed.finish_course(course, policy.minutes_per_hour(), utcnow()):
        click.echo(_("发布：《%(title)s》，%(hours).1f 学时。", title=course.title, hours=course.credit_hours))
    db.session.commit()


def _echo_result(result: media.ClipResult) -> None:
    subtitle = result.job.subtitle.replace("\n", " ")
    if result.error:
        click.echo(_("视频生成失败：%(title)s：%(error)s", title=subtitle, error=result.error), err=True)
    else:
        click.echo(_("视频：%(title)s（%(seconds).0f 秒）", title=subtitle, seconds=result.probe["duration"]))


def _echo_accounts(rows: list[seed.AccountRow]) -> None:
    click.echo(_("演示账号（网址 /login，用手机号或身份证号登录）："))
    table = [(_("角色"), _("登录手机号"), _("身份证号"), _("密码"))]
    for row in rows:
        password = DEMO_PASSWORD if row.demo_password else _("（已修改）")
        table.append((row.user.role_label, row.user.phone, row.user.id_number, password))
    widths = [max(_width(line[i]) for line in table) for i in range(4)]
    for line in table:
        cells = (cell + " " * (width - _width(cell)) for cell, width in zip(line, widths, strict=True))
        click.echo("  ".join(cells).rstrip())


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

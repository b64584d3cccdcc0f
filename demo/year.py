"""The demo as a province in December: trainees with a year and a half of study behind them.

Several hundred trainees across two provinces (``DEMO_REGIONS``), each with a plan drawn
from a fixed seed: most met last year's requirement; this year some have, some are short,
a few barely started, and a few ran a script that the rules cut (integrity events). Their
watching is played through :mod:`demo.watching` (the ledger and the rules, ``now``
injected), so every credit record is one the heartbeat would have written. The demo
trainee is left 0.3 学时 short, with one short course to finish.
"""
import random
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import func, select

from accounts.idnumber import check_digit
from accounts.models import User
from core.extensions import db
from core.tz import CHINA
from courses.models import Course
from demo import testing, watching
from demo.data import DEMO_REGIONS, DEMO_TITLES, GIVEN, POPULATION_PHONE_PREFIX, SURNAMES
from learning import ledger
from learning.models import CreditRecord, WatchBudget

SEED = 17
EXAM_SEED = 29
# This year: met the requirement, short of it, barely started (shares of the trainees).
THIS_YEAR = (("done", 0.5), ("short", 0.38), ("idle", 0.12))
LAST_YEAR_DONE = 0.75
RUSH_EVERY = 15  # every 15th trainee ran a script once; every 2nd of those also used two screens
RUSH_LESSONS = 3  # on the first lessons of one course, which stays incomplete
DEMO_SHORT_TENTHS = 3


class Person(NamedTuple):
    serial: int
    real_name: str
    id_number: str
    phone: str
    region_code: str
    employer: str
    title: str
    ip: str


def people(count: int) -> list[Person]:
    """The population, the same on every run."""
    rng, made, taken = random.Random(SEED), [], set()
    for serial in range(1, count + 1):
        region, employers = rng.choice(DEMO_REGIONS)
        employer_index = rng.randrange(len(employers))
        born = date(1965, 1, 1) + timedelta(days=rng.randrange(13000))
        first17 = f"{region}{born:%Y%m%d}{serial % 900 + 100:03d}"
        if first17 in taken:
            continue
        taken.add(first17)
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        # Colleagues share their employer's address: the shared-address signal shows them.
        ip = f"198.51.100.{(DEMO_REGIONS.index((region, employers)) * 2 + employer_index) * 10 + 1}"
        made.append(Person(serial, name, first17 + check_digit(first17), f"{POPULATION_PHONE_PREFIX}{serial:04d}",
                           region, employers[employer_index], rng.choice(DEMO_TITLES), ip))
    return made


def missing(persons: list[Person]) -> list[Person]:
    """The trainees not made yet (known by phone or ID number): made by an earlier run are left alone."""
    have = set(db.session.scalars(select(User.phone).where(User.phone.like(f"{POPULATION_PHONE_PREFIX}%"))))
    ids = set(db.session.scalars(select(User.id_number).where(User.id_number.in_([p.id_number for p in persons]))))
    return [p for p in persons if p.phone not in have and p.id_number not in ids]


def add(person: Person, password_hash: str) -> User:
    user = User(role="trainee", real_name=person.real_name, id_number=person.id_number, phone=person.phone,
                employer=person.employer, region_code=person.region_code, title=person.title,
                password_hash=password_hash)
    db.session.add(user)
    db.session.flush()
    return user


def catalogue(year: int) -> list[Course]:
    """The published 公需 courses of ``year``'s catalogue that credit anything, lessons loaded
    (the requirement the demo's regions set is 公需 only: other types would leave a plan short)."""
    return db.session.scalars(select(Course).where(
        Course.status == "published", Course.catalogue_year == year, Course.credit_tenths > 0,
        Course.subject_type == "gongxu").order_by(Course.id)).all()


def choose(courses: list[Course], target_tenths: int, rng: random.Random) -> list[Course]:
    """Courses in a random order until they add up to ``target_tenths`` (or run out)."""
    chosen, total = [], 0
    for course in rng.sample(courses, len(courses)):
        if total >= target_tenths:
            break
        chosen.append(course)
        total += course.credit_tenths
    return chosen


def exactly(courses: list[Course], target_tenths: int) -> list[Course]:
    """The largest total of courses not above ``target_tenths`` (a subset sum over tenths)."""
    best: dict[int, list[Course]] = {0: []}
    for course in courses:
        for total, picked in list(best.items()):
            new = total + course.credit_tenths
            if new <= target_tenths and new not in best:
                best[new] = picked + [course]
    return best[max(best)]


def study(user: User, courses: list[Course], start: datetime, end: datetime, ip: str,
          rng: random.Random, examinee: testing.Examinee, rush: bool = False) -> None:
    """Watch ``courses`` on days spread between ``start`` and ``end``, each in one sitting
    from a time of day a person studies (China Standard Time), and take each one's test after
    its last lesson (``examinee``). ``rush``: the first lessons of the course with the most
    lessons are played by a script (:func:`watching.watch_lesson`), and its test is not taken."""
    budget = ledger.lock_budget(user.id)
    rushed = max(courses, key=lambda c: len(c.lessons)) if rush and courses else None
    span = max((end - start).days, 1)
    days = sorted(rng.randrange(span) for _ in courses)
    for course, day in zip(courses, days, strict=True):
        moment = (start + timedelta(days=day)).astimezone(CHINA).replace(
            hour=rng.choice((8, 9, 10, 14, 15, 19, 20)), minute=rng.randrange(60))
        moment = max(moment, _after(budget))
        if moment >= end:  # the window is full: the rest stays unwatched
            break
        lessons = course.lessons
        for number, lesson in enumerate(lessons):
            script = course is rushed and number < RUSH_LESSONS
            ended = watching.watch_lesson(budget, lesson, moment, ip, script, last=lesson is lessons[-1])
            moment = ended + timedelta(seconds=0.1 if script else rng.randrange(20, 180))
        if course is not rushed:
            examinee.take(course, ended)


def _after(budget: WatchBudget) -> datetime:
    """Study days are drawn per year: a sitting never starts before the trainee's last one ended."""
    played = budget.played_until
    return played + timedelta(minutes=5) if played else datetime(1970, 1, 1, tzinfo=CHINA)


def year_window(year: int, now: datetime) -> tuple[datetime, datetime]:
    """When a trainee may have studied in ``year``: up to a day before ``now``."""
    start, end = datetime(year, 1, 1, tzinfo=CHINA), datetime(year, 12, 20, tzinfo=CHINA)
    return start, max(min(end, now - timedelta(days=1)), start)


def history(user: User, person: Person, now: datetime, required_tenths: int,
            catalogues: dict[int, list[Course]]) -> None:
    """One trainee's last year and this year so far, as their plan (drawn from the serial) says.

    ``catalogues`` maps last year and this year to :func:`catalogue`.
    """
    serial, ip = person.serial, person.ip
    rng = random.Random(SEED * 100003 + serial)
    this_year = now.astimezone(CHINA).year
    exam_rng = random.Random(EXAM_SEED * 100003 + serial)  # the tests' draws leave the plan as it was
    last_done = rng.random() < LAST_YEAR_DONE
    last_target = (required_tenths + rng.randrange(40) if last_done
                   else rng.randrange(required_tenths // 4, required_tenths))
    chosen = choose(catalogues[this_year - 1], last_target, rng)
    study(user, chosen, *year_window(this_year - 1, now), ip, rng,
          testing.Examinee(user.id, ip, exam_rng, may_give_up=_short_anyway(chosen, required_tenths)))
    plan = rng.choices([name for name, _ in THIS_YEAR], [share for _, share in THIS_YEAR])[0]
    target = {"done": required_tenths + rng.randrange(50),
              "short": rng.randrange(required_tenths // 3, max(required_tenths - 10, required_tenths // 3 + 1)),
              "idle": rng.randrange(1, max(required_tenths // 10, 2))}[plan]
    rush = serial % RUSH_EVERY == 0
    chosen = choose(catalogues[this_year], target, rng)
    study(user, chosen, *year_window(this_year, now), ip, rng,
          testing.Examinee(user.id, ip, exam_rng, may_give_up=_short_anyway(chosen, required_tenths)), rush=rush)
    if rush and serial % (2 * RUSH_EVERY) == 0 and catalogues[this_year]:
        lesson = catalogues[this_year][0].lessons[0]
        watching.refused_on_a_second_screen(user.id, lesson, _after(ledger.lock_budget(user.id)), ip)


def _short_anyway(courses: list[Course], required_tenths: int) -> bool:
    """Whether ``courses`` fall short of the requirement even if every test is passed: only
    such a trainee sometimes fails a test and leaves it, so that who meets the year is what
    the plans say."""
    return sum(course.credit_tenths for course in courses) < required_tenths


def demo_trainee(user: User, now: datetime, required_tenths: int) -> Course | None:
    """Last year met; this year ``DEMO_SHORT_TENTHS`` short of ``required_tenths``, with the
    shortest course that closes the gap left unwatched. Returns that course (None when the
    trainee has records already, or the catalogue cannot leave such a gap)."""
    if db.session.scalar(select(func.count()).select_from(CreditRecord).where(CreditRecord.user_id == user.id)):
        return None
    rng = random.Random(SEED)
    this_year = now.astimezone(CHINA).year
    courses = catalogue(this_year)
    closers = sorted((c for c in courses if c.credit_tenths >= DEMO_SHORT_TENTHS and len(c.lessons) <= 3),
                     key=lambda c: (c.credit_tenths, sum(lesson.duration_seconds for lesson in c.lessons)))
    if not closers:
        return None
    ip = "198.51.100.250"
    examinee = testing.Examinee(user.id, ip, random.Random(EXAM_SEED), always_pass=True)
    study(user, choose(catalogue(this_year - 1), required_tenths + 12, rng), *year_window(this_year - 1, now),
          ip, rng, examinee)
    picked = exactly([c for c in courses if c.id != closers[0].id], required_tenths - DEMO_SHORT_TENTHS)
    study(user, picked, *year_window(this_year, now), ip, rng, examinee)
    return closers[0]

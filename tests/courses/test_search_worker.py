"""A real worker process (``flask --app app worker``) keeps the index in step; this process only reads.

SQLite for the database and the queue, whatever ``ZHIXIN_TEST_DATABASE_URL`` says: the
worker is a separate process and shares the files.
"""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from accounts.models import User
from app import create_app
from core.db import utcnow
from core.extensions import db
from courses.categories import ensure_categories
from courses.models import Course, Lesson, Video
from courses.search import engine as search
from courses.search import index as search_index
from courses.studio import publishing
from tests.conftest import app_config, make_id_number, make_phone

ROOT = Path(__file__).resolve().parents[2]


def wait_for(predicate, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def indexed(root: Path) -> set[str]:
    ix = search_index.open_live(root)
    return set(search_index.indexed_stamps(ix)) if ix is not None else set()


def test_the_worker_indexes_an_approval_and_removes_a_withdrawal(tmp_path):
    database, queue, index = f"sqlite:///{tmp_path / 'z.db'}", f"sqlite:///{tmp_path / 'q.db'}", tmp_path / "search"
    config = app_config(tmp_path, DATABASE_URL=database, SQLALCHEMY_ENGINE_OPTIONS={}, QUEUE_IMMEDIATE=False,
                        QUEUE_URL=queue, SEARCH_INDEX_DIR=str(index))
    app = create_app(config, instance_path=str(tmp_path / "instance"))
    env = {**os.environ, "ZHIXIN_DATABASE_URL": database, "ZHIXIN_QUEUE_URL": queue, "ZHIXIN_SECRET_KEY": "t",
           "ZHIXIN_MEDIA_ROOT": str(tmp_path / "media"), "ZHIXIN_SEARCH_INDEX_DIR": str(index)}
    with app.app_context():
        db.create_all()
        producer = User(role="producer", real_name="王五", id_number=make_id_number(), phone=make_phone(),
                        employer="", region_code="110105", password_hash="x", organisation="知新制作中心")
        reviewer = User(role="reviewer", real_name="赵六", id_number=make_id_number(), phone=make_phone(),
                        employer="", region_code="110105", password_hash="x")
        video = Video(owner=producer, status="ready", duration_seconds=2700)
        course = Course(title="突发事件应对", summary="", instructor="李老师",
                        category=ensure_categories()["emergency"], producer=producer, organisation="知新制作中心",
                        status="submitted", catalogue_year=2026,
                        lessons=[Lesson(position=1, title="第1讲", video=video)])
        db.session.add_all([producer, reviewer, course])
        db.session.commit()
        publishing.decide(course, reviewer, True, "", utcnow())
        db.session.commit()  # queued now, for the worker: this process writes no index
        assert search_index.live_dir(index) is None
        worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker", "--workers", "2"],
                                  cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            assert wait_for(lambda: str(course.id) in indexed(index)), "the worker never indexed the course"
            assert [h.course_id for h in search.find(search.SearchQuery(text="tfsj")).hits] == [course.id]
            publishing.withdraw_course(course, utcnow())
            db.session.commit()
            assert wait_for(lambda: str(course.id) not in indexed(index)), "the withdrawal never reached the index"
            assert search.find(search.SearchQuery(text="突发事件")).total == 0
        finally:
            worker.send_signal(signal.SIGINT)
            output, _ = worker.communicate(timeout=60)
        db.session.remove()
        db.engine.dispose()
    assert worker.returncode == 0, output

"""The task queue is configured from ZHIXIN_QUEUE_URL and runs tasks inside the app."""
import os

import pytest
from flask import current_app
from huey.storage import RedisStorage, SqliteStorage

from app import create_app
from core import queue
from tests.conftest import app_config


@queue.task()
def where_am_i(marker):
    return f"{marker}:{current_app.config['MEDIA_ROOT']}"


def test_sqlite_queue_keeps_tasks_in_its_file_until_a_worker_runs_them(tmp_path):
    app = create_app(app_config(tmp_path, QUEUE_IMMEDIATE=False), instance_path=str(tmp_path / "i"))
    assert isinstance(queue.huey.storage, SqliteStorage)
    assert queue.huey.storage.filename == str(tmp_path / "queue.db")
    queue.huey.flush()
    where_am_i("x")
    assert queue.huey.pending_count() == 1
    # A consumer thread has no app context of its own: the task must bring the app's.
    task = queue.huey.dequeue()
    assert queue.huey.execute(task) == f"x:{app.config['MEDIA_ROOT']}"


def test_create_app_opens_no_queue_until_a_task_is_enqueued(tmp_path):
    create_app(app_config(tmp_path, QUEUE_IMMEDIATE=False), instance_path=str(tmp_path / "i"))
    assert not (tmp_path / "queue.db").exists()  # the app assembles; it does not connect
    where_am_i("x")
    assert (tmp_path / "queue.db").exists() and queue.huey.pending_count() == 1
    queue.huey.flush()


def test_unknown_queue_url_is_refused(tmp_path):
    with pytest.raises(ValueError, match="ZHIXIN_QUEUE_URL"):
        create_app(app_config(tmp_path, QUEUE_URL="amqp://nope"), instance_path=str(tmp_path / "i"))


@pytest.mark.skipif(not os.environ.get("ZHIXIN_TEST_REDIS_URL"), reason="ZHIXIN_TEST_REDIS_URL not set")
def test_redis_queue(tmp_path):
    url = os.environ["ZHIXIN_TEST_REDIS_URL"]
    app = create_app(app_config(tmp_path, QUEUE_IMMEDIATE=False, QUEUE_URL=url), instance_path=str(tmp_path / "i"))
    assert isinstance(queue.huey.storage, RedisStorage)
    queue.huey.flush()
    where_am_i("r")
    assert queue.huey.pending_count() == 1
    assert queue.huey.execute(queue.huey.dequeue()) == f"r:{app.config['MEDIA_ROOT']}"
    queue.huey.flush()

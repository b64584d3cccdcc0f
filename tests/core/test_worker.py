"""``flask --app app worker`` is a real Huey consumer: it runs queued tasks, and stops cleanly."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest

import config
from app import create_app
from core.cli import load_task_modules
from tests.conftest import app_config
from tests.core.worker_tasks import write_marker

ROOT = Path(__file__).resolve().parents[2]


def start_worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "worker", "--workers", "1"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def wait_for(predicate, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("queue_url", [
    "sqlite",
    pytest.param("redis", marks=pytest.mark.skipif(not os.environ.get("ZHIXIN_TEST_REDIS_URL"),
                                                   reason="ZHIXIN_TEST_REDIS_URL not set")),
])
def test_worker_runs_a_queued_task_and_stops_on_interrupt(tmp_path, queue_url):
    url = os.environ.get("ZHIXIN_TEST_REDIS_URL") if queue_url == "redis" else f"sqlite:///{tmp_path / 'q.db'}"
    media = tmp_path / "media"
    media.mkdir()
    env = {**os.environ, "ZHIXIN_QUEUE_URL": url, "ZHIXIN_MEDIA_ROOT": str(media),
           "ZHIXIN_DATABASE_URL": f"sqlite:///{tmp_path / 'z.db'}", "ZHIXIN_SECRET_KEY": "t",
           "ZHIXIN_TASK_MODULES": json.dumps(["courses.media.tasks", "tests.core.worker_tasks"])}
    # Enqueue before the worker starts: the job must wait in the queue, not in this process.
    create_app(app_config(tmp_path, QUEUE_IMMEDIATE=False, QUEUE_URL=url), instance_path=str(tmp_path / "i"))
    from core.queue import huey
    huey.flush()
    write_marker("done.txt", "知新")
    worker = start_worker(env)
    try:
        assert wait_for(lambda: (media / "done.txt").exists()), "the worker never ran the task"
        assert (media / "done.txt").read_text(encoding="utf-8") == "知新"
    finally:
        worker.send_signal(signal.SIGINT)
        output, _ = worker.communicate(timeout=30)
    assert worker.returncode == 0, output
    assert "tests.core.worker_tasks" in output


def test_every_configured_task_module_exists():
    assert load_task_modules(config.Defaults.TASK_MODULES) == list(config.Defaults.TASK_MODULES)


def test_a_task_module_that_does_not_exist_stops_the_worker_with_its_name(tmp_path):
    app = create_app(app_config(tmp_path, QUEUE_IMMEDIATE=False, TASK_MODULES=["courses.media.tasks",
                                                                                 "courses.media.tasksz"]),
                     instance_path=str(tmp_path / "i"))
    result = app.test_cli_runner().invoke(args=["worker"])
    assert result.exit_code == 1
    assert "TASK_MODULES names 'courses.media.tasksz', which does not exist" in result.output
    with pytest.raises(click.ClickException, match="'nowhere.tasks'"):
        load_task_modules(["nowhere.tasks"])  # its package does not exist either

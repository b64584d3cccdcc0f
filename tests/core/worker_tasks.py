"""A task for the worker test: the consumer process imports this module via TASK_MODULES."""
from pathlib import Path

from flask import current_app

from core import queue


@queue.task()
def write_marker(name: str, text: str) -> None:
    Path(current_app.config["MEDIA_ROOT"], name).write_text(text, encoding="utf-8")

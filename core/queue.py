"""The Huey task queue: one instance, bound to its storage by ``init_app``.

Until ``init_app`` runs, the queue is in immediate mode with memory storage, so that
importing a task module opens no file and no connection.
"""
import functools

from flask import has_app_context
from huey import Huey
from huey.storage import RedisStorage, SqliteStorage

huey = Huey("zhixin", immediate=True, utc=True)


def init_app(app):
    """Point the queue at ``QUEUE_URL`` (``sqlite:///path`` or ``redis://…``)."""
    url = app.config["QUEUE_URL"]
    if url.startswith(("redis://", "rediss://", "unix://")):
        huey.storage_class = RedisStorage
        huey.storage_kwargs = {"url": url}
    elif url.startswith("sqlite:///"):
        huey.storage_class = SqliteStorage
        huey.storage_kwargs = {"filename": url[len("sqlite:///"):]}
    else:
        raise ValueError(f"ZHIXIN_QUEUE_URL must be sqlite:/// or redis://, not {url!r}")
    huey.immediate = bool(app.config["QUEUE_IMMEDIATE"])
    if not huey.immediate:
        huey.storage = huey.create_storage()
    huey.flask_app = app


def _in_app_context(fn):
    @functools.wraps(fn)
    def run(*args, **kwargs):
        if has_app_context():
            return fn(*args, **kwargs)
        with huey.flask_app.app_context():
            return fn(*args, **kwargs)

    return run


def task(**options):
    """``huey.task`` whose body runs inside the Flask app context (consumer threads have none)."""
    return lambda fn: huey.task(**options)(_in_app_context(fn))


def periodic_task(validate_datetime, **options):
    """``huey.periodic_task`` with the same app context as :func:`task`."""
    return lambda fn: huey.periodic_task(validate_datetime, **options)(_in_app_context(fn))

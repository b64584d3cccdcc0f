"""The Huey task queue: one instance, bound to its storage by ``init_app``, opened on first use.

Until ``init_app`` runs, the queue is in immediate mode with memory storage, so that
importing a task module opens no file and no connection. ``init_app`` only records where
the queue lives: Huey would open its storage there and then (the SQLite file and its
tables), so :class:`LazyHuey` makes it when a task is first enqueued or the consumer
starts, and ``create_app`` stays free of connections.
"""
import functools
import threading

from flask import has_app_context
from huey import Huey
from huey.storage import RedisStorage, SqliteStorage


class LazyHuey(Huey):
    """Huey whose storage is made on first use rather than when it is configured."""

    _storage = None
    _storage_lock = threading.Lock()

    @property
    def storage(self):
        if self._storage is None:
            with self._storage_lock:
                if self._storage is None:
                    self._storage = self.create_storage()
        return self._storage

    @storage.setter
    def storage(self, value):
        self._storage = value

    @property
    def immediate(self):
        return self._immediate

    @immediate.setter
    def immediate(self, value):
        if self._immediate != value:
            self._immediate = value
            self._storage = None  # Huey makes the other mode's storage here; we wait for its use

    def reset_storage(self):
        """Forget the storage, so that the next use makes it from the current settings."""
        self._storage = None


huey = LazyHuey("zhixin", immediate=True, utc=True)


def init_app(app):
    """Point the queue at ``QUEUE_URL`` (``sqlite:///path`` or ``redis://…``); opens nothing."""
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
        huey.reset_storage()
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

"""Keeping the search index in step with the catalogue: Huey tasks, so the worker alone writes.

Publishing (``courses.studio.publishing``: approve, apply a revision, withdraw) calls
``index_after_commit(course.id)``. Nothing is enqueued at that moment: the id waits in
the session until its transaction commits, then ``index_course(id)`` is enqueued (a
rollback forgets it). The commit and rollback listeners belong to that session: the
first such call attaches them (importing this module attaches nothing). The task reads
the course's *current* state and indexes it when it is published, removes it otherwise
— so tasks may run late, twice or out of order and the index still ends right.

Why after the commit: a worker could otherwise run the task before the request commits
and index the old state. With ``QUEUE_IMMEDIATE`` (tests) the task runs inline when it is
enqueued — inside the commit hook, where the request's session can no longer emit SQL —
so every task reads through a session of its own.

Writers take turns on ``write.lock`` (``index.writer_lock``), so a course published
during ``flask search rebuild`` waits and is then written into the new index.
``reconcile_index`` (hourly) repairs whatever a lost task or a direct database edit (the
demo seed) left behind, by comparing each course's ``updated_at`` with the index.
"""
import logging
import os
import time
from pathlib import Path

from flask import current_app
from huey import crontab
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from core.extensions import db
from core.queue import periodic_task, task
from courses.models import Course
from courses.search import index
from courses.search.index import index_root, prepare

log = logging.getLogger(__name__)
PENDING = "search_pending_course_ids"
ASK_AGAIN_SECONDS = 600  # a rebuild asked for and not done by then is asked for again


def index_after_commit(course_id: int) -> None:
    """Enqueue ``index_course(course_id)`` once the current transaction commits."""
    session = db.session()
    session.info.setdefault(PENDING, set()).add(course_id)
    if not event.contains(session, "after_commit", _enqueue_pending):
        event.listen(session, "after_commit", _enqueue_pending)
        event.listen(session, "after_rollback", _forget_pending)


def _enqueue_pending(session: Session) -> None:
    for course_id in sorted(session.info.pop(PENDING, ())):
        try:
            index_course(course_id)
        except Exception:  # the commit stands; reconcile_index repairs the index
            log.exception("search: could not enqueue the index update of course %s", course_id)


def _forget_pending(session: Session) -> None:
    session.info.pop(PENDING, None)


def _media_root() -> Path:
    return Path(current_app.config["MEDIA_ROOT"])


def _write(course_ids: list[int]) -> None:
    """Index or remove ``course_ids`` (the whole index is built when there is none)."""
    root = index_root()
    prepare()
    with index.writer_lock(root), Session(db.engine) as session:
        ix = index.open_live(root)
        if ix is None:
            index.build(root, index.published_documents(session, _media_root()))
            return
        documents = index.published_documents(session, _media_root(), course_ids)
        index.apply(ix, {doc["id"]: doc for doc in documents}, course_ids)


@task(retries=3, retry_delay=30)
def index_course(course_id: int) -> None:
    """Bring one course's document in line with the database."""
    _write([course_id])


def rebuild(only_if_missing: bool = False) -> tuple[Path, int] | None:
    """Build a fresh index beside the live one and swap it in; ``(path, courses)``.

    With ``only_if_missing``, nothing happens when a usable index already exists.
    """
    root = index_root()
    prepare()
    with index.writer_lock(root), Session(db.engine) as session:
        if only_if_missing and index.open_live(root) is not None:
            return None
        path, count = index.build(root, index.published_documents(session, _media_root()))
    log.info("search: built %s with %s courses", path, count)
    return path, count


@task(retries=2, retry_delay=60)
def rebuild_index() -> None:
    """The rebuild a web process asked for (the index was missing or outdated)."""
    try:
        rebuild(only_if_missing=True)
    finally:
        (index_root() / "rebuild.requested").unlink(missing_ok=True)


def request_rebuild() -> None:
    """Ask the worker for a rebuild, unless one was asked for in the last ``ASK_AGAIN_SECONDS``."""
    root = index_root()
    root.mkdir(parents=True, exist_ok=True)
    marker = root / "rebuild.requested"
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
    except FileExistsError:
        try:
            if time.time() - marker.stat().st_mtime < ASK_AGAIN_SECONDS:
                return
            os.utime(marker)
        except FileNotFoundError:
            return  # the rebuild just finished
    try:
        rebuild_index()
    except Exception:  # the queue is down: search from the database meanwhile
        log.exception("search: could not enqueue the index rebuild")
        marker.unlink(missing_ok=True)


def stale_course_ids(indexed: dict[str, str], published: dict[str, str]) -> list[int]:
    """Courses to write: published but missing or changed, or indexed but no longer published."""
    changed = [cid for cid, stamp in published.items() if indexed.get(cid) != stamp]
    gone = [cid for cid in indexed if cid not in published]
    return sorted(int(cid) for cid in changed + gone)


@periodic_task(crontab(minute="17"))
def reconcile_index() -> None:
    """Compare the index with the database and fix the difference (an existing index only)."""
    root = index_root()
    if index.live_dir(root) is None:
        return  # nothing to repair: the first search asks for a full build
    with Session(db.engine) as session:
        rows = session.execute(select(Course.id, Course.updated_at).where(Course.status == "published"))
        published = {str(course_id): index.stamp(updated_at) for course_id, updated_at in rows}
    ix = index.open_live(root)
    stale = stale_course_ids(index.indexed_stamps(ix), published) if ix is not None else []
    if stale:
        log.info("search: reconciling %s courses", len(stale))
        _write(stale)

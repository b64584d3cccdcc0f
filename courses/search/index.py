"""The Whoosh index of published courses: schema, documents, storage, the atomic swap.

Layout under the index root (``SEARCH_INDEX_DIR``, default ``instance/search``)::

    current -> index-20260301T120000-3f9a1c   (a relative symlink: the live index)
    index-20260301T120000-3f9a1c/             (Whoosh files + VERSION)
    write.lock                                (flock: one writer at a time)
    rebuild.requested                         (a web process asked the worker to build)

A rebuild writes a complete new ``index-*`` directory, then points ``current`` at it by
renaming a fresh symlink over the old one (``rename`` is atomic), so a reader sees the
old index or the new one, never half of either. A reader resolves ``current`` once when
it opens a searcher; a directory swapped out stays on disk for ``GRACE_SECONDS`` so that
searchers still open on it finish their work.

``VERSION`` holds ``SCHEMA_VERSION``; an index without it, or with another number, or
that Whoosh cannot open (its pickled schema names a class that moved), counts as absent
and is rebuilt.

Only the worker (and ``flask search rebuild``) writes; both take ``write.lock`` first.
``index_root()`` and ``prepare()`` are the only functions that read the app (its config
and instance folder); the rest take the root as an argument.
"""
import contextlib
import fcntl
import os
import secrets
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from courses.media import storage
from courses.models import Course, Lesson
from courses.search.text import load_jieba, pinyin_terms, vtt_text

if TYPE_CHECKING:  # Whoosh is imported where an index is built or opened: 3 MB a web process may never need
    from whoosh.fields import Schema
    from whoosh.searching import Searcher

SCHEMA_VERSION = 2  # 2: the subject type (``type``) facet
GRACE_SECONDS = 600
LOCK_TIMEOUT_SECONDS = 600
MAX_CAPTION_CHARS = 200_000
# 学时 ranges for the facet, in tenths of an hour: (key, lowest, below).
HOUR_BUCKETS = (("lt1", 0, 10), ("1to2", 10, 20), ("2to4", 20, 40), ("ge4", 40, None))


def hour_labels() -> dict[str, str]:
    """Each HOUR_BUCKETS key as the search's facet and 全部课程's filter name it."""
    return {"lt1": _("1 学时以下"), "1to2": _("1–2 学时"), "2to4": _("2–4 学时"), "ge4": _("4 学时及以上")}


class IndexBusy(RuntimeError):
    """Another writer held ``write.lock`` for longer than ``LOCK_TIMEOUT_SECONDS``."""


def make_schema() -> "Schema":
    """Two searched text fields: ``title`` (boosted at query time) and ``text`` (everything,
    the title too), plus ``pinyin``; the rest is stored for snippets or kept in columns
    (status, facets, sort keys) that ``courses.search.query`` reads once per searcher.
    """
    from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

    from courses.search.text import ChineseTokenizer

    def text(stored: bool) -> "TEXT":
        return TEXT(analyzer=ChineseTokenizer(), stored=stored, phrase=True)

    return Schema(
        id=ID(stored=True, unique=True, sortable=True), status=ID(stored=True, sortable=True),
        stamp=ID(sortable=True), title=text(stored=True), text=text(stored=False), pinyin=KEYWORD(scorable=True),
        summary=STORED(), instructor=STORED(), organisation=STORED(), captions=STORED(),
        category=ID(stored=True, sortable=True), year=ID(stored=True, sortable=True),
        hours=ID(stored=True, sortable=True), type=ID(stored=True, sortable=True),
        credit=NUMERIC(int, stored=True, sortable=True),
        published=NUMERIC(int, bits=64, sortable=True),
    )


def hours_bucket(tenths: int) -> str:
    for key, low, below in HOUR_BUCKETS:
        if tenths >= low and (below is None or tenths < below):
            return key
    return HOUR_BUCKETS[0][0]


def stamp(updated_at: datetime | None) -> str:
    """A course's ``updated_at`` as the index keeps it (``reconcile_index`` compares them)."""
    return updated_at.isoformat() if updated_at else ""


# ---- this app's index -----------------------------------------------------------------------

def index_root() -> Path:
    """Where this app's index lives: ``SEARCH_INDEX_DIR``, else ``instance/search``."""
    configured = current_app.config.get("SEARCH_INDEX_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "search"


def prepare() -> None:
    """Load jieba (once per process), caching its dictionary in the instance folder."""
    load_jieba(current_app.instance_path)


# ---- documents ------------------------------------------------------------------------------

def captions_text(course: Course, media_root: Path) -> str:
    """The spoken text of every lesson that has captions, as far as the files can be read."""
    parts = []
    for lesson in course.lessons:
        if not lesson.video.captions_path:
            continue
        try:
            raw = storage.resolve(lesson.video.captions_path, media_root).read_text("utf-8", "replace")
        except (OSError, storage.UnsafePath):
            continue  # a missing file must not stop the course from being found
        parts.append(vtt_text(raw))
    return " ".join(parts)[:MAX_CAPTION_CHARS]


def course_document(course: Course, captions: str = "") -> dict:
    """The Whoosh document of a course (its category and lessons loaded).

    ``text`` joins the fields with line breaks: a phrase of characters never spans two.
    """
    category = course.category
    published = course.published_at or course.created_at or datetime.now(UTC)
    summary, instructor, organisation = course.summary or "", course.instructor or "", course.organisation or ""
    searched = (course.title, summary, instructor, organisation, category.name, category.name_en,
                str(course.catalogue_year), captions)
    return {
        "id": str(course.id), "status": course.status, "stamp": stamp(course.updated_at),
        "title": course.title, "text": "\n".join(searched),
        "pinyin": " ".join(sorted(pinyin_terms(" ".join((course.title, category.name, instructor))))),
        "summary": summary, "instructor": instructor, "organisation": organisation, "captions": captions,
        "category": category.code, "year": str(course.catalogue_year),
        "hours": hours_bucket(course.credit_tenths), "type": course.subject_type or "gongxu",
        "credit": course.credit_tenths,
        "published": int(published.timestamp()),
    }


def published_documents(session: Session, media_root: Path, ids: Iterable[int] | None = None) -> Iterator[dict]:
    """Documents of the published courses (of ``ids`` when given), read through ``session``."""
    stmt = (select(Course).where(Course.status == "published")
            .options(joinedload(Course.category), selectinload(Course.lessons).joinedload(Lesson.video))
            .order_by(Course.id))
    if ids is not None:
        stmt = stmt.where(Course.id.in_(list(ids)))
    for course in session.scalars(stmt.execution_options(yield_per=500)):
        yield course_document(course, captions_text(course, media_root))


# ---- storage --------------------------------------------------------------------------------

def live_dir(root: Path) -> Path | None:
    """The directory ``current`` points at, when it holds an index of this schema version."""
    try:
        target = (root / "current").resolve(strict=True)
        version = (target / "VERSION").read_text().strip()
    except (OSError, RuntimeError):
        return None
    return target if version == str(SCHEMA_VERSION) else None


def open_live(root: Path):
    """The live Whoosh index, or None when it is absent, outdated or unreadable."""
    path = live_dir(root)
    if path is None:
        return None
    from whoosh import index as whoosh_index

    try:
        return whoosh_index.open_dir(str(path))
    except Exception:  # an index we cannot read is an index to rebuild
        return None


@contextlib.contextmanager
def writer_lock(root: Path, timeout: float = LOCK_TIMEOUT_SECONDS):
    """Hold ``root/write.lock`` (an ``flock``): the worker's tasks and the CLI take turns."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "write.lock", "a") as fh:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise IndexBusy(str(root)) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def build(root: Path, documents: Iterable[dict]) -> tuple[Path, int]:
    """Write ``documents`` into a new directory and make it live; the caller holds the lock."""
    from whoosh import index as whoosh_index

    root.mkdir(parents=True, exist_ok=True)
    stamp_now = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    fresh = root / f"index-{stamp_now}-{secrets.token_hex(3)}"
    fresh.mkdir()
    ix = whoosh_index.create_in(str(fresh), make_schema())
    writer = ix.writer(limitmb=256)
    count = 0
    try:
        for document in documents:
            writer.add_document(**document)
            count += 1
    except BaseException:
        writer.cancel()
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    writer.commit(optimize=True)
    (fresh / "VERSION").write_text(str(SCHEMA_VERSION))
    _swap(root, fresh)
    return fresh, count


def _swap(root: Path, fresh: Path) -> None:
    link = root / "current"
    old = live_dir(root) or (link.resolve() if link.is_symlink() else None)
    temporary = root / f".current-{os.getpid()}-{secrets.token_hex(3)}"
    os.symlink(fresh.name, temporary)
    os.replace(temporary, link)
    if old is not None and old.exists() and old != fresh:
        os.utime(old)  # its mtime now says when it stopped being live: the grace period starts
    _remove_stale(root, keep=fresh)


def _remove_stale(root: Path, keep: Path) -> None:
    cutoff = time.time() - GRACE_SECONDS
    for path in root.glob("index-*"):
        if path != keep and path.is_dir() and path.stat().st_mtime < cutoff:
            shutil.rmtree(path, ignore_errors=True)


def apply(ix, upserts: dict[str, dict], course_ids: Iterable[int]) -> None:
    """Replace or delete each of ``course_ids``: in ``upserts`` (by id) means indexed."""
    writer = ix.writer()
    try:
        for course_id in {str(i) for i in course_ids}:
            if course_id in upserts:
                writer.update_document(**upserts[course_id])
            else:
                writer.delete_by_term("id", course_id)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()


def indexed_stamps(ix) -> dict[str, str]:
    """``{course id: stamp}`` of every document, read from columns (no stored fields)."""
    with ix.searcher() as searcher:
        reader = searcher.reader()
        ids, stamps = reader.column_reader("id"), reader.column_reader("stamp")
        return {ids[n]: stamps[n] for n in reader.all_doc_ids()}


# ---- searchers, one per thread --------------------------------------------------------------

_local = threading.local()


def searcher(root: Path) -> "Searcher | None":
    """A searcher on the live index for this thread, reopened when the index changed."""
    from whoosh import index as whoosh_index

    path = live_dir(root)
    cached = getattr(_local, "entry", None)
    try:
        if cached is not None and cached[0] == path and cached[1].up_to_date():
            return cached[1]
        # Not Searcher.refresh(): in whoosh-reloaded 2.7.5 it reuses a segment's reader
        # across deletions (segments compare by id), so a withdrawn course would be found.
        close_searcher()
        current = whoosh_index.open_dir(str(path)).searcher() if path is not None else None
    except Exception:  # unreadable counts as absent (it gets rebuilt)
        close_searcher()
        return None
    _local.entry = (path, current) if current is not None else None
    return current


def close_searcher() -> None:
    """Close this thread's searcher (a new index was swapped in, or the thread ends)."""
    cached = getattr(_local, "entry", None)
    _local.entry = None
    if cached is not None:
        with contextlib.suppress(Exception):
            cached[1].close()

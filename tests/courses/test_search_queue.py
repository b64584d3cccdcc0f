"""With a real queue (not QUEUE_IMMEDIATE): updates wait for the commit, web processes never write.

The tasks are taken from the SQLite queue and executed here, as the worker would.
"""
import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from core import queue
from core.extensions import db
from core.queue import huey
from courses.search import engine as search
from courses.search import index as search_index
from courses.search import tasks as search_tasks
from courses.search.engine import SearchQuery
from courses.studio import publishing


@pytest.fixture
def app_overrides():
    return {"QUEUE_IMMEDIATE": False}


def run_queued() -> list[str]:
    """Execute every queued task, oldest first, like the worker; their names."""
    names = []
    while (task := huey.dequeue()) is not None:
        names.append(task.name)
        huey.execute(task)
    return names


def test_the_index_update_is_queued_only_when_the_transaction_commits(app, make_course, make_user):
    reviewer = make_user("reviewer")
    course = make_course(title="数据要素市场", status="submitted")
    publishing.decide(course, reviewer, True, "", course.submitted_at or course.created_at)
    assert huey.pending_count() == 0  # not before the commit: the worker would read the old state
    db.session.rollback()
    assert huey.pending_count() == 0  # a rolled-back approval queues nothing
    course = db.session.get(type(course), course.id)
    publishing.decide(course, reviewer, True, "", course.created_at)
    db.session.commit()
    assert huey.pending_count() == 1
    assert any("index_course" in name for name in run_queued())
    assert [hit.course_id for hit in search.find(SearchQuery(text="数据要素")).hits] == [course.id]


def listening(target) -> bool:
    return event.contains(target, "after_commit", search_tasks._enqueue_pending)


def test_only_the_session_that_publishes_listens_for_its_commit(app, make_course):
    assert not listening(Session)  # importing the module attached nothing to every session
    course = make_course(title="知识产权保护", status="published")
    search_tasks.index_after_commit(course.id)
    search_tasks.index_after_commit(course.id)
    with Session(db.engine) as bystander:
        assert listening(db.session()) and not listening(bystander)
    db.session.commit()
    assert run_queued() == ["index_course"]  # once, however often it was asked


def test_without_an_index_the_web_asks_once_and_answers_from_the_database(app, make_course):
    make_course(title="网络安全法解读", summary="个人信息保护")
    make_course(title="草稿课", status="draft")
    root = search.index_root()
    first = search.find(SearchQuery(text="网络安全"))
    second = search.find(SearchQuery(text="个人信息"))
    assert first.engine == second.engine == "database"
    assert [hit.title.striptags() for hit in first.hits] == ["网络安全法解读"]
    assert "<mark>个人信息</mark>" in str(second.hits[0].snippet)
    assert first.facets["category"] == [("digital", 1)] and first.facets["hours"] == [("1to2", 1)]
    assert search.find(SearchQuery(text="草稿课")).total == 0
    assert search_index.live_dir(root) is None  # the web process wrote nothing
    assert huey.pending_count() == 1 and (root / "rebuild.requested").exists()

    assert any("rebuild_index" in name for name in run_queued())
    assert not (root / "rebuild.requested").exists()
    found = search.find(SearchQuery(text="wlaq"))
    assert found.engine == "index" and [hit.title.striptags() for hit in found.hits] == ["网络安全法解读"]


def test_the_database_answer_sorts_filters_and_pages(app, make_course, make_category):
    ip = make_category("ip")
    for n, lessons in enumerate([1, 3, 2]):
        make_course(title=f"专利{n}", lessons=lessons, lesson_seconds=2700, category=ip)
    make_course(title="专利不在此类")
    result = search.find(SearchQuery(text="专利", category="ip", sort="hours_desc", per_page=2))
    assert result.engine == "database" and result.total == 3
    assert [hit.title.striptags() for hit in result.hits] == ["专利1", "专利2"]
    assert search.find(SearchQuery(text="专利", category="ip", sort="hours_desc", page=2, per_page=2)).hits[0] \
        .title.striptags() == "专利0"
    two_to_four = search.find(SearchQuery(text="专利", hours="2to4"))
    assert {hit.title.striptags() for hit in two_to_four.hits} == {"专利1", "专利2"}


def test_a_queue_that_cannot_be_reached_leaves_the_commit_standing(app, make_course, make_user, caplog):
    reviewer = make_user("reviewer")
    course = make_course(title="应急预案编制", status="submitted")
    app.config["QUEUE_URL"] = "redis://127.0.0.1:9/0"  # nothing listens there: Redis is down
    queue.init_app(app)
    publishing.decide(course, reviewer, True, "", course.created_at)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(type(course), course.id).status == "published"
    assert "could not enqueue the index update" in caplog.text

"""The index follows the real publishing path (review pages and API), and `flask search rebuild`."""
import pytest

from core.extensions import db
from courses.search import engine as search
from courses.search import index as search_index
from courses.search import tasks as search_tasks
from courses.search.engine import SearchQuery
from tests.conftest import sign_in_as

ORG = "知新制作中心"


def found(text: str) -> list[str]:
    return [hit.title.striptags() for hit in search.find(SearchQuery(text=text)).hits]


@pytest.fixture
def people(make_user):
    return make_user("producer", organisation=ORG), make_user("reviewer")


@pytest.fixture
def live_index(app, make_course):
    """An index that exists before the story starts, so every change is an incremental update."""
    make_course(title="已有的课程")
    search_tasks.rebuild()


def test_approve_then_withdraw_through_the_review_pages(client, people, make_course, live_index):
    producer, reviewer = people
    course = make_course(title="人工智能伦理", status="submitted", producer=producer)
    assert found("人工智能伦理") == []  # submitted is not published
    sign_in_as(client, reviewer)
    assert client.post(f"/review/courses/{course.id}/approve").status_code == 302
    assert found("人工智能伦理") == ["人工智能伦理"]
    assert found("rgzn") == ["人工智能伦理"]
    assert client.post(f"/review/courses/{course.id}/withdraw").status_code == 302
    assert found("人工智能伦理") == [] and found("rgzn") == []
    assert found("已有的课程") == ["已有的课程"]


def test_a_rejected_course_is_never_indexed(client, people, make_course, live_index):
    producer, reviewer = people
    course = make_course(title="被退回的课程", status="submitted", producer=producer)
    sign_in_as(client, reviewer)
    client.post(f"/review/courses/{course.id}/reject", data={"reason": "画面不清晰"})
    db.session.expire_all()
    assert db.session.get(type(course), course.id).status == "rejected"
    assert found("被退回") == []


def test_a_revision_replaces_the_published_text_only_once_approved(client, people, make_course, live_index):
    producer, reviewer = people
    course = make_course(title="数字经济概论", status="published", producer=producer)
    search_tasks.index_course(course.id)
    sign_in_as(client, producer)
    revision = client.post(f"/api/v1/studio/courses/{course.id}/revision").get_json()
    client.patch(f"/api/v1/studio/courses/{revision['id']}", json={"title": "数字经济与数据要素"})
    assert client.post(f"/api/v1/studio/courses/{revision['id']}/submit").status_code == 200
    assert found("数据要素") == [] and found("数字经济概论") == ["数字经济概论"]
    sign_in_as(client, reviewer)
    response = client.post(f"/api/v1/review/courses/{revision['id']}/decision", json={"approve": True})
    assert response.status_code == 200
    assert [hit.course_id for hit in search.find(SearchQuery(text="数据要素")).hits] == [course.id]
    assert found("数字经济概论") == []


def test_a_producer_withdrawal_through_the_api_removes_the_course(client, people, make_course, live_index):
    producer, _reviewer = people
    course = make_course(title="应急指挥体系", status="published", producer=producer)
    search_tasks.index_course(course.id)
    assert found("应急指挥") == ["应急指挥体系"]
    sign_in_as(client, producer)
    assert client.post(f"/api/v1/studio/courses/{course.id}/withdraw").status_code == 200
    assert found("应急指挥") == []


def test_the_cli_builds_beside_the_old_index_and_swaps(app, make_course):
    make_course(title="知识产权保护")
    make_course(title="草稿不收录", status="draft")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["search", "rebuild"])
    assert first.exit_code == 0, first.output
    assert "indexed 1 published courses" in first.output
    root = search.index_root()
    old = search_index.live_dir(root)
    assert (root / "current").is_symlink() and found("知识产权") == ["知识产权保护"]
    make_course(title="专利申请实务")
    second = runner.invoke(args=["search", "rebuild"])
    assert second.exit_code == 0 and "indexed 2 published courses" in second.output
    assert search_index.live_dir(root) != old and old.exists()  # the old one stays for open searchers
    assert found("专利") == ["专利申请实务"]

"""The notice box (/me/notices) and the count every page's header shows."""
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from core.extensions import db
from notices.models import Notice
from notices.service import notify


def text(response) -> str:
    return response.get_data(as_text=True)


def add(user, title="学时证明已更新", body="", link="", at=None) -> Notice:
    notice = notify(user.id, "certificate_superseded", title, body, link)
    if at is not None:
        notice.created_at = at
    db.session.commit()
    return notice


def fresh(notice: Notice) -> Notice:
    db.session.expire_all()
    return db.session.get(Notice, notice.id)


def test_the_box_lists_notices_newest_first_with_their_time_in_china(client, make_user, sign_in):
    user = make_user()
    add(user, "单位已确认您的申请", "北京市朝阳区人民医院已确认您是本单位人员", "/me/learning",
        at=datetime(2026, 3, 1, 16, 30, tzinfo=UTC))
    read = add(user, "学时登记已退回", "证明材料不清晰", at=datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    read.read_at = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    db.session.commit()
    sign_in(user)
    page = text(client.get("/me/notices"))
    assert page.index("学时登记已退回") < page.index("单位已确认您的申请")
    assert "2026-03-02 00:30" in page and "2026-03-02 09:00" in page  # UTC+8
    assert "北京市朝阳区人民医院已确认您是本单位人员" in page and "证明材料不清晰" in page
    assert page.count("未读</span>") == 1  # the first one only
    first = re.search(r'<li class="result notice-item is-unread"[^>]*>(.*?)</li>', page, re.S).group(1)
    assert "单位已确认您的申请" in first


def test_the_box_pages_its_notices_and_filters_the_unread(client, make_user, sign_in):
    user = make_user()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    notices = [add(user, f"通知{n:02d}", at=start + timedelta(hours=n)) for n in range(23)]
    for notice in notices[:5]:
        notice.read_at = start
    db.session.commit()
    sign_in(user)
    first = text(client.get("/me/notices"))
    assert "通知22" in first and "通知03" in first and "通知02" not in first
    assert "第 1 / 2 页" in first
    second = text(client.get("/me/notices?page=2"))
    assert "通知02" in second and "通知00" in second and "通知03" not in second
    unread = text(client.get("/me/notices?unread=1"))
    assert "通知22" in unread and "通知05" in unread and "通知04" not in unread
    assert "未读（18）" in unread


def test_an_empty_box_says_so(client, make_user, sign_in):
    sign_in(make_user())
    assert "还没有通知" in text(client.get("/me/notices"))
    assert "没有未读通知" in text(client.get("/me/notices?unread=1"))


def test_the_box_needs_a_signed_in_user(client):
    response = client.get("/me/notices")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_header_shows_the_unread_count_to_eyes_and_screen_readers(client, make_user, sign_in):
    user = make_user()
    for n in range(3):
        add(user, f"通知{n}")
    add(make_user(), "别人的通知")
    sign_in(user)
    page = text(client.get("/catalogue"))
    link = re.search(r'<a href="/me/notices" class="notice-link"[^>]*>(.*?)</a>', page, re.S).group(1)
    assert '<span class="badge warn" aria-hidden="true">3</span>' in link
    assert '<span class="visually-hidden">（3 条未读）</span>' in link
    client.post("/me/notices/read-all")
    page = text(client.get("/catalogue"))
    link = re.search(r'<a href="/me/notices" class="notice-link"[^>]*>(.*?)</a>', page, re.S).group(1)
    assert link.strip() == "通知"


def test_the_header_counts_with_one_query_per_page(client, make_user, sign_in):
    user = make_user()
    add(user)
    sign_in(user)
    counts = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if "count(" in statement.lower() and "notices" in statement:
            counts.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        assert client.get("/catalogue").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert len(counts) == 1


def test_signed_out_visitors_see_no_notices_link(client):
    assert 'href="/me/notices"' not in text(client.get("/"))


def test_opening_a_notice_marks_it_read_and_goes_to_its_page(client, make_user, sign_in):
    user = make_user()
    notice = add(user, link="/me/certificates")
    sign_in(user)
    assert f'href="/me/notices/{notice.id}/open"' in text(client.get("/me/notices"))
    response = client.get(f"/me/notices/{notice.id}/open")
    assert response.status_code == 302 and response.headers["Location"] == "/me/certificates"
    first_read = fresh(notice).read_at
    assert first_read is not None
    client.get(f"/me/notices/{notice.id}/open")
    assert fresh(notice).read_at == first_read  # read once: the first time stays


@pytest.mark.parametrize("link", ["https://evil.example/login", "//evil.example/x", "/\\evil.example",
                                  "javascript:alert(1)", "me/learning"])
def test_a_link_that_leaves_the_site_is_not_followed(client, make_user, sign_in, link):
    user = make_user()
    notice = add(user, link=link)
    sign_in(user)
    page = text(client.get("/me/notices"))
    assert "evil.example" not in page and "javascript:" not in page
    assert f"/me/notices/{notice.id}/open" not in page  # nothing to open: it is marked read by hand
    response = client.get(f"/me/notices/{notice.id}/open")
    assert response.status_code == 302 and response.headers["Location"] == "/me/notices"
    assert fresh(notice).read_at is not None


def test_a_notice_is_marked_read_by_hand(client, make_user, sign_in):
    user = make_user()
    notice = add(user)
    sign_in(user)
    response = client.post(f"/me/notices/{notice.id}/read", data={"page": "2", "unread": "1"})
    assert response.status_code == 302 and response.headers["Location"] == "/me/notices?page=2&unread=1"
    assert fresh(notice).read_at is not None


def test_another_users_notice_is_not_found(client, make_user, sign_in):
    owner, other = make_user(), make_user()
    notice = add(owner, link="/me/learning")
    sign_in(other)
    assert client.get(f"/me/notices/{notice.id}/open").status_code == 404
    assert client.post(f"/me/notices/{notice.id}/read").status_code == 404
    assert client.get("/me/notices/999999/open").status_code == 404
    assert "学时证明已更新" not in text(client.get("/me/notices"))
    assert fresh(notice).read_at is None


def test_read_all_marks_only_the_users_own_notices(client, make_user, sign_in):
    user, other = make_user(), make_user()
    mine = [add(user, f"通知{n}") for n in range(3)]
    theirs = add(other)
    sign_in(user)
    response = client.post("/me/notices/read-all", follow_redirects=True)
    assert "已将 3 条通知标为已读" in text(response)
    db.session.expire_all()
    assert all(db.session.get(Notice, n.id).read_at is not None for n in mine)
    assert db.session.get(Notice, theirs.id).read_at is None
    assert "全部标为已读" not in text(client.get("/me/notices"))  # nothing left to mark


def test_an_unknown_kind_is_refused(app, make_user):
    with pytest.raises(ValueError):
        notify(make_user().id, "no_such_kind", "标题")
    assert db.session.scalars(select(Notice)).all() == []


class TestWithCsrf:
    @pytest.fixture
    def app_overrides(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_marking_read_needs_the_pages_token(self, client, make_user, sign_in):
        user = make_user()
        notice = add(user)
        sign_in(user)
        assert client.post("/me/notices/read-all").status_code == 400
        assert client.post(f"/me/notices/{notice.id}/read").status_code == 400
        assert fresh(notice).read_at is None
        page = text(client.get("/me/notices"))
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        assert client.post("/me/notices/read-all", data={"csrf_token": token}).status_code == 302
        assert fresh(notice).read_at is not None

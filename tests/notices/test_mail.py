"""Notices by mail through a real SMTP server (aiosmtpd on a free port of 127.0.0.1).

The queue runs tasks inline in these tests (QUEUE_IMMEDIATE) unless a test says otherwise,
so a commit that stores a notice has mailed it by the time it returns — or, when the
server refuses, scheduled a retry, while the request that committed answers as usual.
"""
import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import select

from core.extensions import db
from core.queue import huey
from notices import mail
from notices.models import Notice
from notices.service import notify

SITE = "https://learn.example.cn"


class Inbox:
    """An aiosmtpd handler that keeps what it accepts, or refuses every message when ``refusing``."""

    def __init__(self):
        self.envelopes = []
        self.refusing = False

    async def handle_DATA(self, server, session, envelope):
        if self.refusing:
            return "554 5.7.1 Message refused"
        self.envelopes.append(envelope)
        return "250 OK"

    def messages(self):
        return [message_from_bytes(envelope.content, policy=policy.default) for envelope in self.envelopes]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    inbox.port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    yield inbox
    controller.stop()


@pytest.fixture
def app_overrides(smtp):
    return {"SMTP_URL": f"smtp://127.0.0.1:{smtp.port}", "MAIL_FROM": "知新 <noreply@learn.example.cn>"}


@pytest.fixture(autouse=True)
def empty_queue(app):
    huey.flush()  # the inline queue's retries, scheduled by earlier tests
    yield
    huey.flush()


def notify_in_a_request(app: Flask, user, title="学时登记已退回", body="证明材料不清晰，请重新上传。",
                        link="/me/declarations/7"):
    """Notify ``user`` and commit, as a view of the site at ``SITE`` would."""
    with app.test_request_context("/", base_url=SITE):
        notice = notify(user.id, "declaration_returned", title, body, link)
        db.session.commit()
        return notice.id


def stored(notice_id: int) -> Notice:
    db.session.expire_all()
    return db.session.get(Notice, notice_id)


def test_a_notice_is_mailed_once_its_transaction_commits(app, smtp, make_user):
    user = make_user(email="chen@example.com")
    notice_id = notify_in_a_request(app, user)
    [envelope] = smtp.envelopes
    assert envelope.rcpt_tos == ["chen@example.com"] and envelope.mail_from == "noreply@learn.example.cn"
    [message] = smtp.messages()
    assert message["Subject"] == "学时登记已退回" and "=?utf-8?" in envelope.content.decode().lower()
    assert message["To"] == "chen@example.com" and message["From"].addresses[0].display_name == "知新"
    text = message.get_content()
    assert "证明材料不清晰，请重新上传。" in text and f"{SITE}/me/declarations/7" in text
    assert stored(notice_id).mailed_at is not None
    assert stored(notice_id).read_at is None  # mailed, still unread in the box


def test_nothing_is_mailed_before_the_commit_nor_after_a_rollback(app, smtp, make_user):
    user = make_user(email="chen@example.com")
    with app.test_request_context("/", base_url=SITE):
        notify(user.id, "study_reminder", "请尽快完成本年度公需科目学习")
        assert smtp.envelopes == []
        db.session.rollback()
    db.session.commit()
    assert smtp.envelopes == [] and db.session.scalars(select(Notice)).all() == []


def test_a_user_without_an_address_gets_no_mail(app, smtp, make_user):
    notice_id = notify_in_a_request(app, make_user())
    assert smtp.envelopes == [] and stored(notice_id).mailed_at is None


def test_an_address_removed_before_the_mail_goes_gets_no_mail(app, smtp, make_user):
    user = make_user(email="chen@example.com")
    with app.test_request_context("/", base_url=SITE):
        notice = notify(user.id, "study_reminder", "请尽快完成本年度公需科目学习")
        user.email = ""
        db.session.commit()
    assert smtp.envelopes == [] and stored(notice.id).mailed_at is None


def test_a_refusing_server_leaves_the_notice_in_the_box_and_the_request_unharmed(app, smtp, make_user,
                                                                                   client, sign_in, caplog):
    user = make_user(email="chen@example.com")
    smtp.refusing = True

    @app.post("/test-only/notify")
    def notify_view():
        notify(user.id, "declaration_approved", "学时登记已通过")
        db.session.commit()
        return "", 204

    assert client.post("/test-only/notify").status_code == 204
    notice = db.session.scalars(select(Notice)).one()
    assert notice.mailed_at is None and smtp.envelopes == []
    assert "trying again" in caplog.text
    sign_in(user)
    assert "学时登记已通过" in client.get("/me/notices").get_data(as_text=True)
    # The retry waits in the queue; when the server accepts again, it sends the mail.
    [retry] = huey.scheduled()
    assert retry.retries == mail.RETRIES - 1
    smtp.refusing = False
    huey.flush()
    huey.execute(retry, timestamp=retry.eta)  # as the worker will, when its time comes
    assert [m["Subject"] for m in smtp.messages()] == ["学时登记已通过"]
    assert stored(notice.id).mailed_at is not None


def test_the_last_try_gives_up_with_a_log_line(app, smtp, make_user, caplog):
    user = make_user(email="chen@example.com")
    smtp.refusing = True
    notice_id = notify_in_a_request(app, user)
    for _try in range(mail.RETRIES):
        [retry] = huey.scheduled()
        huey.flush()
        huey.execute(retry, timestamp=retry.eta)
    assert huey.scheduled() == [] and "giving up" in caplog.text
    assert stored(notice_id).mailed_at is None and smtp.envelopes == []


def test_a_server_that_is_not_there_is_retried_too(app, make_user, caplog):
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{free_port()}"
    notice_id = notify_in_a_request(app, make_user(email="chen@example.com"))
    assert stored(notice_id).mailed_at is None and len(huey.scheduled()) == 1


def test_links_are_on_the_configured_site_whatever_host_the_request_named(app, smtp, make_user):
    app.config["SITE_URL"] = "https://zhixin.example.cn/"
    notify_in_a_request(app, make_user(email="chen@example.com"), link="/me/unit")
    text = smtp.messages()[0].get_content()
    assert "https://zhixin.example.cn/me/unit" in text and "learn.example.cn" not in text


def test_outside_a_request_and_without_a_site_the_link_is_its_path(app, smtp, make_user):
    notify(make_user(email="chen@example.com").id, "study_reminder", "请尽快完成本年度学习", link="/me/learning")
    db.session.commit()
    assert smtp.messages()[0].get_content().strip() == "/me/learning"  # no body: the link alone


def test_a_header_cannot_be_smuggled_through_the_title(app, smtp, make_user):
    notify_in_a_request(app, make_user(email="chen@example.com"), title="通知\r\nBcc: someone@evil.example")
    [envelope] = smtp.envelopes
    assert envelope.rcpt_tos == ["chen@example.com"]
    assert smtp.messages()[0]["Bcc"] is None


@pytest.mark.parametrize("url, port", [("smtp://mail.example.cn", 25), ("smtp+starttls://u:p@mail.example.cn", 587),
                                       ("smtps://mail.example.cn", 465)])
def test_each_kind_of_smtp_url_has_its_usual_port(monkeypatch, url, port):
    opened = []

    class Client:
        def __init__(self, host, port_, **kwargs):
            opened.append((host, port_, kwargs["timeout"]))
            self.logins = []

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self, context):
            opened.append("starttls")

        def login(self, user, password):
            opened.append(("login", user, password))

        def send_message(self, message):
            opened.append("sent")

    monkeypatch.setattr(mail.smtplib, "SMTP", Client)
    monkeypatch.setattr(mail.smtplib, "SMTP_SSL", Client)
    mail.send(url, mail.compose(mail.Letter(1, "a@example.com", "标题", "正文"), "", "noreply@example.cn"))
    assert opened[0] == ("mail.example.cn", port, mail.TIMEOUT_SECONDS) and opened[-1] == "sent"
    assert ("starttls" in opened) == url.startswith("smtp+starttls")
    assert (("login", "u", "p") in opened) == ("u:p" in url)


class TestWithoutSmtp:
    @pytest.fixture
    def app_overrides(self):
        return {}

    def test_nothing_is_mailed(self, app, smtp, make_user):
        notice_id = notify_in_a_request(app, make_user(email="chen@example.com"))
        assert smtp.envelopes == [] and stored(notice_id).mailed_at is None and huey.scheduled() == []


class TestWithAWorker:
    """A real queue: the request only enqueues; the worker mails."""

    @pytest.fixture
    def app_overrides(self, smtp):
        return {"SMTP_URL": f"smtp://127.0.0.1:{smtp.port}", "QUEUE_IMMEDIATE": False}

    def test_the_request_only_queues_the_mail_after_its_commit(self, app, smtp, make_user):
        user = make_user(email="chen@example.com")
        with app.test_request_context("/", base_url=SITE):
            notice = notify(user.id, "unit_link_confirmed", "单位已确认您的申请", link="/me/unit")
            assert huey.pending_count() == 0
            db.session.commit()
        assert huey.pending_count() == 1 and smtp.envelopes == []
        task = huey.dequeue()
        huey.execute(task)
        [message] = smtp.messages()
        assert message["Subject"] == "单位已确认您的申请" and f"{SITE}/me/unit" in message.get_content()
        assert stored(notice.id).mailed_at is not None

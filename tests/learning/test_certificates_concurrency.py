"""Asking for the same certificate several times at once issues it once, on SQLite and PostgreSQL.

Real HTTP against a threaded server, so the requests run in separate connections and transactions.
"""
import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from accounts.tokens import issue_token
from core.db import utcnow
from core.extensions import db
from learning.models import Certificate
from tests.learning.test_certificates_web import credit


def post(url: str, token: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_six_requests_at_once_issue_one_certificate(server, make_user, make_course):
    user = make_user()
    _row, token = issue_token(user, "test", utcnow())
    db.session.commit()
    credit(user, make_course())
    barrier = threading.Barrier(6)

    def ask():
        barrier.wait()
        return post(f"{server}/api/v1/me/certificates", token, {"kind": "year", "year": 2026})

    with ThreadPoolExecutor(6) as pool:
        replies = list(pool.map(lambda _: ask(), range(6)))
    assert sorted(status for status, _ in replies) == [200, 200, 200, 200, 200, 201]
    assert len({body["number"] for _, body in replies}) == 1
    db.session.expire_all()
    assert len(db.session.scalars(select(Certificate).where(Certificate.user_id == user.id)).all()) == 1

"""Heartbeats authenticated by the watch session's token, not the login (issue 16): what the
token grants, what it does not, and that the lean path still answers like the rest of the API."""
from datetime import date

import pytest
from sqlalchemy import update

import learning.heartbeats
from accounts.models import User
from core.extensions import db
from core.policy.examples import NATIONAL
from core.policy.models import RuleSetVersion
from learning import watch_token
from learning.models import WatchBudget, WatchSession
from tests.learning.conftest import events, progress

KEY = watch_token.key_from("a secret")


@pytest.fixture
def course(make_course):
    return make_course(lessons=1, lesson_seconds=600)


def test_a_token_names_its_session_and_trainee_until_it_expires():
    token = watch_token.issue(KEY, "abc123", 7, 1_000)
    assert watch_token.verify(KEY, token, 999) == watch_token.WatchPass("abc123", 7, 1_000)
    with pytest.raises(watch_token.TokenError) as expired:
        watch_token.verify(KEY, token, 1_000)
    assert expired.value.reason == "expired"


@pytest.mark.parametrize("forge", [
    lambda token: token.replace(".7.", ".8."),  # another trainee
    lambda token: "abc124" + token[6:],  # another session
    lambda token: token.replace(".1000.", ".9999."),  # a later expiry
    lambda token: token[:-1] + ("0" if token[-1] != "0" else "1"),
    lambda token: "",
    lambda token: "a.b.c",
    lambda token: watch_token.issue(watch_token.key_from("another secret"), "abc123", 7, 1_000),
])
def test_a_forged_token_is_invalid_even_when_expired(forge):
    with pytest.raises(watch_token.TokenError) as refused:
        watch_token.verify(KEY, forge(watch_token.issue(KEY, "abc123", 7, 1_000)), 5_000)
    assert refused.value.reason == "invalid"


def test_the_session_cookie_alone_no_longer_sends_heartbeats(make_viewer, course, clock):
    viewer = make_viewer()
    viewer.open(course.lessons[0].id)
    clock.advance(15)
    refused = viewer.beat([[0, 15]], token="", expect=401)
    assert refused["error"]["code"] == "unauthorized" and "刷新页面" in refused["error"]["message"]
    forged = viewer.token.rsplit(".", 1)[0] + ".0123456789abcdef0123456789abcdef"
    viewer.beat([[0, 15]], token=forged, expect=401)
    assert progress(viewer.user, course.lessons[0]) is None
    assert events(viewer.user) == []  # nobody known: nothing to record against anyone
    assert viewer.beat([[0, 15]])["credited_seconds"] == 15


def test_heartbeats_past_the_tokens_expiry_ask_for_a_new_session(make_viewer, course, clock, app):
    viewer = make_viewer()
    viewer.open(course.lessons[0].id)
    clock.advance(app.config["WATCH_TOKEN_HOURS"] * 3600 + 1)
    assert viewer.beat([[0, 15]], expect=410)["error"]["code"] == "session_expired"
    viewer.open(course.lessons[0].id)
    clock.advance(15)
    assert viewer.beat([[0, 15]])["credited_seconds"] == 15


def test_signing_out_stops_the_sessions_tokens(make_viewer, course, clock):
    viewer = make_viewer()
    viewer.open(course.lessons[0].id)
    viewer.watch(0, 30)
    assert viewer.client.post("/logout").status_code == 302
    clock.advance(15)
    assert viewer.beat([[30, 45]], expect=409)["error"]["code"] == "playing_elsewhere"
    assert progress(viewer.user, course.lessons[0]).covered_seconds == 30


def test_a_deactivated_account_is_credited_nothing_more(make_viewer, course, clock):
    viewer = make_viewer()
    viewer.open(course.lessons[0].id)
    viewer.watch(0, 30)
    db.session.execute(update(User).where(User.id == viewer.user.id).values(active=False))
    db.session.commit()
    clock.advance(15)
    viewer.beat([[30, 45]], expect=409)
    assert progress(viewer.user, course.lessons[0]).covered_seconds == 30
    assert events(viewer.user, "closed_session")


def test_refusals_speak_the_pages_language(make_viewer, course, clock):
    viewer = make_viewer()
    viewer.open(course.lessons[0].id)
    viewer.client.set_cookie("lang", "en")
    clock.advance(15)
    refused = viewer.beat([[5, 1]], expect=422)
    assert refused["error"]["message"].isascii()


def test_a_rule_changed_elsewhere_applies_from_the_next_heartbeat(store_rules, make_viewer, make_course,
                                                                  make_user, clock):
    """The rule book is parsed once per process, but a stored change is seen at once."""
    store_rules(NATIONAL)
    viewer = make_viewer(make_user(region_code="110105"))
    viewer.open(make_course(lessons=1, lesson_seconds=1350).lessons[0].id)
    viewer.watch(0, 300)
    # Another process (an admin's page) stores a daily cap: this process is not told.
    db.session.add(RuleSetVersion(prefix="11", effective_from=date.fromisoformat(NATIONAL["effective_from"]),
                                  rules={**{k: v for k, v in NATIONAL.items() if k not in ("prefix", "effective_from")},
                                         "name": "北京（测试）", "daily_cap_hours": 0.1}))  # 270 s
    db.session.commit()
    body = viewer.watch(300, 315)
    assert body["closed"]["code"] == "daily_cap"


def test_the_opened_session_carries_the_trainees_media_links(make_viewer, course, app):
    viewer = make_viewer()
    assert viewer.open(course.lessons[0].id)["media"]["expires_at"] is None  # the app checks each request
    app.config["MEDIA_LINK_SECRET"] = "nginx-secret"
    signed = viewer.open(course.lessons[0].id)["media"]
    assert signed["expires_at"] and 0 < signed["expires_in"] <= app.config["MEDIA_LINK_SECONDS"] + 60


def test_a_heartbeat_judged_on_a_state_that_moved_is_judged_again_under_the_lock(make_viewer, course, clock,
                                                                                  monkeypatch):
    """Between the heartbeat's read and its write another screen opens a session (closing this
    one): the write finds the budget's version moved, and the heartbeat, judged again under the
    lock, is refused instead of credited."""
    viewer = make_viewer()
    viewer.open(course.lessons[0].id)
    viewer.watch(0, 30)
    judged = []
    limits_for = learning.heartbeats.limits_for

    def another_screen_opens(duration):
        if not judged:  # once, between the first read and the first write
            with db.engine.begin() as other:
                other.execute(update(WatchSession).where(WatchSession.user_id == viewer.user.id)
                              .values(open=False))
                other.execute(update(WatchBudget).where(WatchBudget.user_id == viewer.user.id)
                              .values(version=WatchBudget.version + 1))
        judged.append(duration)
        return limits_for(duration)

    monkeypatch.setattr(learning.heartbeats, "limits_for", another_screen_opens)
    clock.advance(15)
    assert viewer.beat([[30, 45]], expect=409)["error"]["code"] == "playing_elsewhere"
    assert len(judged) == 1  # the second judgement stopped at the closed session
    assert progress(viewer.user, course.lessons[0]).covered_seconds == 30

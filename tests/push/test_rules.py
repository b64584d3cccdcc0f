"""The push rules, without the app."""
from datetime import UTC, date, datetime, timedelta

from docs.push_receiver import digest as receiver_digest
from docs.push_receiver import verify
from push import rules


def test_back_off_doubles_and_is_capped():
    delays = [rules.retry_delay(n, 30, 3600) for n in range(1, 10)]
    assert delays[:4] == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    assert delays[-1] == timedelta(hours=1) and rules.retry_delay(500, 30, 3600) == timedelta(hours=1)


def test_the_reference_receiver_accepts_what_the_sender_signs():
    now = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)
    body = rules.cloud_event("e1", "recorded", "urn:zhixin", "credit-records/1", now, {"id": 1})
    headers = rules.headers_for("secret", body, now)
    assert verify("secret", headers[rules.TIMESTAMP_HEADER], headers[rules.SIGNATURE_HEADER], body, now.timestamp())
    assert not verify("secret", headers[rules.TIMESTAMP_HEADER], headers[rules.SIGNATURE_HEADER], body,
                      now.timestamp() + rules.REPLAY_TOLERANCE_SECONDS + 1)


def test_digests_agree_on_both_sides_and_days_are_china_days():
    ids = ["b", "a", "c"]
    assert rules.digest(ids) == receiver_digest(set(ids)) and rules.digest(ids)["count"] == 3
    assert rules.digest(["a"]) != rules.digest(["b"])
    assert rules.china_day(datetime(2026, 12, 3, 16, 30, tzinfo=UTC)) == date(2026, 12, 4)


def test_secrets_depend_on_the_salt_and_the_app_key():
    assert rules.derive_secret("k", "s1") != rules.derive_secret("k", "s2")
    assert rules.derive_secret("k", "s1") != rules.derive_secret("k2", "s1")
    assert rules.derive_secret("k", "s1") == rules.derive_secret("k", "s1")
    assert rules.is_delivered(204) and not rules.is_delivered(302) and not rules.is_delivered(None)

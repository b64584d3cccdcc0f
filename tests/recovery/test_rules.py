"""The recovery's rules without the app: signed tokens, digests, when a link or code is spent."""
from datetime import UTC, datetime, timedelta

from recovery import rules

KEY = "a-secret-key"
NOW = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)


def test_a_token_reads_back_only_under_its_key():
    token = rules.link_token(KEY, 42, "nonce-value")
    assert rules.read_token(KEY, token) == (42, "nonce-value")
    assert rules.read_token("another-key", token) is None


def test_a_changed_or_garbled_token_is_refused():
    token = rules.link_token(KEY, 42, "nonce-value")
    forged = rules.link_token("attacker", 43, "nonce-value")
    assert rules.read_token(KEY, forged) is None
    assert rules.read_token(KEY, token[:-2]) is None
    assert rules.read_token(KEY, "") is None
    # Well signed, but not the [id, nonce] a link holds.
    assert rules.read_token(KEY, rules.link_token(KEY, True, "x")) is None


def test_a_digest_needs_the_key_and_the_exact_secret():
    stored = rules.digest(KEY, "123456")
    assert rules.matches(KEY, "123456", stored)
    assert not rules.matches(KEY, "123457", stored)
    assert not rules.matches("another-key", "123456", stored)
    assert "123456" not in stored


def test_codes_are_six_digits_and_vary():
    codes = {rules.new_code() for _ in range(50)}
    assert all(len(code) == 6 and code.isdigit() for code in codes) and len(codes) > 40


def test_a_link_or_code_is_refused_once_used_expired_or_guessed_too_often():
    later = NOW + timedelta(minutes=30)
    assert rules.refusal(None, later, 0, 5, NOW) is None
    assert rules.refusal(NOW, later, 0, 5, NOW) == "used"
    assert rules.refusal(None, later, 0, 5, later) == "expired"
    assert rules.refusal(None, later, 5, 5, NOW) == "attempts"
    assert rules.refusal(None, later, 4, 5, NOW) is None

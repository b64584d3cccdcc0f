"""Sign-in attempts are throttled per address and per account tried."""
import pytest

from tests.accounts.helpers import text
from tests.conftest import PASSWORD

BUSY = "操作过于频繁，请稍后再试。"


@pytest.fixture
def app_overrides():
    return {"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute"}


def attempt(client, identifier, password="wrong-password", ip="10.0.0.1"):
    return client.post("/login", data={"identifier": identifier, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


def test_the_fourth_attempt_from_one_address_is_refused(client, make_user):
    user = make_user()
    assert [attempt(client, user.phone).status_code for _ in range(3)] == [200, 200, 200]

    refused = attempt(client, user.phone, PASSWORD)  # even with the right password

    assert refused.status_code == 429
    assert BUSY in text(refused)
    assert client.get("/me").status_code == 302
    assert client.get("/login", environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 200  # only POST counts


def test_guessing_one_account_from_many_addresses_is_refused(client, make_user):
    user = make_user()
    for n in range(3):
        assert attempt(client, user.phone, ip=f"10.0.1.{n}").status_code == 200

    assert attempt(client, user.phone, PASSWORD, ip="10.0.1.99").status_code == 429
    # Another account, from a fresh address, is unaffected.
    other = make_user()
    assert attempt(client, other.phone, PASSWORD, ip="10.0.2.1").status_code == 302


def test_successful_sign_ins_do_not_use_up_the_account_allowance(client, make_user):
    user = make_user()
    for n in range(4):
        assert attempt(client, user.phone, PASSWORD, ip=f"10.0.3.{n}").status_code == 302
        client.post("/logout", environ_base={"REMOTE_ADDR": f"10.0.3.{n}"})


def test_a_client_asking_for_json_gets_the_refusal_as_json(client, make_user):
    user = make_user()
    for _ in range(3):
        attempt(client, user.phone)
    response = client.post("/login", data={"identifier": user.phone, "password": "x"},
                           headers={"Accept": "application/json"}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert response.status_code == 429
    assert response.get_json()["error"]["message"] == BUSY

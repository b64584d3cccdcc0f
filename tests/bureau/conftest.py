"""Fixtures of the bureau tests."""
import pytest


@pytest.fixture
def officer(make_user, login):
    """A Shenzhen city officer, signed in (tests that need another officer define their own)."""
    user = make_user("bureau", real_name="王科长", region_code="440300")
    login(user)
    return user

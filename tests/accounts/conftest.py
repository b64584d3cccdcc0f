"""Fixtures for the accounts tests."""
import pytest

from tests.conftest import make_id_number, make_phone


@pytest.fixture
def registration():
    """A complete, valid registration form (a fresh ID number and phone each time)."""
    return {
        "real_name": "李华", "id_number": make_id_number("440305"), "phone": make_phone(),
        "employer": "深圳市南山区人民医院", "region_code": "", "title": "主治医师",
        "password": "a-good-password", "confirm": "a-good-password",
    }

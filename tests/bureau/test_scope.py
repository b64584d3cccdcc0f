"""Region scope on its own: province, city and county officers."""
import pytest

from accounts.models import User
from accounts.regions import area_prefix
from bureau.scope import Scope, ScopeError, scope_for


@pytest.mark.parametrize("code,prefix", [("440000", "44"), ("440300", "4403"), ("440305", "440305")])
def test_area_prefix_of_a_province_city_and_county(code, prefix):
    assert area_prefix(code) == prefix


@pytest.mark.parametrize("officer,trainee,sees", [
    ("440000", "440305", True), ("440000", "441900", True), ("440000", "450100", False),
    ("440300", "440305", True), ("440300", "440100", False),
    ("440305", "440305", True), ("440305", "440306", False),
])
def test_who_sees_whom(officer, trainee, sees):
    assert Scope(officer).covers(trainee) is sees


def test_narrowing_inside_is_allowed_and_outside_refused():
    assert Scope("440000").narrowed("440300").prefix == "4403"
    with pytest.raises(ScopeError):
        Scope("440300").narrowed("440000")  # the province is wider than the city
    with pytest.raises(ScopeError):
        Scope("440300").narrowed("450100")
    with pytest.raises(ScopeError):
        Scope("440300").narrowed("44x3")


def test_only_bureau_officers_with_a_region_have_a_scope():
    with pytest.raises(ScopeError):
        scope_for(User(role="trainee", region_code="440300"))
    assert scope_for(User(role="bureau", region_code="440000"), token_region="440300").code == "440300"
    with pytest.raises(ScopeError):
        scope_for(User(role="bureau", region_code="440300"), token_region="450000")

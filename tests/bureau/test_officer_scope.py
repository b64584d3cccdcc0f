"""One officer scope for every bureau page: an API token's region narrows the statistics and
integrity pages as it narrows the records, exports and docking API."""
import pytest

from tests.bureau.records_helpers import bearer, token_for


@pytest.fixture
def county_token(make_user):
    return token_for(make_user("bureau", region_code="440300"), region="440305")


@pytest.mark.parametrize("path", ["/bureau/", "/bureau/integrity"])
def test_a_token_region_narrows_the_statistics_pages(client, county_token, path):
    html = client.get(path, headers=bearer(county_token)).get_data(as_text=True)
    assert "广东省深圳市南山区（440305）" in html


@pytest.mark.parametrize("path", ["/bureau/", "/bureau/integrity"])
def test_a_region_outside_the_token_is_refused_even_inside_the_officer_scope(client, county_token, path):
    assert client.get(f"{path}?region=440306", headers=bearer(county_token)).status_code == 403

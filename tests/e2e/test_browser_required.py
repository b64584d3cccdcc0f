"""Under ``make test`` a missing Chromium fails the browser tests; a bare ``pytest`` skips them."""

import pytest

from tests.e2e.conftest import require_chromium


def test_make_test_fails_the_browser_tests_without_chromium(tmp_path):
    with pytest.raises(pytest.fail.Exception, match="ZHIXIN_REQUIRE_BROWSER"):
        require_chromium(tmp_path / "chromium", {"ZHIXIN_REQUIRE_BROWSER": "1"})


def test_a_bare_pytest_run_skips_them_with_the_reason(tmp_path):
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        require_chromium(tmp_path / "chromium", {})


def test_with_chromium_present_they_run(tmp_path):
    chromium = tmp_path / "chromium"
    chromium.write_text("#!/bin/sh\n")
    assert require_chromium(chromium, {"ZHIXIN_REQUIRE_BROWSER": "1"}) is None

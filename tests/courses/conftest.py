"""Fixtures of the courses tests: where media lands, and a producer of the videos' organisation."""
from pathlib import Path

import pytest

from tests.courses.test_pipeline_support import ORG


@pytest.fixture
def media_root(app) -> Path:
    return Path(app.config["MEDIA_ROOT"])


@pytest.fixture
def producer(make_user):
    return make_user("producer", organisation=ORG)

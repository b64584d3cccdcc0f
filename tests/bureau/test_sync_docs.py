"""docs/sync.md's Python example, run as written against a live server: two runs, nothing lost or repeated."""
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest

from core.db import utcnow
from tests.bureau.records_helpers import credit, token_for

DOC = Path(__file__).resolve().parents[2] / "docs" / "sync.md"
LAG = 0.3


@pytest.fixture
def app_overrides():
    return {"SYNC_LAG_SECONDS": LAG}


def example() -> dict:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1
    namespace: dict = {}
    exec(compile(blocks[0], str(DOC), "exec"), namespace)  # our own documentation
    return namespace


def test_the_documented_client_loop_syncs_every_record_once(server, tmp_path, make_user, make_course):
    sync = example()["sync"]
    course = make_course()
    officer = make_user("bureau", region_code="440300")
    token = token_for(officer)
    for i in range(3):
        credit(make_user(region_code="440305"), course, at=utcnow() - timedelta(hours=1, seconds=i))
    credit(make_user(region_code="450100"), course, at=utcnow() - timedelta(hours=1))  # outside the city
    store: dict[int, dict] = {}
    state = tmp_path / "synced_until"

    assert sync(server, token, state, lambda record: store.__setitem__(record["id"], record)) == 3
    newcomer = credit(make_user(region_code="440306"), make_course("第二门课"), at=utcnow())
    time.sleep(LAG + 0.1)
    assert sync(server, token, state, lambda record: store.__setitem__(record["id"], record)) == 1
    assert newcomer.id in store and len(store) == 4
    assert {record["region_code"][:4] for record in store.values()} == {"4403"}


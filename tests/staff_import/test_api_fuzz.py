"""The fuzz of tests/core/test_api_fuzz.py, sent to the staff import as a unit administrator
(the shared fuzz's callers are refused before the file is read): never a server error."""
import schemathesis

from tests.bureau.records_helpers import bearer, token_for
from tests.core.test_api_fuzz import CONFIG, V1, fuzz

PATH = f"{V1}/unit/staff/import"


def test_the_import_answers_no_server_error_whatever_it_is_sent(server, admin):
    schema = schemathesis.openapi.from_url(f"{server}{V1}/openapi.json", config=CONFIG, timeout=30)
    [operation] = [result.ok() for result in schema.get_all_operations() if result.ok().path == PATH]
    failures: list[str] = []
    sent = fuzz(operation, {}, server, bearer(token_for(admin)), 60, failures)
    assert sent > 0 and failures == [], "\n\n".join(failures)

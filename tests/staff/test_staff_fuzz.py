"""The unit administrator's v1 calls, fuzzed as a unit administrator (the suite's fuzz,
tests/core/test_api_fuzz.py, calls them only as roles they refuse): whatever they are sent,
over real HTTP, no answer is a server error. Path ids name the world's real links."""
import schemathesis

from openapi import staff as described
from tests.bureau.records_helpers import bearer, token_for
from tests.core.test_api_fuzz import CONFIG, fuzz

EXAMPLES = 25


def test_no_unit_staff_call_answers_a_server_error(server, world):
    schema = schemathesis.openapi.from_url(f"{server}/api/v1/openapi.json", config=CONFIG, timeout=30)
    mine = {f"{method.upper()} {path}" for path, item in described.paths().items() for method in item}
    operations = [result.ok() for result in schema.get_all_operations()]
    operations = [operation for operation in operations if operation.label in mine]
    assert {operation.label for operation in operations} == mine
    headers, failures = bearer(token_for(world.admin)), []
    for operation in operations:
        known = {"link_id": world.pending.id} if "{link_id}" in operation.path else {}
        assert fuzz(operation, known, server, headers, EXAMPLES, failures) > 0
    assert not failures, "\n\n".join(failures)

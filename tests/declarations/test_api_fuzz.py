"""The fuzz of tests/core/test_api_fuzz.py, sent to the declaration calls by the callers they are
for (a trainee with a confirmed unit and a declaration, the unit's administrator, the region's
bureau officer; the shared fuzz has no unit administrator): never a server error."""
import schemathesis

from tests.bureau.records_helpers import bearer, token_for
from tests.core.test_api_fuzz import CONFIG, V1, fuzz
from tests.declarations.world import declaration

CALLERS = {f"{V1}/me/": "trainee", f"{V1}/unit/": "unit_admin", f"{V1}/bureau/": "officer"}


def test_the_declaration_calls_answer_no_server_error_whatever_they_are_sent(server, trainee, unit, unit_admin,
                                                                            officer):
    people = {"trainee": trainee, "unit_admin": unit_admin, "officer": officer}
    headers = {key: bearer(token_for(person)) for key, person in people.items()}
    known = {"declaration_id": declaration(trainee, unit).id}
    schema = schemathesis.openapi.from_url(f"{server}{V1}/openapi.json", config=CONFIG, timeout=30)
    operations = [result.ok() for result in schema.get_all_operations() if "declarations" in result.ok().path]
    assert len(operations) == 8
    failures: list[str] = []
    for operation in operations:
        caller = next(who for prefix, who in CALLERS.items() if operation.path.startswith(prefix))
        ids = {name: value for name, value in known.items() if f"{{{name}}}" in operation.path}
        assert fuzz(operation, ids, server, headers[caller], 30, failures) > 0
    assert failures == [], "\n\n".join(failures)

"""Small builders for OpenAPI operations: responses, parameters, security requirements."""
from openapi.schemas import INT, STR, ref

PUBLIC: list = []
# Reads: a Bearer token or the session cookie. Unsafe methods with the cookie also send X-CSRFToken.
SIGNED_IN = [{"bearer": []}, {"cookie": []}]
SIGNED_IN_WRITE = [{"bearer": []}, {"cookie": [], "csrf": []}]
WATCH_TOKEN = [{"watchToken": []}]  # a heartbeat: the session's capability, no login (learning.watch_token)


def json_response(description: str, schema: dict | str, headers: dict | None = None) -> dict:
    schema = ref(schema) if isinstance(schema, str) else schema
    response = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


def error(description: str, headers: dict | None = None) -> dict:
    return json_response(description, "Error", headers)


def shared(name: str) -> dict:
    return {"$ref": f"#/components/responses/{name}"}


def responses() -> dict:
    """Errors many calls share."""
    return {
        "Unauthorized": error("Not signed in, or the Bearer token is unknown, revoked or its owner inactive "
                              "(code unauthorized)."),
        "Forbidden": error("Signed in, but the role may not make this call (code forbidden)."),
        "NotFound": error("No such resource, or not one the caller may see (code not_found)."),
        "Unprocessable": error("A parameter or a field of the body is invalid (code names it)."),
        "TooManyRequests": error("Rate limited; Retry-After says when to try again (code too_many_requests)."),
    }


def path_param(name: str, schema: dict = INT, description: str = "") -> dict:
    param = {"name": name, "in": "path", "required": True, "schema": schema}
    if description:
        param["description"] = description
    return param


def query(name: str, schema: dict = STR, description: str = "") -> dict:
    param = {"name": name, "in": "query", "required": False, "schema": schema}
    if description:
        param["description"] = description
    return param


def header(name: str, description: str, required: bool = False, schema: dict = STR) -> dict:
    return {"name": name, "in": "header", "required": required, "schema": schema, "description": description}


def json_body(schema: str, description: str = "") -> dict:
    body = {"required": True, "content": {"application/json": {"schema": ref(schema)}}}
    if description:
        body["description"] = description
    return body


def operation(operation_id: str, summary: str, tag: str, responses_: dict, *, security=None,
              parameters: list | None = None, body: dict | None = None, description: str = "") -> dict:
    op = {"operationId": operation_id, "summary": summary, "tags": [tag], "responses": responses_}
    if description:
        op["description"] = description
    if parameters:
        op["parameters"] = parameters
    if body:
        op["requestBody"] = body
    if security is not None:
        op["security"] = security
    return op


def signed_in(responses_: dict) -> dict:
    """``responses_`` plus the 401 every signed-in call can answer."""
    return {**responses_, "401": shared("Unauthorized")}


def for_role(responses_: dict) -> dict:
    """``responses_`` plus 401 and the 403 of a call for one role."""
    return {**signed_in(responses_), "403": shared("Forbidden")}

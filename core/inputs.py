"""What comes from outside, checked before it can crash a view: ids in URLs and JSON bodies,
JSON nested too deeply to parse, and NUL characters.

Each of these used to reach a driver or parser and fail there, a 500:
- a number beyond what an id column holds (SQLite: OverflowError past 2**63 - 1;
  PostgreSQL: "integer out of range" past 2**31 - 1). Now such an id names no row;
- a body like ``[[[[…]]]]`` a thousand levels deep (RecursionError). Now it is bad JSON;
- a NUL character in any text PostgreSQL is given ("text fields cannot contain NUL").
  No field of this app can hold one, so a request carrying one in its path, query (but
  the search box), form or JSON is refused (400) before any view reads it.
"""
import json
import re

from flask import Flask, abort, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

# PostgreSQL's integer, the type of every id column that a URL or a request body names.
MAX_ID = 2**31 - 1
# A JSON escape of NUL: \u0000 after an even number of backslashes (\\u0000 is the text "\u0000").
_JSON_NUL = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")
_FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


def is_id(value) -> bool:
    """Whether a decoded JSON ``value`` can be a row's id: an integer (not a boolean) 1 … MAX_ID."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


class IdConverter(IntegerConverter):
    """``<int:…>`` up to :data:`MAX_ID` unless a route says otherwise: a larger number
    matches no route (404)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID,
                 signed: bool = False):
        super().__init__(map, fixed_digits, min, max, signed)


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, except that a document nested too deeply to parse, or holding a NUL
    character, is a ValueError like any bad JSON: ``request.get_json()`` then answers 400
    (or None with ``silent=True``)."""

    def loads(self, s, **kwargs):
        try:
            value = super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None
        text = s.decode(json.detect_encoding(s), "replace") if isinstance(s, (bytes, bytearray)) else s
        if _JSON_NUL.search(text):
            raise ValueError("JSON with a NUL character")
        return value


def _has_nul(pairs) -> bool:
    # Werkzeug gives a multipart part whose name it cannot parse the name None.
    return any("\x00" in (key or "") or "\x00" in (value or "") for key, value in pairs)


def refuse_nul() -> None:
    """Before every request: a NUL in the path, a query parameter or a form field is a 400.

    ``q``, the search box, is let through: only the search engine reads it, and it drops
    control characters (``网络\x00安全`` still finds 网络安全).
    """
    query = ((key, value) for key, value in request.args.items(multi=True) if key != "q")
    if "\x00" in request.path or _has_nul(query):
        abort(400)
    if request.mimetype in _FORM_TYPES and _has_nul(request.form.items(multi=True)):
        abort(400)


def init_app(app: Flask) -> None:
    """Install the converter, the JSON provider and the NUL check; before any blueprint is
    registered, as rules bind their converters when they are added."""
    app.url_map.converters["int"] = IdConverter
    app.json = JSONProvider(app)
    app.before_request(refuse_nul)

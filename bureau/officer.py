"""What a bureau request asks for: the signed-in officer's scope and the year-and-region choice.

Read from the request here, for every bureau page, export and call alike; what an officer
may see is decided by :mod:`bureau.scope`, and the year by :func:`learning.progress.chosen_year`.
"""
from flask import abort, request
from flask_login import current_user

from accounts.access import current_api_token
from bureau import stats
from bureau.scope import Scope, ScopeError, scope_for
from core.db import utcnow


def officer_scope(region: str | None = None) -> Scope:
    """The signed-in officer's scope, narrowed to the region of the API token used (if any),
    then to ``region`` (a filter the officer asked for). Raises :class:`ScopeError` outside it."""
    token = current_api_token()
    return scope_for(current_user, token.region_code if token is not None else None).narrowed(region)


def asked_scope() -> Scope:
    """:func:`officer_scope` narrowed to ``?region=`` when given; 403 outside the scope."""
    try:
        return officer_scope(request.args.get("region", "").strip() or None)
    except ScopeError as error:
        abort(403, error.message)


def filter_context(scope: Scope, year: int) -> dict:
    """What ``integrity/_filters.html`` (year and region selector) needs."""
    years = sorted(set(stats.selectable_years(scope, utcnow())) | {year}, reverse=True)
    return {"scope": scope, "year": year, "years": years, "region": request.args.get("region", "").strip(),
            "home_code": current_user.region_code}

"""What a bureau request asks for: the signed-in officer's scope and the year-and-region choice.

Read from the request here, for every bureau page, export and call alike; what an officer
may see is decided by :mod:`bureau.scope`, and the year by :func:`learning.progress.chosen_year`.
"""
from flask import abort, request
from flask_login import current_user

from accounts import region_tree
from accounts.access import current_api_token
from bureau import stats
from bureau.scope import Scope, ScopeError, scope_for
from core.db import utcnow


def officer_scope(region: str | None = None) -> Scope:
    """The signed-in officer's scope, narrowed to the region of the API token used (if any),
    then to ``region`` (a filter the officer asked for). Raises :class:`ScopeError` outside it."""
    token = current_api_token()
    return scope_for(current_user, token.region_code if token is not None else None).narrowed(region)


def asked_region() -> str:
    """The region a bureau page was asked for: ``?region=`` once (a link) or once per level of the
    region picker (accounts.region_tree.chosen); "" for the whole scope."""
    return region_tree.chosen(request.args.getlist("region"))


def asked_scope() -> Scope:
    """:func:`officer_scope` narrowed to the asked region when given; 403 outside the scope."""
    try:
        return officer_scope(asked_region() or None)
    except ScopeError as error:
        abort(403, error.message)


def filter_context(scope: Scope, year: int) -> dict:
    """What ``integrity/_filters.html`` (year and region picker) needs: the picker starts at the
    officer's own area, fixed."""
    years = sorted(set(stats.selectable_years(scope, utcnow())) | {year}, reverse=True)
    region = asked_region()
    return {"scope": scope, "year": year, "years": years, "region": region,
            "region_levels": region_tree.levels(region, current_user.region_code)}

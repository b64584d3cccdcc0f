"""Where each role lands after signing in (and at ``/``): the page of its work.

Endpoints are named, not imported: the rooms that own them sit to the right of accounts."""
from flask import url_for

LANDINGS = {
    "trainee": "centre.index",
    "reviewer": "review.queue",
    "producer": "studio.index",
    "bureau": "dashboard.index",
    "unit_admin": "staff_views.index",
    "admin": "admin.users",
}


def landing_endpoint(role: str) -> str:
    """The endpoint of ``role``'s landing page; an unknown role lands in the 学习中心."""
    return LANDINGS.get(role, LANDINGS["trainee"])


def landing_url(user) -> str:
    """The address ``user`` lands on when nothing (a safe ``next``) says otherwise."""
    return url_for(landing_endpoint(user.role))

"""Employers (工作单位) as entities, and who belongs to them: name, 统一社会信用代码 (GB 32100-2015,
checked by ``creditcode``), GB/T 2260 region, address, active.

It owns the models (``models``: Unit, UnitLink), the one service every door uses for units
(``service``: search, create, edit; region scope enforced, audited, flushes only), a trainee's
side of their link (``links``: choose, leave; the unit's decisions are staff/'s), the unit
administrators' accounts (``admins``), the bureau's and admin's pages (``units_admin``), the
trainee's page and calls (``my_unit``, ``my_unit_api``), the v1 calls ``/api/v1/units``
(``units_api``) and ``flask units create|match-employers`` (``cli``). It sits above accounts
(regions, audit) and provinces, below courses.
"""

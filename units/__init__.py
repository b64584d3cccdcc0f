"""Employers (工作单位) as entities: name, 统一社会信用代码 (GB 32100-2015, checked by
``creditcode``), GB/T 2260 region, address, active.

It owns the model (``models``), the one service every door uses (``service``: search,
create, edit; region scope enforced, audited, flushes only), the bureau's and admin's pages
(``units_admin``), the v1 calls ``/api/v1/units`` (``units_api``) and ``flask units create``
(``cli``). It sits above accounts (regions, audit) and provinces, below courses.
"""

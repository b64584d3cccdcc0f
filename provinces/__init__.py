"""Province rules, managed: the room that stores, checks and edits the rule sets
(core.policy.rulebook) of each GB/T 2260 region prefix.

It owns the admin page (``rules_admin``), the v1 calls ``GET /api/v1/rules`` and
``/api/v1/admin/rules/<prefix>`` (``rules_api``), ``flask rules import/export`` (``cli``)
and the one service they share (``store``): every change is validated, refused when it
would alter a year already locked, audited, and makes the policy read the book again.
It sits above accounts (regions, audit) and below courses; the answers themselves stay
in core.policy.
"""

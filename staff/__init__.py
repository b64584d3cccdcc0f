"""A unit's staff, for its unit administrator (单位管理员): links to confirm or reject, the
roster with each person's progress for the year, exports, bulk import and 催学."""

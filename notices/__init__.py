"""Notices (站内通知): what the platform tells a user — a unit link decided, a declaration
returned or approved, 催学, a certificate superseded — kept in their notice box and, when
``ZHIXIN_SMTP_URL`` is set, also sent by mail through the task queue."""

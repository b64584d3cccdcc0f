"""China Standard Time, the one time zone of the product.

Year boundaries, dates shown and dates typed are Asia/Shanghai; the database stores UTC
(``core.db.UTCDateTime``). Every room imports :data:`CHINA` from here.
"""
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")

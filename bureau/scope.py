"""Region scope: the one place where what a bureau officer may see is decided.

A GB/T 2260 code names a province (``440000``), a city (``440300``) or a county
(``440305``). An officer sees the trainees registered in their code's area: a province
officer ``44xxxx``, a city officer ``4403xx``, a county officer exactly the code.
Asking for an area outside one's own is refused (403), never answered with an empty list.
"""
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import ColumnElement

from accounts.models import User
from accounts.regions import area_prefix, is_region_code, region_within


class ScopeError(Exception):
    """A region outside the caller's scope, or no usable scope at all."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Scope:
    """The area a request may see: every region code starting with ``prefix``."""

    code: str

    @property
    def prefix(self) -> str:
        return area_prefix(self.code)

    def covers(self, code: str) -> bool:
        return region_within(code, self.code)

    def narrowed(self, code: str | None) -> "Scope":
        """The sub-area ``code`` (a filter the caller asked for), if it lies inside this one."""
        if not code:
            return self
        if not is_region_code(code):
            raise ScopeError(_("地区代码应为6位行政区划代码。"))
        if not self.covers(code):
            raise ScopeError(_("地区 %(code)s 不在您的管辖范围内。", code=code))
        return Scope(code)

    def condition(self, column) -> ColumnElement[bool]:
        """The SQL condition that keeps rows of this area (``column`` holds region codes)."""
        return column.startswith(self.prefix, autoescape=True)


def scope_for(user: User, token_region: str | None = None) -> Scope:
    """The scope of a bureau officer, narrowed to an API token's region when it has one."""
    if user.role != "bureau" or not is_region_code(user.region_code):
        raise ScopeError(_("您的账号没有可查询的地区范围。"))
    scope = Scope(user.region_code)
    return scope.narrowed(token_region) if token_region else scope

"""The claim rules as plain functions, without the app: which years, types and hours a transfer
may claim (this credit year and the nine before, one line per year and type, 0 < hours ≤ 200)."""
from datetime import UTC, datetime

import pytest

from core.http import Refused
from transfers.service import TransferInput, claims, tenths

# 2026-12-31 17:00 UTC is already 2027-01-01 in China: the credit year is 2027.
NOW = datetime(2026, 12, 31, 17, 0, tzinfo=UTC)


def test_lines_become_claims_in_tenths():
    found = claims(TransferInput(lines=[("2026", "gongxu", "30"), ("2018", "zhuanye", " 4.5 ")]), NOW)
    assert [(c.year, c.subject_type, c.tenths) for c in found] == [(2026, "gongxu", 300), (2018, "zhuanye", 45)]


@pytest.mark.parametrize("lines, code", [
    ([], "no_lines"),
    ([("2017", "gongxu", "30")], "invalid_year"),
    ([("2028", "gongxu", "30")], "invalid_year"),
    ([("二〇二六", "gongxu", "30")], "invalid_year"),
    ([("2026", "other", "30")], "invalid_subject_type"),
    ([("2026", "gongxu", "0")], "invalid_hours"),
    ([("2026", "gongxu", "nan")], "invalid_hours"),
    ([("2026", "gongxu", "inf")], "invalid_hours"),
    ([("2026", "gongxu", "1e400")], "invalid_hours"),
    ([("2026", "gongxu", "200.1")], "invalid_hours"),
    ([("2026", "gongxu", "1"), ("2026", "gongxu", "2")], "duplicate_line"),
])
def test_bad_lines_are_refused(lines, code):
    with pytest.raises(Refused) as refused:
        claims(TransferInput(lines=lines), NOW)
    assert refused.value.code == code and refused.value.status == 422


def test_the_credit_year_follows_china_time():
    assert claims(TransferInput(lines=[("2027", "gongxu", "1")]), NOW)[0].year == 2027
    assert tenths("200", "hours") == 2000

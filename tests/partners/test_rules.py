"""The partner rules without the app: fields, accreditation limits, corrections, digests."""
from datetime import date

import pytest

from core.http import Refused
from partners import rules

ACCREDITED = rules.Accreditation(("gongxu",), 100, date(2026, 1, 1), date(2026, 12, 31))
TODAY = date(2026, 6, 30)


def refused(call, *args) -> Refused:
    with pytest.raises(Refused) as caught:
        call(*args)
    return caught.value


def test_the_digest_ignores_layout_but_not_values():
    assert rules.body_digest({"a": 1, "b": "x"}) == rules.body_digest({"b": "x", "a": 1})
    assert rules.body_digest({"a": 1}) != rules.body_digest({"a": 2})


@pytest.mark.parametrize("value", ["2026-02-30", "2026/06/01", "20260601", "", None, 20260601, "2026-6-1"])
def test_malformed_dates_are_refused_naming_the_field(value):
    e = refused(rules.day, {"start_date": value}, "start_date")
    assert (e.status, e.code, e.field) == (422, "invalid_start_date", "start_date")


@pytest.mark.parametrize("value", [0, -1, "abc", 1.25, True, None, float("nan"), 5000])
def test_hours_must_be_positive_with_one_decimal(value):
    assert refused(rules.tenths, value).code == "invalid_hours"


def test_hours_are_kept_in_tenths():
    assert rules.tenths(2.5) == 25 and rules.tenths("3") == 30


@pytest.mark.parametrize(("kind", "start", "end", "code"), [
    ("zhuanye", date(2026, 3, 1), date(2026, 3, 2), "subject_type_not_accredited"),
    ("other", date(2026, 3, 1), date(2026, 3, 2), "invalid_subject_type"),
    ("gongxu", date(2026, 3, 2), date(2026, 3, 1), "invalid_end_date"),
    ("gongxu", date(2026, 6, 30), date(2026, 7, 1), "invalid_end_date"),
    ("gongxu", date(2025, 12, 31), date(2026, 1, 2), "outside_accreditation"),
])
def test_a_completion_outside_the_accreditation_is_refused(kind, start, end, code):
    assert refused(rules.check_completion, ACCREDITED, kind, start, end, TODAY).code == code


def test_the_yearly_limit_counts_what_the_partner_gave_already():
    rules.check_hours(ACCREDITED, 60, 40)
    e = refused(rules.check_hours, ACCREDITED, 60, 41)
    assert e.code == "hours_limit" and "4" in e.message


def test_a_correction_writes_the_difference_to_the_corrected_total():
    assert rules.correction_tenths({"hours": 4}, 60) == -20
    assert rules.correction_tenths({"hours": 8}, 60) == 20
    assert rules.correction_tenths({"withdraw": True}, 60) == -60
    assert refused(rules.correction_tenths, {"hours": 6}, 60).code == "unchanged"
    assert refused(rules.correction_tenths, {"withdraw": True}, 0).code == "withdrawn"
    assert refused(rules.correction_tenths, {}, 60).code == "invalid_correction"
    assert refused(rules.correction_tenths, {"hours": 4, "withdraw": True}, 60).code == "invalid_correction"


@pytest.mark.parametrize("key", [None, "", " ", "x" * 129, "键"])
def test_an_idempotency_key_is_required_and_printable(key):
    assert refused(rules.idempotency_key, key).code == "invalid_idempotency_key"

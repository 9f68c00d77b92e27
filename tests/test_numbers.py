"""Numbers: a 。 between digits is a decimal point; mixed separators from 万 are flagged, not changed."""

import pytest

from pipeline import Pipeline
from pipeline.stages.numbers import wan_readings

NORMALIZE = Pipeline(disable=("structure",))


def test_a_full_stop_between_digits_is_a_decimal_point():
    doc = NORMALIZE.clean("活动,5。780,000 primary and secondary school students")
    assert doc.text == "活动，5.780,000 primary and secondary school students"
    assert "decimal-point" in {c.rule for c in doc.changes}


@pytest.mark.parametrize("text,number,readings", [
    ("参加普法五老3.40,000 people, and 4.19 million young people", "3.40,000", ["3.4万 = 34,000"]),
    ("5.780,000 primary and secondary school students named", "5.780,000",
     ["5.78万 = 57,800", "57.8万 = 578,000"]),
])
def test_mixed_separators_are_flagged_with_their_readings(text, number, readings):
    doc = NORMALIZE.clean(text)
    assert number in doc.text  # not changed
    [flag] = [f for f in doc.flags if f.rule == "wan-separator"]
    assert doc.text[flag.start:flag.end] == number
    for reading in readings:
        assert reading in flag.message


@pytest.mark.parametrize("number,readings", [
    ("12.0,000", ["12万 = 120,000"]),
    ("2.35,000", []),  # no 0,000 tail: flagged without a guess
])
def test_wan_readings(number, readings):
    assert wan_readings(number) == readings


@pytest.mark.parametrize("text", ["28,232 rural seniors", "35.2 million", "1,234.5 yuan", "v1.2.3,000"])
def test_ordinary_numbers_are_not_flagged(text):
    assert not [f for f in NORMALIZE.clean(text).flags if f.rule == "wan-separator"]

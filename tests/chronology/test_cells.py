"""Export cells: text a spreadsheet would read as a formula is neutralised, everything else is left alone."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casereview.chronology.cells import FORMULA_STARTS, neutralise, neutralise_row


@pytest.mark.parametrize(
    "text",
    ["=1+1", '=HYPERLINK("http://evil.example","click")', "+44 1234", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1", "=", "-"],
)
def test_text_starting_like_a_formula_gets_a_leading_apostrophe(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["", "Home visit", " =1+1", "1=1", "'=already", "Seen by GP: 2+2", "\n=1"])
def test_other_text_is_unchanged(text):
    assert neutralise(text) == text


@pytest.mark.parametrize("value", [None, 0, -5, 3.5, Decimal("-1.5"), True, date(2021, 3, 31), datetime(2021, 3, 31)])
def test_values_that_are_not_text_are_unchanged(value):
    assert neutralise(value) is value


def test_neutralise_row():
    assert neutralise_row(["=1", 2, "ok", None]) == ["'=1", 2, "ok", None]


@given(st.text())
def test_any_text_is_safe_and_keeps_its_content(text):
    safe = neutralise(text)
    assert not safe.startswith(FORMULA_STARTS)
    assert safe in (text, "'" + text)
    assert (safe != text) == text.startswith(FORMULA_STARTS)


@given(st.sampled_from(FORMULA_STARTS), st.text())
def test_every_formula_start_is_neutralised(start, rest):
    assert neutralise(start + rest) == "'" + start + rest

"""NHS numbers (modulus 11) and National Insurance numbers."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casereview.core.identifiers import (
    is_valid_nhs_number,
    is_valid_ni_number,
    normalise_nhs_number,
    normalise_ni_number,
)


def check_digit(nine: str) -> int:
    """The modulus 11 check digit as NHS Digital specifies it; 10 means the number cannot exist."""
    remainder = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True)) % 11
    return 0 if remainder == 0 else 11 - remainder


@pytest.mark.parametrize("number", ["9434765919", "4010232137", "0000000000"])
def test_nhs_number_with_the_right_check_digit_is_valid(number):
    assert is_valid_nhs_number(number)


@pytest.mark.parametrize("number", ["943 476 5919", "943-476-5919", " 401 023 2137 ", "401\t023\t2137"])
def test_nhs_number_spaces_and_hyphens_are_ignored(number):
    assert is_valid_nhs_number(number)


def test_normalise_nhs_number_removes_spaces_and_hyphens():
    assert normalise_nhs_number("943 476-5919") == "9434765919"


@pytest.mark.parametrize("number", ["9434765918", "9434765910", "4010232138"])
def test_nhs_number_with_the_wrong_check_digit_is_invalid(number):
    assert not is_valid_nhs_number(number)


@pytest.mark.parametrize("last", "0123456789")
def test_nhs_number_whose_check_digit_would_be_10_is_invalid(last):
    # 0*10 + … + 6*2 = 12, 12 mod 11 = 1, check digit 11 - 1 = 10: no such NHS number.
    assert not is_valid_nhs_number("000000006" + last)


@pytest.mark.parametrize("number", ["", "943476591", "94347659190", "94347659l9", "943 476 591A"])
def test_nhs_number_that_is_not_ten_digits_is_invalid(number):
    assert not is_valid_nhs_number(number)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_any_nine_digits_with_their_check_digit_are_valid_unless_the_check_is_10(nine):
    check = check_digit(nine)
    if check == 10:
        assert not any(is_valid_nhs_number(nine + str(d)) for d in range(10))
    else:
        assert is_valid_nhs_number(nine + str(check))
        assert not any(is_valid_nhs_number(nine + str(d)) for d in range(10) if d != check)


@pytest.mark.parametrize("number", ["AB123456C", "ab 12 34 56 c", "JG103759A", "CE123456D", "WZ000000A"])
def test_ni_number_in_the_right_format_is_valid(number):
    assert is_valid_ni_number(number)


def test_normalise_ni_number_removes_spaces_and_capitalises():
    assert normalise_ni_number("qq 12 34 56 c") == "QQ123456C"


@pytest.mark.parametrize("prefix", ["BG", "GB", "NK", "KN", "TN", "NT", "ZZ"])
def test_ni_number_with_a_prefix_never_allocated_is_invalid(prefix):
    assert not is_valid_ni_number(f"{prefix}123456C")


@pytest.mark.parametrize("letter", "DFIQUV")
def test_ni_number_starting_with_d_f_i_q_u_or_v_is_invalid(letter):
    assert not is_valid_ni_number(f"{letter}A123456C")


@pytest.mark.parametrize("letter", "DFIOQUV")
def test_ni_number_whose_second_letter_is_d_f_i_o_q_u_or_v_is_invalid(letter):
    assert not is_valid_ni_number(f"A{letter}123456C")


def test_the_example_ni_number_qq123456c_is_not_a_real_one():
    # QQ 12 34 56 C is the format example the forms show; Q is never used, so it is refused.
    assert not is_valid_ni_number("QQ123456C")


@pytest.mark.parametrize("number", ["AB123456E", "AB12345C", "AB1234567C", "AB123456", "A1123456C", ""])
def test_ni_number_in_the_wrong_shape_is_invalid(number):
    assert not is_valid_ni_number(number)


def test_nhs_number_in_full_width_digits_is_invalid():
    assert not is_valid_nhs_number("\uff19\uff14\uff13\uff14\uff17\uff16\uff15\uff19\uff11\uff19")


def test_ni_number_with_full_width_digits_is_invalid():
    assert not is_valid_ni_number("AB\uff11\uff12\uff13\uff14\uff15\uff16C")

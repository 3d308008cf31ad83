"""Phone numbers: validation and masking."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from workteam_desktop.domain import phone
from workteam_desktop.domain.problems import Problem


@pytest.mark.parametrize(
    "text",
    [
        "13812345678",
        "19900001111",
        "15012345678",
        "+8613812345678",
        "+86 138 1234 5678",
        " 138 1234 5678 ",
        "0351-1234567",
        "03511234567",
        "010-12345678",
        "01012345678",
        "0352-12345678",
        "",
        "   ",
    ],
)
def test_valid_numbers(text: str) -> None:
    assert phone.problem(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "12812345678",  # mobiles start 13–19
        "10012345678",
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "1381234567a",
        "abc",
        "1234567",  # landline without area code
        "0351-123456",  # 6-digit local number
        "0351-123456789",  # 9-digit local number
        "03-1234567",  # area code too short
        "00351-1234567",  # area code too long
        "351-1234567",  # area code must start with 0
        "0351--1234567",
        "+85213812345678",
        "１３８１２３４５６７８",  # full-width digits are not accepted
    ],
)
def test_invalid_numbers(text: str) -> None:
    found = phone.problem(text)
    assert found == Problem("phone.invalid")
    assert found.message() == "电话号码应为11位手机号或带区号的固话"
    assert found.message("en") == "Enter an 11-digit mobile number or a landline with area code"


def test_normalize() -> None:
    assert phone.normalize("+86 138 1234 5678") == "13812345678"
    assert phone.normalize(" 0351-1234567\n") == "0351-1234567"


@given(st.sampled_from("3456789"), st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_every_mobile_pattern_is_valid(second: str, rest: str) -> None:
    number = "1" + second + rest
    assert phone.problem(number) is None
    assert phone.problem("+86" + number) is None
    assert phone.problem(number + "0") == Problem("phone.invalid")


def test_mask_examples() -> None:
    assert phone.mask("13812345678") == "138****5678"
    assert phone.mask("0351-1234567") == "035*****4567"
    assert phone.mask(None) == ""
    assert phone.mask("") == ""
    assert phone.mask("123456") == "******"


def test_mask_never_shows_a_short_value_whole() -> None:
    # Keeping the first 3 and last 4 of a 7-character value would show all of it.
    assert phone.mask("1234567") == "*******"
    assert phone.mask("12345678") == "123*5678"


@given(st.text(alphabet="0123456789-+", min_size=1, max_size=20))
def test_mask_keeps_length_and_hides_something(value: str) -> None:
    masked = phone.mask(value)
    value = phone.normalize(value)  # spaces and +86 are not part of the number
    assume(value)
    assert len(masked) == len(value)
    assert "*" in masked
    assert masked != value
    if len(value) > 7:
        assert masked[:3] == value[:3]
        assert masked[-4:] == value[-4:]
        assert masked[3:-4] == "*" * (len(value) - 7)


def test_mask_ignores_country_code_and_spaces() -> None:
    assert phone.mask("+86 138 1234 5678") == "138****5678"

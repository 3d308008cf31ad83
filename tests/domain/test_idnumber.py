"""Resident ID numbers (GB 11643-1999): validation, normalising, masking, generation."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workteam_desktop.domain import idnumber
from workteam_desktop.domain.problems import Problem

TODAY = dt.date(2025, 6, 1)
VALID_CHARS = "0123456789X"

regions = st.builds(
    lambda prefix, rest: prefix + f"{rest:02d}",
    st.sampled_from(["1402", "1101", "4401"]),
    st.integers(0, 99),
)
births = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31))
sequences = st.integers(0, 999)
valid_numbers = st.builds(idnumber.make, regions, births, sequences)


def expected_code_after_change(value: str, today: dt.date) -> str:
    """An independent oracle: the first problem a 17-digit change should produce."""
    if value[:2] not in idnumber.PROVINCE_CODES:
        return "id.region"
    text = value[6:14]
    try:
        birth = dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return "id.birth_date"
    if birth.year < 1900:
        return "id.birth_date"
    if birth > today:
        return "id.birth_future"
    return "id.checksum"


# --- generation, round trips -------------------------------------------------------------


@given(regions, births, sequences)
def test_made_numbers_are_valid_and_round_trip(region: str, birth: dt.date, seq: int) -> None:
    value = idnumber.make(region, birth, seq)
    assert len(value) == 18
    assert value.startswith(region)
    assert value[14:17] == f"{seq:03d}"
    assert idnumber.problem(value, today=TODAY) is None
    assert idnumber.is_valid(value, today=TODAY)
    assert idnumber.birth_date(value) == birth
    assert idnumber.sex(value) == ("male" if seq % 2 else "female")


def test_make_rejects_a_bad_region() -> None:
    with pytest.raises(ValueError, match="6 digits"):
        idnumber.make("14021", dt.date(1980, 1, 1), 1)
    with pytest.raises(ValueError, match="6 digits"):
        idnumber.make("14021a", dt.date(1980, 1, 1), 1)


def test_standard_example_is_valid() -> None:
    # The example given in GB 11643-1999 itself.
    assert idnumber.problem("11010519491231002X") is None
    assert idnumber.birth_date("11010519491231002X") == dt.date(1949, 12, 31)
    assert idnumber.sex("11010519491231002X") == "female"
    assert idnumber.check_char("11010519491231002") == "X"


# --- single-character changes --------------------------------------------------------------


@settings(max_examples=150)
@given(valid_numbers, st.integers(0, 16), st.integers(1, 9))
def test_changing_one_of_the_first_17_digits_is_caught(
    value: str, position: int, shift: int
) -> None:
    new_digit = str((int(value[position]) + shift) % 10)
    changed = value[:position] + new_digit + value[position + 1:]
    assert changed != value
    found = idnumber.problem(changed, today=TODAY)
    assert found is not None
    assert found.code in {"id.checksum", "id.birth_date", "id.region", "id.birth_future"}
    assert found.code == expected_code_after_change(changed, TODAY)


@settings(max_examples=100)
@given(valid_numbers, st.sampled_from(VALID_CHARS))
def test_changing_the_check_character_names_the_expected_one(value: str, char: str) -> None:
    if char == value[17]:
        char = VALID_CHARS[(VALID_CHARS.index(char) + 1) % len(VALID_CHARS)]
    changed = value[:17] + char
    found = idnumber.problem(changed, today=TODAY)
    assert found == Problem("id.checksum", {"expected": value[17]})
    assert found.message() == f"身份证号第18位校验码应为{value[17]}"
    assert found.message("en") == f"The check character (18th) should be {value[17]}"


# --- one example per problem, with exact messages -----------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "params", "message"),
    [
        ("", "id.empty", {}, "请填写身份证号"),
        ("   ", "id.empty", {}, "请填写身份证号"),
        ("1402121980010112", "id.length", {"length": 16}, "身份证号应为18位，现在是16位"),
        ("14021219800101123X9", "id.length", {"length": 19}, "身份证号应为18位，现在是19位"),
        ("1402121980O101123X", "id.digits", {}, "身份证号前17位只能是数字"),
        ("14021219800101123Y", "id.last_char", {}, "身份证号第18位应为数字或X"),
        (
            "990105194912310021",
            "id.region",
            {"region": "99"},
            "身份证号前两位“99”不是有效的省级地区码",
        ),
        (
            "140212202302301234",
            "id.birth_date",
            {"birth": "20230230"},
            "身份证号中的出生日期“20230230”不是有效日期",
        ),
        (
            "140212189912311234",
            "id.birth_date",
            {"birth": "18991231"},
            "身份证号中的出生日期“18991231”不是有效日期",
        ),
        ("110105194912310021", "id.checksum", {"expected": "X"}, "身份证号第18位校验码应为X"),
        ("140212198001011232", None, None, None),
    ],
)
def test_problem_examples(
    text: str, code: str | None, params: dict | None, message: str | None
) -> None:
    found = idnumber.problem(text, today=TODAY)
    if code is None:
        assert found is None
        return
    assert found == Problem(code, params)
    assert found.message() == message
    assert str(found) == message


def test_superscript_digits_are_not_digits() -> None:
    # str.isdigit() accepts "²"; an ID number must not.
    found = idnumber.problem("1402121980010112²X", today=TODAY)
    assert found is not None
    assert found.code == "id.digits"


def test_future_birth_date_uses_today() -> None:
    value = idnumber.make("140212", dt.date(2025, 6, 2), 123)
    found = idnumber.problem(value, today=TODAY)
    assert found == Problem("id.birth_future", {"birth": "20250602"})
    assert found.message() == "身份证号中的出生日期“20250602”晚于今天"
    # Born today is fine; born the day after is valid once that day has come.
    assert idnumber.problem(idnumber.make("140212", TODAY, 123), today=TODAY) is None
    assert idnumber.problem(value, today=dt.date(2025, 6, 2)) is None


def test_first_problem_wins() -> None:
    # Bad region, bad date and bad checksum: the region is reported first.
    assert idnumber.problem("990105202302301230", today=TODAY).code == "id.region"
    # Bad date and bad checksum: the date.
    assert idnumber.problem("140212202302301230", today=TODAY).code == "id.birth_date"


def test_english_messages() -> None:
    assert idnumber.problem("12345").message("en") == "An ID number has 18 characters, not 5"
    assert (
        idnumber.problem("990105194912310021").message("en")
        == "“99” at the start is not a valid province code"
    )


# --- normalising ----------------------------------------------------------------------------


def test_normalize_accepts_full_width_lowercase_and_spaces() -> None:
    assert idnumber.normalize("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"
    assert idnumber.normalize("11010519491231002x") == "11010519491231002X"
    assert idnumber.normalize(" 110105 19491231 002X\t") == "11010519491231002X"
    assert idnumber.normalize("110105\u300019491231002Ｘ") == "11010519491231002X"
    for text in (
        "１１０１０５１９４９１２３１００２Ｘ",
        "11010519491231002x",
        " 1101 0519 4912 3100 2x ",
    ):
        assert idnumber.problem(text) is None
        assert idnumber.birth_date(text) == dt.date(1949, 12, 31)
        assert idnumber.sex(text) == "female"


@given(valid_numbers)
def test_normalize_is_identity_on_valid_numbers(value: str) -> None:
    assert idnumber.normalize(value) == value
    assert idnumber.normalize(value.lower()) == value


# --- masking -----------------------------------------------------------------------------------


def test_mask_example() -> None:
    assert idnumber.mask("14021219800101123X") == "1402**********123X"
    assert idnumber.mask("14021219800101123x") == "1402**********123X"


@pytest.mark.parametrize("value", [None, ""])
def test_mask_empty(value: str | None) -> None:
    assert idnumber.mask(value) == ""


def test_mask_short_values_entirely() -> None:
    assert idnumber.mask("12345678") == "********"
    assert idnumber.mask("1") == "*"
    assert idnumber.mask("123456789") == "1234*6789"


@given(valid_numbers)
def test_mask_hides_the_middle_of_a_number(value: str) -> None:
    masked = idnumber.mask(value)
    assert len(masked) == len(value)
    assert value[4:14] not in masked
    assert masked == value[:4] + "*" * 10 + value[-4:]


@given(st.text(alphabet="0123456789Xx", min_size=1, max_size=30))
def test_mask_keeps_length_and_hides_the_middle(value: str) -> None:
    masked = idnumber.mask(value)
    assert len(masked) == len(value)
    if len(value) <= 8:
        assert masked == "*" * len(value)
    else:
        assert masked[4:-4] == "*" * (len(value) - 8)

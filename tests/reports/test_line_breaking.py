"""避头尾: no printed line starts with a closing mark (，。、）》」；：！？ …) or ends with an
opening one, numbers stay whole where they can, and no text is lost."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as s
from reportlab.lib.styles import ParagraphStyle

from workteam_desktop.reports.fonts import register_font
from workteam_desktop.reports.tables import wrap_text
from workteam_desktop.reports.text import (
    CANNOT_END,
    CANNOT_START,
    CJKParagraph,
    break_lines,
    char_widths,
    markup,
)

FONT = register_font()
SIZE = 10.0
HAN = "农户走访帮扶工作队村民收入就业监测对象易地搬迁堃喆镕"
CLOSING = "，。、；：！？）》」』】”…%"
OPENING = "（《「『【“"
OTHER = "0123456789.,abcXYZ "
ALPHABET = HAN * 3 + CLOSING + OPENING + OTHER

texts = s.text(alphabet=ALPHABET, min_size=0, max_size=160)
limits = s.floats(min_value=12.0, max_value=260.0)


def _no_legal_break(text: str, start: int, end: int, limit: float, widths: list[float]) -> bool:
    """True when no break inside [start, end) fitting the limit obeys the rules (checked
    independently of the implementation)."""
    used = 0.0
    for pos in range(start + 1, end):
        used += widths[pos - 1]
        if used > limit + 1e-6:
            break
        nxt = pos
        while nxt < len(text) and text[nxt] == " ":
            nxt += 1
        if (nxt >= len(text) or text[nxt] not in CANNOT_START) and text[pos - 1] not in CANNOT_END:
            return False
    return True


@settings(max_examples=400, deadline=None)
@given(texts, limits)
def test_no_line_starts_with_a_closing_mark(text: str, limit: float) -> None:
    widths = char_widths(text, FONT, SIZE)
    lines = break_lines(text, widths, [limit])
    for start, _end in lines[1:]:
        assert text[start] not in CANNOT_START, (text, limit, lines)
    for _start, end in lines[:-1]:
        assert text[end - 1] not in CANNOT_END, (text, limit, lines)
    # Nothing is lost: only spaces at the start of a continuation line are dropped.
    position = 0
    for start, end in lines:
        assert text[position:start].strip(" ") == ""
        assert start < end
        position = end
    assert text[position:].strip(" ") == ""
    # A line is wider than the limit only when no rule-abiding break fits in it.
    for start, end in lines:
        if sum(widths[start:end]) > limit + 1e-6 and end - start > 1:
            assert _no_legal_break(text, start, end, limit, widths), (text, limit, start, end)


@settings(max_examples=200, deadline=None)
@given(texts, limits)
def test_paragraph_lines_obey_the_rule(text: str, limit: float) -> None:
    style = ParagraphStyle("t", fontName=FONT, fontSize=SIZE, leading=14, wordWrap="CJK")
    p = CJKParagraph(markup(text), style)
    p.wrap(limit, 10_000)
    lines = ["".join(w.text for w in line.words) for line in p.blPara.lines]
    assert all(line[:1] not in CANNOT_START for line in lines[1:] if line), lines
    assert "".join(lines).replace(" ", "") == text.replace(" ", "").strip()


@settings(max_examples=200, deadline=None)
@given(texts, limits)
def test_table_cells_obey_the_rule(text: str, limit: float) -> None:
    lines = wrap_text(text, limit, FONT, SIZE).split("\n")
    assert all(line[:1] not in CANNOT_START for line in lines[1:] if line), lines


def _lines(text: str, chars: float) -> list[str]:
    widths = char_widths(text, FONT, SIZE)
    return [text[a:b] for a, b in break_lines(text, widths, [chars * SIZE])]


def test_the_character_before_a_comma_moves_down_with_it() -> None:
    # Ten characters fit; the eleventh is "，": it may not start the next line.
    lines = _lines("一二三四五六七八九十，十一", 10)
    assert lines == ["一二三四五六七八九", "十，十一"]


def test_two_closing_marks_in_a_row_both_stay_off_the_line_start() -> None:
    lines = _lines("一二三四五六七八九十。”好", 10)
    assert all(line[0] not in CANNOT_START for line in lines[1:])
    assert "".join(lines) == "一二三四五六七八九十。”好"


def test_an_opening_bracket_does_not_end_a_line() -> None:
    lines = _lines("一二三四五六七八九（十）", 10)
    assert lines[0][-1] != "（"


def test_numbers_are_not_cut() -> None:
    lines = _lines("本季度落实帮扶资金合计1,234,567.50元", 14)
    assert any("1,234,567.50" in line for line in lines)


def test_a_word_longer_than_the_line_is_cut() -> None:
    lines = _lines("1234567890123456789012345678901234567890", 6)
    assert "".join(lines) == "1234567890123456789012345678901234567890"
    assert len(lines) > 1

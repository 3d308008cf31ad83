"""Chinese line breaking for the PDFs (避头尾) and the paragraph that uses it.

reportlab's own CJK wrapping cuts "like a knife" between any two characters and knows
only a few closing marks (not ，；：！？》), and hangs at most one of them, so a line can
start with "，" or "。”". :func:`break_lines` instead moves the break back until

- the next line does not start with a closing mark (，。、）》」；：！？ …),
- this line does not end with an opening mark (（《「“ …),
- and, where it can, a number or Latin word (``1,234.50``, ``2026Q3``) is not cut.

Only when a whole line would be closing marks (never in real text) are they left to hang
past the right margin: a line never *starts* with one.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.platypus import Flowable
from reportlab.platypus.paragraph import FragLine, Paragraph, ParaLines

CANNOT_START = frozenset(
    "，。、；：！？）》」』】〕〉”’…‥·・〃々～ー"  # full-width closing marks
    "﹐﹑﹒﹔﹕﹖﹗﹚﹜﹞"
    ",.;:!?)]}>%‰℃°′″"  # their half-width forms and units that belong to the number before
    "）］｝〙〗｠｡｣､･％"
)
"""Characters a line may not start with (行首禁则)."""

CANNOT_END = frozenset("（《「『【〔〈“‘([{<（［｛〘〖｟｢￥$＄£#＃")
"""Characters a line may not end with (行尾禁则)."""

_WORD_PUNCT = frozenset(".,%:/-+_@#&'")
_FUZZ = 1e-6


def _is_word(ch: str) -> bool:
    """Part of a number or Latin word that is better not cut (``1,234.50``, ``2026Q3``)."""
    return ch.isascii() and (ch.isalnum() or ch in _WORD_PUNCT)


def _next_visible(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] == " ":
        pos += 1
    return pos


def _legal(text: str, pos: int, *, keep_words: bool) -> bool:
    """May a line break fall between ``text[pos-1]`` and ``text[pos]``?"""
    nxt = _next_visible(text, pos)
    if nxt < len(text) and text[nxt] in CANNOT_START:
        return False
    if text[pos - 1] in CANNOT_END:
        return False
    return not (keep_words and _is_word(text[pos - 1]) and nxt == pos and _is_word(text[pos]))


def _choose_break(text: str, start: int, greedy: int) -> int:
    """The break to use for a line starting at ``start`` whose greedy fill ends at ``greedy``."""
    # 1. Back up (at most half a line) to a break that keeps words and obeys 避头尾.
    floor = start + max(1, (greedy - start) // 2)
    for pos in range(greedy, floor - 1, -1):
        if _legal(text, pos, keep_words=True):
            return pos
    # 2. A word longer than half a line: cut it, but still obey 避头尾.
    for pos in range(greedy, start, -1):
        if _legal(text, pos, keep_words=False):
            return pos
    # 3. Nothing legal before the margin (a line of closing marks): let them hang.
    for pos in range(greedy + 1, len(text)):
        if _legal(text, pos, keep_words=False):
            return pos
    return len(text)


def break_lines(text: str, widths: Sequence[float],
                max_widths: Sequence[float]) -> list[tuple[int, int]]:
    """Split ``text`` (one width per character) into lines: ``[(start, end), ...]``.

    ``max_widths[i]`` is the width of line ``i`` (the last value repeats). Spaces at the
    start of a continuation line are dropped. No line but the first starts with a
    character of :data:`CANNOT_START`.
    """
    n = len(text)
    lines: list[tuple[int, int]] = []
    start = 0
    while start < n:
        if lines:
            start = _next_visible(text, start)
            if start >= n:
                break
        limit = max_widths[min(len(lines), len(max_widths) - 1)]
        used, end = 0.0, start
        while end < n and (end == start or used + widths[end] <= limit + _FUZZ):
            used += widths[end]
            end += 1
        if end < n:
            end = _choose_break(text, start, end)
        lines.append((start, end))
        start = end
    return lines


_width_cache: dict[tuple[str, float], dict[str, float]] = {}
_ascent_cache: dict[tuple[str, float], tuple[float, float]] = {}


def _widths_of(font: str, size: float) -> dict[str, float]:
    cache = _width_cache.get((font, size))
    if cache is None:
        cache = _width_cache[(font, size)] = {}
    return cache


def char_widths(text: str, font: str, size: float) -> list[float]:
    """The advance width of each character (cached per font and size: wrapping a
    thousand household files measures the same characters over and over)."""
    cache = _widths_of(font, size)
    try:
        return list(map(cache.__getitem__, text))
    except KeyError:
        for ch in set(text) - cache.keys():
            cache[ch] = stringWidth(ch, font, size)
        return list(map(cache.__getitem__, text))


def text_width(text: str, font: str, size: float) -> float:
    """The width of ``text`` (sum of its cached character widths)."""
    cache = _widths_of(font, size)
    try:
        return sum(map(cache.__getitem__, text))
    except KeyError:
        return sum(char_widths(text, font, size))


def _ascent_descent(font: str, size: float) -> tuple[float, float]:
    key = (font, size)
    if key not in _ascent_cache:
        _ascent_cache[key] = getAscentDescent(font, size)
    return _ascent_cache[key]


def _make_line(frags: list, owners: list[int], text: str, widths: list[float], start: int,
               end: int, max_width: float, line_break: bool, tail: object = None) -> FragLine:
    """One line of a paragraph: runs of characters grouped by the fragment they came from."""
    words = []
    run_owner, run_start = None, start
    for i in range(start, end + 1):
        owner = owners[i] if i < end else None
        if owner != run_owner:
            if run_owner is not None:
                word = frags[run_owner].clone()
                word.text = text[run_start:i]
                words.append(word)
            run_owner, run_start = owner, i
    if tail is not None:  # keep a <br/> fragment so a split paragraph still breaks there
        words.append(tail)
    used = sum(widths[start:end])
    size = ascent = descent = 0.0
    for word in words or [frags[0]]:
        a, d = _ascent_descent(word.fontName, word.fontSize)
        size, ascent, descent = max(size, word.fontSize), max(ascent, a), min(descent, d)
    return FragLine(kind=1, extraSpace=max_width - used, wordCount=1, words=words,
                    fontSize=size, ascent=ascent, descent=descent, maxWidth=max_width,
                    currentWidth=used, lineBreak=line_break)


class CJKParagraph(Paragraph):
    """A Paragraph that wraps Chinese text with :func:`break_lines` (避头尾)."""

    def breakLinesCJK(self, maxWidths):
        """Lines of the paragraph for the given widths (reportlab calls this in wrap)."""
        if not isinstance(maxWidths, list | tuple):
            maxWidths = [maxWidths]
        if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):
            return self.blPara
        style = self.style
        self.height = 0
        lines: list[FragLine] = []
        # Segments end at <br/>: each is wrapped on its own.
        seg_frags: list = []
        for frag in [*self.frags, None]:
            if frag is not None and not hasattr(frag, "lineBreak"):
                seg_frags.append(frag)
                continue
            self._wrap_segment(seg_frags, maxWidths, lines, tail=frag)
            seg_frags = []
        if not lines:
            return ParaLines(kind=0, fontSize=style.fontSize, fontName=style.fontName,
                             textColor=style.textColor, lines=[], ascent=style.fontSize,
                             descent=-0.2 * style.fontSize)
        return ParaLines(kind=1, lines=lines)

    def _wrap_segment(self, frags: list, max_widths: Sequence[float], lines: list[FragLine],
                      tail: object) -> None:
        owners: list[int] = []
        parts: list[str] = []
        widths: list[float] = []
        for index, frag in enumerate(frags):
            text = getattr(frag, "text", "") or ""
            if hasattr(frag, "cbDefn"):  # inline images are not used in our reports
                continue
            parts.append(text)
            owners += [index] * len(text)
            widths += char_widths(text, frag.fontName, frag.fontSize)
        text = "".join(parts)
        if not text:
            if tail is not None:
                width = max_widths[min(len(lines), len(max_widths) - 1)]
                lines.append(_make_line([tail], [], "", [], 0, 0, width, True, tail))
            return
        spans = break_lines(text, widths, self._widths_from(max_widths, len(lines)))
        for k, (start, end) in enumerate(spans):
            last = k == len(spans) - 1
            width = max_widths[min(len(lines), len(max_widths) - 1)]
            lines.append(_make_line(frags, owners, text, widths, start, end, width,
                                    last and tail is not None, tail if last else None))

    @staticmethod
    def _widths_from(max_widths: Sequence[float], offset: int) -> list[float]:
        return [max_widths[min(offset + i, len(max_widths) - 1)] for i in range(2)]

    def _get_split_blParaFunc(self):
        # reportlab's own function glues a space to the end of every line when it splits a
        # paragraph across pages: a visible gap in Chinese text. Ours keeps the text as is.
        return _split_lines


def _split_lines(blPara, start: int, stop: int) -> list:
    return [w.clone() for line in blPara.lines[start:stop] for w in line.words]


def markup(text: object) -> str:
    """Plain text as paragraph markup: &, < and > escaped, newlines as line breaks."""
    value = "" if text is None else str(text)
    return escape(value).replace("\r\n", "\n").replace("\n", "<br/>")


class TextLine(Flowable):
    """Plain text that usually fits on one line (titles, headings, short sentences).

    Drawn with one ``drawString`` when it fits; otherwise it behaves exactly like a
    :class:`CJKParagraph` (wrapped with 避头尾). Building a full paragraph for every
    heading of a thousand household files costs more than drawing them.
    """

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.text = text
        self.style = style
        self._para: CJKParagraph | None = None

    def _paragraph(self) -> CJKParagraph:
        if self._para is None:
            self._para = CJKParagraph(markup(self.text), self.style)
        return self._para

    def _fits(self, avail_width: float) -> bool:
        if "\n" in self.text:
            return False
        room = avail_width - self.style.leftIndent - self.style.rightIndent
        return text_width(self.text, self.style.fontName, self.style.fontSize) <= room

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._one_line = self._fits(availWidth)
        if not self._one_line:
            return self._paragraph().wrap(availWidth, availHeight)
        self.width, self.height = availWidth, self.style.leading
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        if self._fits(availWidth):
            return [] if availHeight < self.style.leading else [self]
        return self._paragraph().split(availWidth, availHeight)

    def getSpaceBefore(self) -> float:
        return self.style.spaceBefore

    def getSpaceAfter(self) -> float:
        return self.style.spaceAfter

    def draw(self) -> None:
        if not self._one_line:
            self._paragraph().drawOn(self.canv, 0, 0)
            return
        from .pdfops import draw_string  # pdfops measures text with this module

        style = self.style
        y = self.height - style.fontSize  # where Paragraph puts its first baseline
        if style.alignment == TA_CENTER:
            x = self.width / 2
        elif style.alignment == TA_RIGHT:
            x = self.width - style.rightIndent
        else:
            x = style.leftIndent
        draw_string(self.canv, x, y, self.text, style.fontName, style.fontSize,
                    style.textColor, style.alignment)


def para(text: object, style: ParagraphStyle) -> Flowable:
    """Plain text (not markup) in ``style``: one fast line when it fits, else a paragraph."""
    return TextLine("" if text is None else str(text), style)


def rich(markup_text: str, style: ParagraphStyle) -> CJKParagraph:
    """A paragraph of markup the caller built (values escaped with :func:`markup`)."""
    return CJKParagraph(markup_text, style)

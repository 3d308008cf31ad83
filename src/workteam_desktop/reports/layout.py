"""Pages of a report: size and margins, the running header, the footer with
"第 X 页 共 Y 页", the printing date and the 含个人敏感信息 notice, signature lines,
and progress ticks that let a long build report progress and be cancelled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A3, A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageTemplate,
    Spacer,
)

from . import styles as st
from .fonts import FONT_NAME, register_font
from .pdfops import draw_string
from .text import para

PORTRAIT_A4 = A4
LANDSCAPE_A3 = landscape(A3)
SENSITIVE_NOTICE = "含个人敏感信息"


@dataclass(frozen=True, slots=True)
class PageInfo:
    """What every page of a report shows around its content."""

    title: str
    issuer: str
    printed_on: dt.date
    sensitive: bool = False
    pagesize: tuple[float, float] = PORTRAIT_A4

    @property
    def scale(self) -> float:
        """Text scale of the running header and footer (larger on A3)."""
        return 1.35 if self.pagesize[0] > A4[1] + 1 else 1.0

    @property
    def margin(self) -> float:
        """Page margin in points."""
        return (16 if self.scale > 1 else 14) * mm


class _NumberedCanvas(Canvas):
    """A canvas that holds back each page until the end, so the footer can say how many
    pages there are ("第 X 页 共 Y 页") without building the document twice."""

    def __init__(self, *args: Any, page_info: PageInfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._info = page_info
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            state.clear()  # the page's content goes to the file now; free it
            self._decorate(number, total)
            Canvas.showPage(self)
        self._pages.clear()
        Canvas.save(self)

    def _decorate(self, number: int, total: int) -> None:
        info = self._info
        font = register_font()
        width, height = info.pagesize
        m = info.margin
        s = info.scale
        self.saveState()
        self.setStrokeColor(st.RULE)
        self.setLineWidth(0.5)
        # Running header: issuer on the left, the report's title on the right.
        top = height - m + 5 * mm
        draw_string(self, m, top, info.issuer, font, 8.5 * s, st.MUTED)
        draw_string(self, width - m, top, info.title, font, 8.5 * s, st.MUTED, TA_RIGHT)
        self.line(m, top - 2.2 * mm, width - m, top - 2.2 * mm)
        # Footer: printing date, page X of Y, and the notice when full numbers are printed.
        bottom = m - 8 * mm
        self.line(m, bottom + 4.2 * mm, width - m, bottom + 4.2 * mm)
        draw_string(self, m, bottom, f"打印日期：{st.cn_date(info.printed_on)}", font, 8.5 * s,
                    st.MUTED)
        draw_string(self, width / 2, bottom, f"第 {number} 页 共 {total} 页", font, 9 * s,
                    st.INK, TA_CENTER)
        if info.sensitive:
            draw_string(self, width - m, bottom, f"{SENSITIVE_NOTICE}，请妥善保管", font, 9 * s,
                        st.RED, TA_RIGHT)
        self.restoreState()


class Tick(Flowable):
    """An invisible mark: when the layout reaches it, progress is reported (and a cancel,
    raised by the progress callable, stops the build)."""

    def __init__(self, callback: Callable[[], None]) -> None:
        super().__init__()
        self._callback = callback
        self.width = self.height = 0

    def wrap(self, _aw: float, _ah: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self._callback()


class PageMark(Flowable):
    """An invisible mark that notes the page it lands on in ``pages[key]`` (where each
    household's file starts, for the tests and the table of contents of a big PDF)."""

    def __init__(self, pages: dict[str, int], key: str) -> None:
        super().__init__()
        self._pages = pages
        self._key = key
        self.width = self.height = 0

    def wrap(self, _aw: float, _ah: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self._pages[self._key] = self.canv.getPageNumber()


def build_pdf(path: Path, story: list[Flowable], info: PageInfo) -> int:
    """Lay out ``story`` into the PDF ``path``; returns the number of pages."""
    register_font()
    # Binary (compressed) streams instead of ASCII85 text: smaller files, and reportlab's
    # pure-Python ASCII85 encoder took a third of the time of saving a big report.
    rl_config.useA85 = 0
    width, height = info.pagesize
    m = info.margin
    frame = Frame(m, m, width - 2 * m, height - 2 * m, id="body", leftPadding=0,
                  rightPadding=0, topPadding=0, bottomPadding=0)
    doc = BaseDocTemplate(str(path), pagesize=info.pagesize, title=info.title,
                          author=info.issuer, subject=info.title, creator="workteam",
                          leftMargin=m, rightMargin=m, topMargin=m, bottomMargin=m,
                          pageTemplates=[PageTemplate(id="page", frames=[frame])],
                          initialFontName=FONT_NAME, initialFontSize=10)
    def canvasmaker(*args: Any, **kwargs: Any) -> _NumberedCanvas:
        return _NumberedCanvas(*args, page_info=info, **kwargs)

    doc.build(story, canvasmaker=canvasmaker)
    return doc.page


def frame_width(info: PageInfo) -> float:
    """The width of the text frame, in points."""
    return info.pagesize[0] - 2 * info.margin


class SignatureLines(Flowable):
    """Lines to sign on paper, two per row: "帮扶责任人（签字）：________", then
    "日期：____年__月__日". Drawn directly (one per household file: a table was slow)."""

    ROW = 26.0  # points per row: room to sign by hand

    def __init__(self, labels: list[str], styles: st.Styles, with_date: bool = True) -> None:
        super().__init__()
        self.labels = [f"{label}：" for label in labels]
        self.styles = styles
        self.with_date = with_date
        self.rows = (len(labels) + 1) // 2 + (1 if with_date else 0)

    def wrap(self, availWidth: float, _availHeight: float) -> tuple[float, float]:
        # Under a table (as its footer row) it spans the table's width, not the first cell's.
        self._span = getattr(self, "footer_width", availWidth)
        self.width, self.height = availWidth, self.rows * self.ROW * self.styles.scale
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        size = self.styles.body.fontSize
        label_w, line_w = self._span * 0.2, self._span * 0.3
        row_h = self.ROW * self.styles.scale
        canvas.setStrokeColor(st.INK)
        canvas.setLineWidth(0.6)
        cells = [(i // 2, i % 2, label) for i, label in enumerate(self.labels)]
        if self.with_date:
            cells.append((self.rows - 1, 0, "日期："))
        for row, col, label in cells:
            y = self.height - (row + 1) * row_h + 4
            x = col * (label_w + line_w)
            draw_string(canvas, x + label_w - 2, y, label, self.styles.font, size, st.INK, TA_RIGHT)
            canvas.line(x + label_w, y - 2, x + label_w + line_w, y - 2)
            if label == "日期：" and self.with_date and row == self.rows - 1:
                draw_string(canvas, x + label_w + 40, y, "年          月          日",
                            self.styles.font, size, st.INK)


def signature_block(labels: list[str], styles: st.Styles, width: float,
                    with_date: bool = True) -> list[Flowable]:
    """Lines to sign on paper: "帮扶责任人（签字）：________  日期：____年__月__日"."""
    return [Spacer(1, 6), SignatureLines(labels, styles, with_date)]


def signatures(labels: list[str], styles: st.Styles, with_date: bool = True) -> SignatureLines:
    """The signature lines alone (as the footer of a table: see ``tables.render``)."""
    return SignatureLines(labels, styles, with_date)


def title_block(title: str, lines: list[str], styles: st.Styles) -> list[Flowable]:
    """The report's title and the lines under it (scope, period, issuing unit)."""
    return [para(title, styles.title), *(para(line, styles.subtitle_line) for line in lines),
            Spacer(1, 6 * styles.scale)]


def section(title: str, styles: st.Styles, *, sub: bool = False,
            room: float = 90) -> list[Flowable]:
    """A heading that never sits alone at the bottom of a page: if less than ``room``
    points are left, it starts the next page (a long table after it still splits)."""
    return [CondPageBreak(room * styles.scale),
            para(title, styles.subheading if sub else styles.heading)]

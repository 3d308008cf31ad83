"""数据恢复码: the one page a first secretary prints when a home's store is encrypted.

It carries the recovery code (large, in groups of five), what it is for and when it is
needed, the data folder it opens and where it was made, and two signatures: the first
secretary's and the township's (each keeps one copy). Nothing else: no household data.
The page is written to a file the person chose (never into the data home) and is not
kept by the program.
"""

from __future__ import annotations

import datetime as dt
import platform
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from . import styles as st
from .build import atomic_files, check_writable
from .layout import PageInfo, build_pdf, frame_width, signature_block, title_block
from .text import para

TITLE = "数据恢复码"

NOTES = (
    "1. 本机的工作数据已加密保存。加密密钥存放在本机系统的密钥环中，平时无需输入。",
    "2. 以下情况需要恢复码才能打开数据：重装系统、换了系统用户、换了电脑、从备份恢复到另一台电脑。",
    "3. 恢复码丢失且密钥环也丢失时，任何人（包括开发者）都无法打开这些数据。",
    "4. 请第一书记和乡镇各保管一份，不要贴在电脑上，不要拍照发到群里。",
    "5. 使用方法：程序启动时提示输入恢复码；或在命令行运行 workteam recover。",
    "6. 恢复码泄露或遗失时，请在能打开数据时生成新的恢复码（workteam recover --new-code），"
    "旧恢复码随即作废，并重新打印本页。",
)


def build_recovery_sheet(code: str, home: Path, out: Path, *, team: str = "",
                         today: dt.date | None = None) -> Path:
    """Write the recovery page for ``home``'s ``code`` to the PDF ``out``."""
    today = today or dt.date.today()
    out = Path(out)
    check_writable(out)
    styles = st.make_styles()
    info = PageInfo(TITLE, team or "驻村工作队", today, sensitive=True)
    width = frame_width(info)
    lines = [f"工作队：{team}" if team else "", f"打印日期：{st.cn_date(today)}"]
    story = title_block(TITLE, [line for line in lines if line], styles)
    big = st.derive(styles.title, fontSize=26, leading=34, alignment=1)
    box = Table([[para(code, big)]], colWidths=[width], rowHeights=[22 * mm])
    box.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 1.2, st.INK),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, -1), st.ZEBRA),
    ]))
    story += [Spacer(1, 4 * mm), box, Spacer(1, 6 * mm),
              para(f"数据目录：{home}", styles.body),
              para(f"生成于：{platform.node() or '本机'}", styles.body),
              Spacer(1, 4 * mm)]
    story += [para(note, styles.body) for note in NOTES]
    story += [Spacer(1, 10 * mm),
              *signature_block(["第一书记（签字）", "乡镇保管人（签字）"], styles, width)]
    with atomic_files([out]) as temps:
        build_pdf(temps[0], story, info)
    return out

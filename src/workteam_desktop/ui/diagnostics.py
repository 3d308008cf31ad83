"""The 帮助 (Help) menu: 导出诊断信息… (the diagnostics zip for support) and 关于 (version,
data home, how big the data is)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox

from .. import __version__
from ..store.diagnostics import store_statistics, write_diagnostics
from .context import AppContext
from .pages.backups import size_text


def data_size(home: Path) -> dict[str, int]:
    """Bytes of the store (with its WAL), the attachments and the backups of a home."""
    stats = store_statistics(home)
    out = {"store": sum(stats.get("files", {}).values()),
           "attachments": stats.get("attachments", {}).get("bytes", 0),
           "attachment_files": stats.get("attachments", {}).get("files", 0),
           "backups": sum(b["size"] for b in stats.get("backups", []))}
    out["households"] = stats.get("tables", {}).get("household", 0)
    return out


class HelpMenu(QObject):
    """The Help menu of a main window; its actions run their file work off the GUI thread."""

    def __init__(self, window: QMainWindow, ctx: AppContext) -> None:
        super().__init__(window)
        self.window = window
        self.ctx = ctx
        menu = window.menuBar().addMenu(self.tr("帮助"))
        self.export_action = menu.addAction(self.tr("导出诊断信息…"))
        self.export_action.triggered.connect(lambda: self.export_diagnostics())
        menu.addSeparator()
        self.about_action = menu.addAction(self.tr("关于"))
        self.about_action.triggered.connect(lambda: self.about())
        self.menu = menu
        self.last_message = ""

    def export_diagnostics(self, path: str | None = None) -> None:
        """Ask where to save the diagnostics zip (unless ``path``), then write it."""
        if not path:
            suggested = str(Path.home() / f"workteam-诊断-{dt.date.today():%Y%m%d}.zip")
            path, _ = QFileDialog.getSaveFileName(
                self.window, self.tr("导出诊断信息"), suggested,
                self.tr("zip 文件 (*.zip)"))
        if not path:
            return
        out = Path(path if path.lower().endswith(".zip") else path + ".zip")
        self.export_action.setEnabled(False)
        self.window.statusBar().showMessage(self.tr("正在导出诊断信息…"))
        self.ctx.tasks.run(write_diagnostics, self.ctx.store.home, out,
                           done=self._exported, failed=self._export_failed)

    def _exported(self, out: Path) -> None:
        self.export_action.setEnabled(True)
        self.last_message = self.tr(
            "诊断信息已保存到 {path}。其中有日志、版本和数据统计，不含姓名、身份证号和电话，"
            "可以发给技术支持。").format(path=str(out))
        self.window.statusBar().showMessage(self.tr("诊断信息已导出"), 5000)
        QMessageBox.information(self.window, self.tr("导出诊断信息"), self.last_message)

    def _export_failed(self, exc: BaseException) -> None:
        self.export_action.setEnabled(True)
        self.window.statusBar().clearMessage()
        self.last_message = self.tr("诊断信息未能保存（{reason}）。请换一个位置再试。").format(
            reason=getattr(exc, "strerror", None) or type(exc).__name__)
        QMessageBox.warning(self.window, self.tr("导出诊断信息"), self.last_message)

    def about(self) -> None:
        """Count the data off the GUI thread, then show the About box."""
        self.ctx.tasks.run(data_size, self.ctx.store.home, done=self._show_about)

    def about_text(self, sizes: dict[str, Any]) -> str:
        """The About box's text."""
        return self.tr(
            "驻村工作队工作平台 workteam {version}\n\n"
            "数据目录：{home}\n"
            "数据库：{store}（{households} 户）\n"
            "附件：{files} 个，{attachments}\n"
            "备份：{backups}\n\n"
            "密钥和同步凭据保存在系统钥匙串中，不在数据目录里。").format(
                version=__version__, home=str(self.ctx.store.home),
                store=size_text(sizes["store"]), households=f"{sizes['households']:,}",
                files=f"{sizes['attachment_files']:,}", attachments=size_text(sizes["attachments"]),
                backups=size_text(sizes["backups"]))

    def _show_about(self, sizes: dict[str, Any]) -> None:
        self.last_message = self.about_text(sizes)
        QMessageBox.about(self.window, self.tr("关于 workteam"), self.last_message)


def install_help_menu(window: QMainWindow, ctx: AppContext) -> HelpMenu:
    """Add the Help menu to ``window``."""
    return HelpMenu(window, ctx)


"""How a sync's progress is shown: the words for each step and the bar with its line.

The sync page and the first-run page both run ``sync_once`` and show its progress the same
way; the steps are named here once (``sync/session.py`` reports them by these keys).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QProgressBar


def phase_words() -> dict[str, str]:
    """The words for each step a sync reports, in the interface's language."""
    return {"push": QCoreApplication.translate("SyncProgress", "正在上传更改"),
            "pull": QCoreApplication.translate("SyncProgress", "正在取回更改"),
            "attachments_up": QCoreApplication.translate("SyncProgress", "正在上传照片"),
            "attachments_down": QCoreApplication.translate("SyncProgress", "正在下载照片"),
            "forms": QCoreApplication.translate("SyncProgress", "正在更新表单"),
            "index": QCoreApplication.translate("SyncProgress", "正在整理数据（建立索引、计算户情）"),
            "compact": QCoreApplication.translate("SyncProgress", "正在整理数据（压缩已收到的变更）"),
            "snapshot": QCoreApplication.translate("SyncProgress", "正在下载数据快照（MB）"),
            "snapshot_load": QCoreApplication.translate("SyncProgress", "正在载入数据快照（行）"),
            "snapshot_copy": QCoreApplication.translate("SyncProgress", "正在载入数据快照（步骤）")}


def show_progress(bar: QProgressBar, label: QLabel, done: int, total: int | None, what: str
                  ) -> None:
    """Set the bar (busy when the total is not known) and the line beside it."""
    if total:
        bar.setRange(0, total)
        bar.setValue(min(done, total))
        label.setText(QCoreApplication.translate("SyncProgress", "{what}：{done} / {total}")
                      .format(what=what, done=f"{done:,}", total=f"{total:,}"))
    else:
        bar.setRange(0, 0)
        label.setText(QCoreApplication.translate("SyncProgress", "{what}：{done}")
                      .format(what=what, done=f"{done:,}") if done else what + "…")


def sync_word() -> str:
    """The words for a step no other word names."""
    return QCoreApplication.translate("SyncProgress", "正在同步")

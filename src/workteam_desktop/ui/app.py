"""The desktop application: QApplication set-up and the main window.

This is the plain main window of the foundation; the pages (dashboard, households,
visits, …) are added by the GUI work.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QVBoxLayout, QWidget

from ..store import Store


class MainWindow(QMainWindow):
    """The main window over an open store."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.setWindowTitle("驻村工作队工作平台")
        self.resize(1280, 720)
        with store.read() as cur:
            households = cur.execute(
                "SELECT count(*) FROM household WHERE deleted = 0").fetchone()[0]
        central = QWidget()
        layout = QVBoxLayout(central)
        title = QLabel("驻村工作队工作平台")
        title.setStyleSheet("font-size: 20pt; font-weight: bold;")
        info = QLabel(f"数据目录：{store.home}\n农户：{households:,} 户")
        for label in (title, info):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label)
        self.setCentralWidget(central)
        self.statusBar().showMessage(f"数据目录：{store.home}")


def run(home: str | None) -> int:
    """Open the store of ``home`` and run the GUI until the window closes."""
    app = QApplication.instance() or QApplication(sys.argv)
    store = Store.open(home)
    try:
        window = MainWindow(store)
        window.show()
        return app.exec()
    finally:
        store.close()

"""The 证书 field of the login dialog and the first-run page: the county's own certificate
authority file (PEM), usually left empty (servers with public certificates)."""

from __future__ import annotations

from PySide6.QtCore import QDir
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLineEdit, QPushButton, QWidget


class CaFileField(QWidget):
    """A path field and a 选择… button; ``path()`` is what the person chose (or typed)."""

    def __init__(self, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setClearButtonEnabled(True)
        self.edit.setPlaceholderText(placeholder or self.tr("可不填：县里用自己的证书时才需要"))
        self.edit.setToolTip(self.tr("县里自己的证书颁发机构文件（PEM），由县里的管理员提供；"
                                     "登录成功后保存在数据目录，以后同步都用它验证服务器"))
        self.button = QPushButton(self.tr("选择…"))
        self.button.setAutoDefault(False)  # Enter in any field still means log in
        self.button.clicked.connect(self.choose)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.button)

    def path(self) -> str:
        """The chosen file, or "" for none."""
        return self.edit.text().strip()

    def choose(self) -> None:
        """Pick the county's certificate authority file."""
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择县里的证书颁发机构文件"), self.edit.text(),
            self.tr("证书文件 (*.pem *.crt);;所有文件 (*)"))
        if path:
            self.edit.setText(QDir.toNativeSeparators(path))

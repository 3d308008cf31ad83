"""The photo row of a form (走访, 十送行动, 帮扶记录): 添加照片… and the chosen photos as
thumbnails (decoded off the GUI thread); Delete removes the selected one.

A photo is either a file chosen on this computer (copied into the data home when the record
is saved) or one already saved with the record (an attachment, shown from the data home).
The store is told which files to attach and which attachments to take off::

    strip = PhotoStrip(ctx, hint=self.tr("还没有照片。…"))
    strip.sig_changed.connect(...)   # the cadre added or removed a photo
    strip.set_photos(detail["photos"])   # attachments_of() rows and/or file paths
    strip.add_files(["/path/a.jpg"])     # what 添加照片… does after its file dialog
    strip.paths()                        # files to attach on save
    strip.removed_ids(detail["photos"])  # saved attachments the cadre removed
    strip.photos()                       # every photo, as JSON (for a draft)
    strip.check()                        # False (and says so) when a chosen file is gone
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QObject, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QImageReader, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from .context import AppContext
from .widgets import field_error

SETTINGS_PHOTO_DIR = "visit/photo_dir"  # the folder photos were last chosen from (any form)
THUMB_SIZE = 56
_PHOTO_ROLE = Qt.ItemDataRole.UserRole


def thumbnail(path: str, size: int, home: Path | None = None,
              sha256: str | None = None) -> QImage | None:
    """A small image of a photo, decoded at reduced size (off the GUI thread). A saved
    photo (``sha256``) is read from the home's content store, decrypted in memory only."""
    if sha256 and home is not None:
        from ..store.attachments import read_content

        try:
            data = QByteArray(read_content(home, sha256))
        except (OSError, ValueError):
            return None
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        return _scaled(QImageReader(buffer), size)
    return _scaled(QImageReader(path), size)


def _scaled(reader: QImageReader, size: int) -> QImage | None:
    """The reader's image decoded at reduced size, turned upright (EXIF)."""
    reader.setAutoTransform(True)
    full = reader.size()
    if full.isValid():
        reader.setScaledSize(full.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    return None if image.isNull() else image


def photo_entry(photo: str | Mapping[str, Any]) -> dict[str, Any]:
    """A photo as the strip keeps it: ``{"path", "name", "attachment_id"}`` (no id: a file
    chosen here, not saved yet). Takes a path, an ``attachments_of`` row or an entry."""
    if isinstance(photo, str):
        return {"path": photo, "name": Path(photo).name, "attachment_id": None}
    attachment_id = photo.get("attachment_id", photo.get("id"))
    path = str(photo.get("path", ""))
    name = photo.get("name") or photo.get("filename") or Path(path).name
    return {"path": path, "name": str(name), "attachment_id": attachment_id,
            "sha256": photo.get("sha256")}


class PhotoStrip(QWidget):
    """添加照片… with the chosen photos beside it as thumbnails."""

    sig_changed = Signal()  # the cadre added or removed a photo

    def __init__(self, ctx: AppContext, hint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._photos: list[dict[str, Any]] = []
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        self.photo_button = QPushButton(self.tr("添加照片…"))
        self.photo_button.setAutoDefault(False)  # Enter in a dialog saves, it opens no files
        self.photo_button.clicked.connect(self.choose_photos)
        self.photo_list = QListWidget()
        self.photo_list.setViewMode(QListView.ViewMode.IconMode)
        self.photo_list.setIconSize(QSize(THUMB_SIZE, THUMB_SIZE))
        self.photo_list.setFlow(QListView.Flow.LeftToRight)
        self.photo_list.setWrapping(False)
        self.photo_list.setFixedHeight(THUMB_SIZE + 30)
        self.photo_list.setToolTip(self.tr("选中照片按 Delete 移除"))
        self.photo_list.installEventFilter(self)
        self.photo_error = field_error()
        button_col = QVBoxLayout()
        button_col.addWidget(self.photo_button)
        button_col.addStretch(1)
        self.photo_hint = QLabel(hint or self.tr("还没有照片"))
        self.photo_hint.setObjectName("tileLabel")
        self.photo_hint.setWordWrap(True)
        row.addLayout(button_col)
        row.addWidget(self.photo_list, 1)
        row.addWidget(self.photo_hint, 1, Qt.AlignmentFlag.AlignTop)
        self._show_list()

    # ------------------------------------------------------------------ API

    def photos(self) -> list[dict[str, Any]]:
        """Every photo shown, in order, as ``{"path", "name", "attachment_id"}``."""
        return [dict(p) for p in self._photos]

    def paths(self) -> list[str]:
        """The files chosen here, to attach when the record is saved."""
        return [p["path"] for p in self._photos if not p["attachment_id"]]

    def saved_ids(self) -> list[str]:
        """The attachments (photos saved with the record) still shown."""
        return [p["attachment_id"] for p in self._photos if p["attachment_id"]]

    def removed_ids(self, saved: Sequence[str | Mapping[str, Any]]) -> list[str]:
        """Of the record's saved photos ``saved``, the attachments the cadre removed."""
        kept = set(self.saved_ids())
        ids = [photo_entry(p)["attachment_id"] for p in saved]
        return [i for i in ids if i and i not in kept]

    def set_photos(self, photos: Sequence[str | Mapping[str, Any]]) -> None:
        """Show ``photos`` (paths, ``attachments_of`` rows or :meth:`photos` entries)
        instead of those shown; not announced as the cadre's change."""
        entries: list[dict[str, Any]] = []
        for photo in photos:
            entry = photo_entry(photo)
            if not any(_same(entry, e) for e in entries):  # each photo once
                entries.append(entry)
        self._photos = entries
        self.photo_list.clear()
        placeholder = QPixmap(THUMB_SIZE, THUMB_SIZE)
        placeholder.fill(Qt.GlobalColor.lightGray)
        for entry in self._photos:
            item = QListWidgetItem(QIcon(placeholder), entry["name"])
            item.setToolTip(entry["name"] if entry["attachment_id"] else entry["path"])
            item.setData(_PHOTO_ROLE, entry["path"])
            self.photo_list.addItem(item)
            self.ctx.tasks.run(thumbnail, entry["path"], THUMB_SIZE, self.ctx.store.home,
                               entry.get("sha256"),
                               done=lambda image, p=entry["path"]: self._show_thumbnail(p, image))
        self._show_list()

    def add_files(self, paths: Sequence[str]) -> None:
        """Add files (each once) after those shown, as the cadre's change."""
        self.set_photos([*self._photos, *paths])
        self.show_error(None)
        self.sig_changed.emit()

    def choose_photos(self) -> None:
        """Pick photos from disk (they are copied into the data home on save)."""
        start = str(self.ctx.settings.value(SETTINGS_PHOTO_DIR, str(Path.home())))
        paths, _ = QFileDialog.getOpenFileNames(
            self, self.tr("选择照片"), start,
            self.tr("图片 (*.jpg *.jpeg *.png *.bmp *.gif *.webp);;所有文件 (*)"))
        if not paths:
            return
        self.ctx.settings.setValue(SETTINGS_PHOTO_DIR, str(Path(paths[0]).parent))
        self.add_files(paths)

    def remove_selected(self) -> None:
        """Take the selected photo off (a saved one is removed when the record is saved)."""
        row = self.photo_list.currentRow()
        if row < 0:
            return
        del self._photos[row]
        self.set_photos(list(self._photos))
        if not self._photos:
            self.photo_button.setFocus()
        else:
            self.photo_list.setCurrentRow(min(row, len(self._photos) - 1))
        self.sig_changed.emit()

    def check(self) -> bool:
        """False, with the message under the row, when a chosen file is no longer there."""
        missing = [p for p in self.paths() if not Path(p).is_file()]
        self.show_error(self.tr("照片“{name}”已找不到，请移除后重新添加").format(
            name=Path(missing[0]).name) if missing else None)
        return not missing

    def show_error(self, message: str | None) -> None:
        """Show (or clear, with None) the row's one-sentence error."""
        self.photo_error.setText(message or "")
        self.photo_error.setVisible(message is not None)

    # ------------------------------------------------------------------ inside

    def _show_list(self) -> None:
        # An empty list is skipped by Tab; it takes focus once it holds something.
        self.photo_list.setFocusPolicy(Qt.FocusPolicy.StrongFocus if self._photos
                                       else Qt.FocusPolicy.NoFocus)
        self.photo_list.setVisible(bool(self._photos))
        self.photo_hint.setVisible(not self._photos)

    def _show_thumbnail(self, path: str, image: QImage | None) -> None:
        if not isValid(self) or image is None:
            return
        for row in range(self.photo_list.count()):
            item = self.photo_list.item(row)
            if item.data(_PHOTO_ROLE) == path:
                item.setIcon(QIcon(QPixmap.fromImage(image)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.photo_list and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)):  # type: ignore[attr-defined]
            self.remove_selected()
            return True
        return super().eventFilter(watched, event)


def _same(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    if a["attachment_id"] or b["attachment_id"]:
        return a["attachment_id"] == b["attachment_id"]
    return a["path"] == b["path"]

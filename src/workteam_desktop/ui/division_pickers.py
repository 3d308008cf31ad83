"""Pickers over China's administrative divisions (``domain.divisions``): a county by
province → city → county with type-ahead (or a typed code or name), and a team's villages
as a checklist by township (several townships allowed), with villages missing from the
divisions added by name (自行添加的村).

Used by the first-run page (单机开始) and the 账号与工作队 page (a team's villages). The
divisions are read from the shipped zip on first use and cached; a county's villages are
parsed in a few milliseconds, so everything here runs on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..domain import divisions as dv
from ..domain.problems import DomainError
from ..domain.team_setup import county_of
from .widgets import empty_state, field_error

_CODE_ROLE = Qt.ItemDataRole.UserRole


class TypeAheadCombo(QComboBox):
    """An editable combo whose typed text filters its items (any part of the name) and
    whose edit never adds an item; leaving it with a text that names one item picks it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(16)
        completer = QCompleter(self.model(), self)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompleter(completer)
        completer.activated[str].connect(self._pick_text)
        self.lineEdit().editingFinished.connect(lambda: self._pick_text(self.currentText()))

    def set_items(self, items: Iterable[tuple[str, str]], placeholder: str = "") -> None:
        """Replace the items ((label, code) pairs); nothing is picked afterwards."""
        with QSignalBlocker(self):
            self.clear()
            for label, code in items:
                self.addItem(label, code)
            self.setCurrentIndex(-1)
            self.lineEdit().setPlaceholderText(placeholder)
            self.setEditText("")
        self.completer().setModel(self.model())

    def code(self) -> str | None:
        """The code of the picked item (None: none, or the text names none)."""
        index = self.currentIndex()
        if index < 0 or self.itemText(index) != self.currentText():
            return None
        return self.itemData(index)

    def pick_code(self, code: str | None) -> None:
        """Pick the item with ``code`` (or none), emitting currentIndexChanged."""
        index = self.findData(code) if code is not None else -1
        self.setCurrentIndex(index)
        if index < 0:
            self.setEditText("")

    def _pick_text(self, text: str) -> None:
        text = text.strip()
        if not text:
            return
        index = self.findText(text, Qt.MatchFlag.MatchFixedString)
        if index < 0:
            hits = [i for i in range(self.count()) if text in self.itemText(i)]
            index = hits[0] if len(hits) == 1 else -1
        if index >= 0 and index != self.currentIndex():
            self.setCurrentIndex(index)
        elif index >= 0:
            self.setEditText(self.itemText(index))


class CountyPicker(QWidget):
    """A county: province → city → county, each with type-ahead, or a code or name typed
    into the search field (140226, 左云县, 大同市左云县)."""

    sig_changed = Signal(object)  # the county's Division, or None

    def __init__(self, lang: str = "zh", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.divisions = dv.shipped()
        self._county: dv.Division | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("输入县（区）名称或6位代码，如 左云县、140226"))
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self.find_typed)
        self.search.editingFinished.connect(self.find_typed)
        layout.addWidget(self.search)
        row = QHBoxLayout()
        row.setSpacing(6)
        self.province = TypeAheadCombo()
        self.city = TypeAheadCombo()
        self.county_box = TypeAheadCombo()
        for box, stretch in ((self.province, 2), (self.city, 3), (self.county_box, 3)):
            box.setMinimumWidth(90)
            row.addWidget(box, stretch)
        layout.addLayout(row)
        self.error = field_error()
        layout.addWidget(self.error)
        self.province.set_items(((p.name, p.code) for p in self.divisions.provinces()),
                                self.tr("省"))
        self.city.set_items((), self.tr("市"))
        self.county_box.set_items((), self.tr("县（区）"))
        self.province.currentIndexChanged.connect(self._province_picked)
        self.city.currentIndexChanged.connect(self._city_picked)
        self.county_box.currentIndexChanged.connect(self._county_picked)
        self._typed = ""

    def county(self) -> dv.Division | None:
        """The picked county."""
        return self._county

    def set_county(self, code: str) -> None:
        """Pick the county with this code (6 or 12 digits) in all three combos."""
        county = self.divisions.get(code)
        if county is None or county.level != "county":
            return
        path = {d.level: d for d in self.divisions.path(county.code)}
        province = path.get("province")
        self.province.pick_code(province.code if province else None)
        city = path.get("city")
        if city is not None:
            self.city.pick_code(city.code)
        self.county_box.pick_code(county.code)
        self.error.hide()

    def find_typed(self) -> None:
        """Look up the county named in the search field and pick it (or say why not)."""
        text = self.search.text().strip()
        if not text or text == self._typed:
            return
        self._typed = text
        try:
            county = county_of(text, self.divisions)
        except DomainError as e:
            self.error.setText(e.message(self.lang))
            self.error.show()
            return
        self.set_county(county.code)

    def _province_picked(self) -> None:
        code = self.province.code()
        cities = self.divisions.cities(code) if code else []
        counties = [] if cities or not code else self.divisions.counties(code)
        self.city.set_items(((c.name, c.code) for c in cities), self.tr("市"))
        self.city.setEnabled(bool(cities) or not code)
        self.county_box.set_items(((c.name, c.code) for c in counties), self.tr("县（区）"))
        self._set(None)

    def _city_picked(self) -> None:
        code = self.city.code()
        counties = self.divisions.counties(code) if code else []
        self.county_box.set_items(((c.name, c.code) for c in counties), self.tr("县（区）"))
        self._set(None)

    def _county_picked(self) -> None:
        code = self.county_box.code()
        self._set(self.divisions.get(code) if code else None)

    def _set(self, county: dv.Division | None) -> None:
        if county is not None:
            self.error.hide()
        if county == self._county:
            return
        self._county = county
        self.sig_changed.emit(county)


class VillageChecklist(QWidget):
    """A team's villages: pick a township, tick its villages; ticks in other townships
    stay. A village missing from the divisions can be added by name under the township."""

    sig_changed = Signal()

    def __init__(self, lang: str = "zh", parent: QWidget | None = None,
                 list_height: int = 180, allow_local: bool = True) -> None:
        super().__init__(parent)
        self.lang = lang
        self.divisions = dv.shipped()
        self.county: dv.Division | None = None
        self._checked: dict[str, dv.Division] = {}
        self._local: dict[str, dv.Division] = {}  # added here or already known (by code)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        row = QHBoxLayout()
        self.township = TypeAheadCombo()
        self.township.setMinimumWidth(140)
        self.township.currentIndexChanged.connect(self._show_township)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("查找村名"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        row.addWidget(self.township, 3)
        row.addWidget(self.filter, 2)
        layout.addLayout(row)
        self.views = QStackedWidget()  # the checklist, or what to do first
        self.list = QListWidget()
        self.list.setMinimumHeight(list_height)
        # Villages in columns (a township has 10-40): more of them in sight at once.
        self.list.setFlow(QListView.Flow.TopToBottom)
        self.list.setWrapping(True)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setSpacing(2)
        self.list.itemChanged.connect(self._item_changed)
        self.empty = empty_state(self.tr("先选择县（区）和乡镇，再勾选所驻的村。"))
        self.empty.setMinimumHeight(list_height)
        self.views.addWidget(self.list)
        self.views.addWidget(self.empty)
        layout.addWidget(self.views, 1)

        add_row = QHBoxLayout()
        self.add_toggle = QPushButton(self.tr("名单里没有的村…"))
        self.add_toggle.setToolTip(self.tr("统计用区划代码里没有的村（自然村、新安置社区），按名称添加到所选乡镇"))
        self.add_toggle.clicked.connect(self._open_add)
        self.add_toggle.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.add_edit = QLineEdit()
        self.add_edit.setPlaceholderText(self.tr("村名，如 于家窑村"))
        self.add_edit.returnPressed.connect(self.add_local)
        self.add_button = QPushButton(self.tr("添加"))
        self.add_button.clicked.connect(self.add_local)
        add_row.addWidget(self.add_toggle)
        add_row.addWidget(self.add_edit, 1)
        add_row.addWidget(self.add_button)
        self.add_stretch = QWidget()  # keeps the button at its size while the field is hidden
        add_row.addWidget(self.add_stretch, 1)
        layout.addLayout(add_row)
        self.add_edit.hide()
        self.add_button.hide()
        self.add_toggle.setVisible(allow_local)
        self.error = field_error()
        layout.addWidget(self.error)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.set_county(None)

    # ------------------------------------------------------------------ state

    def set_county(self, county: dv.Division | None) -> None:
        """Show the townships of ``county``; ticks of another county are dropped."""
        if county is not None and self.county is not None and county.code != self.county.code:
            self._checked.clear()
        self.county = county
        townships = self.divisions.townships(county.code) if county is not None else []
        self.township.set_items(((t.name, t.code) for t in townships), self.tr("乡镇"))
        self.township.setEnabled(bool(townships))
        self.filter.setEnabled(bool(townships))
        self.add_toggle.setEnabled(False)
        if townships:
            self.township.pick_code(townships[0].code)
        self._show_township()
        self._update_summary()

    def set_checked(self, villages: Sequence[dv.Division]) -> None:
        """Tick these villages (others are unticked); local ones are remembered."""
        self._checked = {v.code: v for v in villages}
        for v in villages:
            if v.local:
                self._local[v.code] = v
        if villages and villages[0].parent:
            self.township.pick_code(villages[0].parent)
        self._show_township()
        self._update_summary()

    def add_known_local(self, villages: Iterable[dv.Division]) -> None:
        """Villages added earlier (the home's or the server's own), listed under their
        townships."""
        for v in villages:
            self._local[v.code] = v
        self._show_township()

    def checked(self) -> list[dv.Division]:
        """The ticked villages, by code."""
        return [self._checked[c] for c in sorted(self._checked)]

    def local_villages(self) -> list[dv.Division]:
        """Every village added by name (ticked or not)."""
        return list(self._local.values())

    def show_error(self, message: str | None) -> None:
        """Show a one-sentence error under the list (None: clear it)."""
        self.error.setText(message or "")
        self.error.setVisible(bool(message))

    # ------------------------------------------------------------------ list

    def _villages_of(self, township: str) -> list[dv.Division]:
        shipped = self.divisions.villages(township)
        local = sorted((v for v in self._local.values() if v.parent == township),
                       key=lambda v: v.code)
        return shipped + local

    def _show_township(self) -> None:
        code = self.township.code()
        self.add_toggle.setEnabled(code is not None)
        with QSignalBlocker(self.list):
            self.list.clear()
            if code is not None:
                for v in self._villages_of(code):
                    text = v.short + (self.tr("（自行添加）") if v.local else "")
                    item = QListWidgetItem(text)
                    item.setData(_CODE_ROLE, v.code)
                    item.setToolTip(f"{v.name} · {v.code}")
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setCheckState(Qt.CheckState.Checked if v.code in self._checked
                                       else Qt.CheckState.Unchecked)
                    self.list.addItem(item)
        self.views.setCurrentWidget(self.list if code is not None else self.empty)
        self._apply_filter(self.filter.text())

    def _apply_filter(self, text: str) -> None:
        text = text.strip()
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setHidden(bool(text) and text not in item.text())

    def _item_changed(self, item: QListWidgetItem) -> None:
        code = item.data(_CODE_ROLE)
        if item.checkState() == Qt.CheckState.Checked:
            found = self.divisions.get(code) or self._local.get(code)
            if found is not None:
                self._checked[code] = found
        else:
            self._checked.pop(code, None)
        self.show_error(None)
        self._update_summary()
        self.sig_changed.emit()

    def _update_summary(self) -> None:
        villages = self.checked()
        if not villages:
            self.summary.setText(self.tr("还没有勾选村。"))
            return
        names = []
        for v in villages:
            township = self.divisions.get(v.parent or "")
            names.append(f"{v.short}（{township.short}）" if township else v.short)
        self.summary.setText(self.tr("已选 {n} 个村：{names}").format(
            n=len(villages), names="、".join(names)))

    # ------------------------------------------------------------------ local villages

    def _open_add(self) -> None:
        self.add_stretch.hide()
        self.add_edit.show()
        self.add_button.show()
        self.add_edit.setFocus()

    def add_local(self) -> None:
        """Add the typed village under the shown township, ticked."""
        township = self.township.code()
        name = "".join(self.add_edit.text().split())
        if township is None:
            self.show_error(self.tr("请先选择乡镇"))
            return
        if not name:
            self.show_error(self.tr("请填写村名"))
            self.add_edit.setFocus()
            return
        wanted = dv.normalize(dv.short_name(name))
        hit = next((v for v in self._villages_of(township)
                    if dv.normalize(v.short) == wanted), None)
        if hit is not None:
            # Already listed (shipped or added): tick it instead of making a twin.
            self._checked[hit.code] = hit
            self.add_edit.clear()
            self._show_township()
            self._update_summary()
            self.sig_changed.emit()
            return
        taken = {v.code: v.name for v in self._villages_of(township)}
        try:
            village = dv.local_village(township, name, taken=taken)
        except ValueError:
            self.show_error(self.tr("这个乡镇已不能再添加村"))
            return
        self._local[village.code] = village
        self._checked[village.code] = village
        self.add_edit.clear()
        self.show_error(None)
        self._show_township()
        self._update_summary()
        self.sig_changed.emit()

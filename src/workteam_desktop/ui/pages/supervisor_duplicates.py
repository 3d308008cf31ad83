"""重复农户 (supervisor mode): households that may be the same family kept by two teams,
side by side; a person picks, field by field, which value to keep and merges them, or
says they are not duplicates. The merge is an ordinary write (it syncs), with a record
of who merged what kept in the history below."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain import catalogues as cat
from ...domain.entities import spec
from ...store.duplicates import (
    REASON_LABELS,
    DuplicatePair,
    MergeResult,
    compare_pair,
    dismiss_pair,
    find_duplicates,
    merge_households,
)
from ..columns import fit_columns_to_text
from ..context import AppContext
from ..models.sortable import Col, SortableModel
from ..widgets import accent_button, empty_state, page_title
from .base import Page
from .supervisor_overview import sortable_view

HOUSEHOLD_FIELDS = spec("household").by_name

_CHOSEN = QColor("#dcebff")
SIDE_A, SIDE_B = "a", "b"


def _cell(text: str, *, bold: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if bold:
        font = QFont()
        font.setBold(True)
        item.setFont(font)
    return item


class SupervisorDuplicatesPage(Page):
    """The pairs on top; below, the chosen pair side by side with its members, the choices,
    and merge / not-duplicates."""

    name = "duplicates"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(page_title(self.tr("重复农户")))
        self.count_label = QLabel()
        self.count_label.setObjectName("tileLabel")
        head.addSpacing(12)
        head.addWidget(self.count_label)
        head.addStretch(1)
        self.refresh_button = QPushButton(self.tr("重新查找"))
        self.refresh_button.clicked.connect(self.reload)
        head.addWidget(self.refresh_button)
        layout.addLayout(head)

        self.pairs_model = SortableModel([
            Col(self.tr("依据")), Col(self.tr("农户甲")), Col(self.tr("村（社区）甲")),
            Col(self.tr("工作队甲")), Col(self.tr("农户乙")), Col(self.tr("村（社区）乙")),
            Col(self.tr("工作队乙"))], self)
        self.pairs = sortable_view(self.pairs_model, stretch=6)
        self.pairs.selectionModel().currentRowChanged.connect(
            lambda current, _prev: self.show_pair(current.row()))

        self.compare = QTableWidget(0, 3)
        self.compare.setHorizontalHeaderLabels([self.tr("项目"), self.tr("甲"), self.tr("乙")])
        self.compare.verticalHeader().hide()
        self.compare.verticalHeader().setDefaultSectionSize(26)
        self.compare.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.compare.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # 项目 as wide as its longest name in the language shown; 甲 and 乙 share the rest.
        header = self.compare.horizontalHeader()
        fit_columns_to_text(self.compare)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.compare.cellClicked.connect(self._cell_clicked)

        self.members_a = self._members_table()
        self.members_b = self._members_table()
        self.counts_a = QLabel()
        self.counts_b = QLabel()
        members = QWidget()
        mlayout = QVBoxLayout(members)
        mlayout.setContentsMargins(0, 0, 0, 0)
        self.members_title_a = QLabel(self.tr("甲的家庭成员"))
        self.members_title_b = QLabel(self.tr("乙的家庭成员"))
        for title, table, counts in ((self.members_title_a, self.members_a, self.counts_a),
                                     (self.members_title_b, self.members_b, self.counts_b)):
            title.setStyleSheet("font-weight: bold;")
            mlayout.addWidget(title)
            mlayout.addWidget(table, 1)
            counts.setObjectName("tileLabel")
            counts.setWordWrap(True)
            mlayout.addWidget(counts)

        actions = QHBoxLayout()
        hint = QLabel(self.tr("点甲或乙的格子选择保留哪个值（蓝底为选中）。保留的档案："))
        hint.setObjectName("tileLabel")
        actions.addWidget(hint)
        self.keep_a = QRadioButton(self.tr("甲"))
        self.keep_b = QRadioButton(self.tr("乙"))
        self.keep_group = QButtonGroup(self)
        self.keep_group.addButton(self.keep_a)
        self.keep_group.addButton(self.keep_b)
        self.keep_a.setChecked(True)
        actions.addWidget(self.keep_a)
        actions.addWidget(self.keep_b)
        actions.addStretch(1)
        self.dismiss_button = QPushButton(self.tr("不是重复"))
        self.dismiss_button.clicked.connect(self.dismiss)
        self.merge_button = accent_button(self.tr("合并…"))
        self.merge_button.clicked.connect(self.ask_merge)
        actions.addWidget(self.dismiss_button)
        actions.addWidget(self.merge_button)

        detail = QWidget()
        dlayout = QVBoxLayout(detail)
        dlayout.setContentsMargins(0, 0, 0, 0)
        side = QSplitter(Qt.Orientation.Horizontal)
        side.addWidget(self.compare)
        side.addWidget(members)
        side.setSizes([640, 520])
        dlayout.addWidget(side, 1)
        dlayout.addLayout(actions)

        self.empty = empty_state(self.tr(
            "没有发现疑似重复的农户。\n导入各工作队的数据包后，这里会列出身份证号相同或同村同名的农户。"))
        self.body = QSplitter(Qt.Orientation.Vertical)
        self.body.addWidget(self.pairs)
        self.body.addWidget(detail)
        self.body.setSizes([180, 480])
        layout.addWidget(self.body, 1)
        layout.addWidget(self.empty, 1)
        self.empty.hide()

        self.pair_list: list[DuplicatePair] = []
        self.current: dict[str, Any] | None = None
        self.choices: dict[str, str] = {}  # field → SIDE_A | SIDE_B
        self._stale = True
        ctx.sig_data_changed.connect(self._data_changed)
        self._set_enabled(False)

    def _members_table(self) -> QTableWidget:
        table = QTableWidget(0, 4)
        table.setHorizontalHeaderLabels([self.tr("姓名"), self.tr("关系"), self.tr("出生日期"),
                                         self.tr("身份证号")])
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(24)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        fit_columns_to_text(table, stretch_column=3)
        return table

    def title(self) -> str:
        return self.tr("重复农户")

    def activate(self, **params: Any) -> None:
        if self._stale:
            self.reload()

    def _data_changed(self, entities: set[str]) -> None:
        if entities & {"household", "member"}:
            self._stale = True

    def _set_enabled(self, on: bool) -> None:
        for w in (self.merge_button, self.dismiss_button, self.keep_a, self.keep_b):
            w.setEnabled(on)

    # ------------------------------------------------------------------ pairs

    def reload(self) -> None:
        """Look for duplicates off the GUI thread."""
        self._stale = False
        self.count_label.setText(self.tr("正在查找…"))
        self.ctx.tasks.run(find_duplicates, self.ctx.store, done=self.show_pairs)

    def show_pairs(self, pairs: list[DuplicatePair]) -> None:
        """List the pairs and open the first."""
        self.pair_list = pairs
        lang = 1 if self.ctx.lang.startswith("en") else 0
        self.pairs_model.set_rows(
            [["、".join(REASON_LABELS[r][lang] for r in p.reasons), p.a_label, p.a_village,
              p.a_team, p.b_label, p.b_village, p.b_team] for p in pairs],
            pairs, [{0: "red"} if p.reasons[0] != "name_village" else {} for p in pairs])
        self.count_label.setText(self.tr("共 %Ln 对疑似重复", "", len(pairs)))
        self.body.setVisible(bool(pairs))
        self.empty.setVisible(not pairs)
        self.current = None
        self._set_enabled(False)
        if pairs:
            self.pairs.setCurrentIndex(self.pairs_model.index(0, 0))
            self.show_pair(0)

    def show_pair(self, row: int) -> None:
        """Load the pair on ``row`` side by side."""
        pair = self.pairs_model.payload(row)
        if pair is None:
            return
        self.ctx.tasks.run(compare_pair, self.ctx.store, pair.a, pair.b, lang=self.ctx.lang,
                           done=self._show_compare)

    def _show_compare(self, view: dict[str, Any]) -> None:
        self.current = view
        a, b = view["a"], view["b"]
        # By default each field keeps the kept record's value, and the record with more
        # visits is kept (less to move).
        keep = SIDE_B if b["visits"] > a["visits"] else SIDE_A
        (self.keep_b if keep == SIDE_B else self.keep_a).setChecked(True)
        self.choices = {name: keep for name, _label in view["fields"]}
        rows = [(self.tr("工作队"), a["team"], b["team"], None)]
        rows += [(self._field_label(name, label), a["shown"][name], b["shown"][name], name)
                 for name, label in view["fields"]]
        self.compare.setRowCount(len(rows))
        for i, (label, left, right, name) in enumerate(rows):
            differs = name in view["differs"]
            self.compare.setItem(i, 0, _cell(label, bold=differs))
            self.compare.setItem(i, 1, _cell(left))
            self.compare.setItem(i, 2, _cell(right))
            self.compare.item(i, 0).setData(Qt.ItemDataRole.UserRole, name)
            if differs:
                self.compare.item(i, 0).setForeground(QBrush(QColor("#b06d00")))
        self._paint_choices()
        for table, side in ((self.members_a, a), (self.members_b, b)):
            table.setRowCount(len(side["members"]))
            for i, m in enumerate(side["members"]):
                relation = cat.RELATIONS.label(m["relation"], self.ctx.lang) if m.get(
                    "relation") else m["relation_label"]
                for j, text in enumerate((m["name"], relation, m["birth_date"] or "",
                                          m["id_number_shown"])):
                    table.setItem(i, j, _cell(str(text)))
        self.members_title_a.setText(self.tr("甲 {label} 的家庭成员").format(label=a["label"]))
        self.members_title_b.setText(self.tr("乙 {label} 的家庭成员").format(label=b["label"]))
        self.counts_a.setText(self._counts_text(a))
        self.counts_b.setText(self._counts_text(b))
        self._set_enabled(True)

    def _field_label(self, name: str, chinese: str) -> str:
        """A compared field's name in the language shown (the store names it in Chinese)."""
        if not self.ctx.lang.startswith("en"):
            return chinese
        if name == "village":
            return self.tr("村（社区）/网格")
        field = HOUSEHOLD_FIELDS.get(name)
        return field.label("en") if field is not None else chinese

    def _counts_text(self, side: dict[str, Any]) -> str:
        c = side["counts"]
        return self.tr("走访 {visits} 次 · 急难诉求 {needs} 件 · 帮扶措施 {assistance} 项 · "
                       "收入 {income} 年 · 权益 {rights} 项").format(
            visits=c["visit_household"], needs=c["urgent_need"], assistance=c["assistance_record"],
            income=c["income"], rights=c["rights_item"])

    def _cell_clicked(self, row: int, column: int) -> None:
        name = self.compare.item(row, 0).data(Qt.ItemDataRole.UserRole)
        if name and column in (1, 2):
            self.choose(name, SIDE_A if column == 1 else SIDE_B)

    def choose(self, field: str, side: str) -> None:
        """Keep ``side``'s value of ``field``."""
        self.choices[field] = side
        self._paint_choices()

    def _paint_choices(self) -> None:
        for row in range(self.compare.rowCount()):
            name = self.compare.item(row, 0).data(Qt.ItemDataRole.UserRole)
            for column, side in ((1, SIDE_A), (2, SIDE_B)):
                item = self.compare.item(row, column)
                chosen = name is not None and self.choices.get(name) == side
                item.setBackground(QBrush(_CHOSEN) if chosen else QBrush())
                text = item.text().removeprefix("✔ ")
                item.setText(f"✔ {text}" if chosen else text)

    # ------------------------------------------------------------------ actions

    def merge_plan(self) -> tuple[str, str, dict[str, str]]:
        """(kept id, merged id, field choices as "kept"/"merged") from the widgets."""
        assert self.current is not None
        kept_side = SIDE_A if self.keep_a.isChecked() else SIDE_B
        kept, merged = ((self.current["a"]["id"], self.current["b"]["id"]) if kept_side == SIDE_A
                        else (self.current["b"]["id"], self.current["a"]["id"]))
        return kept, merged, {name: "kept" if side == kept_side else "merged"
                              for name, side in self.choices.items()}

    def ask_merge(self) -> None:
        """Confirm, then merge off the GUI thread."""
        if self.current is None:
            return
        kept, merged, choices = self.merge_plan()
        kept_label = self.current["a" if kept == self.current["a"]["id"] else "b"]["label"]
        merged_label = self.current["a" if merged == self.current["a"]["id"] else "b"]["label"]
        answer = QMessageBox.question(
            self, self.tr("合并农户"),
            self.tr("把 {merged} 合并到 {kept}？\n{merged} 的家庭成员、收入、走访、权益、帮扶等记录"
                    "都转到 {kept}，{merged} 的档案随后删除。合并记录会保留。").format(
                        merged=merged_label, kept=kept_label),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Yes:
            self.merge(kept, merged, choices)

    def merge(self, kept: str, merged: str, choices: dict[str, str]) -> None:
        """Merge now (no question asked)."""
        self._set_enabled(False)
        self.ctx.tasks.run(merge_households, self.ctx.store, kept, merged, choices,
                           done=self._merged, failed=self._failed)

    def _merged(self, result: MergeResult) -> None:
        self.count_label.setText(self.tr("已合并，转移记录 {n} 条").format(
            n=f"{sum(result.moved.values()):,}"))
        self.ctx.data_changed("household", "member", "income", "visit_household", "urgent_need",
                              "rights_item", "assistance_record")
        self.reload()

    def _failed(self, error: BaseException) -> None:
        self._set_enabled(self.current is not None)
        QMessageBox.warning(self, self.tr("合并没有完成"),
                            self.tr("合并没有完成，数据未改动：{error}").format(error=error))

    def dismiss(self) -> None:
        """Remember the current pair as not duplicates."""
        if self.current is None:
            return
        self._set_enabled(False)
        self.ctx.tasks.run(dismiss_pair, self.ctx.store, self.current["a"]["id"],
                           self.current["b"]["id"], done=lambda _r: self.reload())

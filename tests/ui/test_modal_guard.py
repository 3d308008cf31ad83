"""The GUI tests' guard against modal boxes nobody expects (tests/ui/conftest.py): such a
box fails the test with its text instead of waiting offscreen for a click forever."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox


def test_an_unexpected_message_box_fails_the_test_with_its_text(qapp: QApplication) -> None:
    # Without the guard the box would open: closed after 2 s so that this test fails
    # instead of hanging.
    QTimer.singleShot(2000, lambda: [w.close() for w in qapp.topLevelWidgets()
                                     if isinstance(w, QMessageBox)])
    with pytest.raises(AssertionError, match=r"QMessageBox\.critical: 升级失败 / 数据目录未改动"):
        QMessageBox.critical(None, "升级失败", "数据目录未改动")


def test_a_test_that_expects_a_box_answers_it_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    assert QMessageBox.question(None, "删除", "确定删除？") == QMessageBox.StandardButton.Yes

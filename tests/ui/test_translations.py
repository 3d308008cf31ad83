"""The English translation (resources/i18n/workteam_en.ts / .qm): complete, placeholders
kept, the compiled .qm current, every tr() string covered, and really used by the GUI.

After adding or changing a UI string run ``bash scripts/translations``, translate the new
entries in the .ts, run it again and commit both files.
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication
from ui_helpers import context_in, wait_for_tasks

from workteam_desktop.ui.context import AppContext
from workteam_desktop.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / "resources" / "i18n"
TS = I18N / "workteam_en.ts"
QM = I18N / "workteam_en.qm"
UI_SOURCES = ROOT / "src" / "workteam_desktop" / "ui"
BIN = Path(sys.executable).parent
# The same options as scripts/translations.
LUPDATE_OPTIONS = ["-source-language", "zh_CN", "-target-language", "en_US",
                   "-locations", "none", "-no-obsolete"]
FIX = "run `bash scripts/translations`, translate the new entries and commit the .ts and .qm"

PLACEHOLDER = re.compile(r"\{[^{}]*\}|%L?\d+")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def messages(ts: Path) -> list[tuple[str, str, ET.Element | None]]:
    """(context, source, translation element) of every message in ``ts``."""
    found = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            found.append((name, message.findtext("source") or "", message.find("translation")))
    return found


def tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.skip(f"{name} is not installed next to the Python interpreter")
    return str(path)


def translated_text(translation: ET.Element | None) -> str:
    """A translation's text; for a plural one (%n) its forms, joined."""
    if translation is None:
        return ""
    forms = translation.findall("numerusform")
    if forms:
        return " | ".join((f.text or "").strip() for f in forms if (f.text or "").strip())
    return translation.text or ""


def test_every_string_is_translated() -> None:
    problems = []
    for context, source, translation in messages(TS):
        if translation is None or translation.get("type") in ("unfinished", "obsolete",
                                                              "vanished"):
            problems.append(f"{context}: {source!r} is not translated")
        elif not translated_text(translation).strip():
            problems.append(f"{context}: {source!r} has an empty translation")
        elif translation.findall("numerusform") and any(
                "%n" not in (f.text or "") and "%Ln" not in (f.text or "")
                for f in translation.findall("numerusform")):
            problems.append(f"{context}: a plural form of {source!r} lacks its %n")
    assert not problems, "\n".join(problems)


def test_placeholders_are_kept() -> None:
    problems = []
    for context, source, translation in messages(TS):
        text = translated_text(translation)
        for placeholder in sorted(set(PLACEHOLDER.findall(source))):
            if placeholder not in text:
                problems.append(f"{context}: {placeholder} of {source!r} is missing in {text!r}")
        extra = set(PLACEHOLDER.findall(text)) - set(PLACEHOLDER.findall(source))
        if extra:
            problems.append(f"{context}: {text!r} has placeholders not in {source!r}: {extra}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", ["workteam_en", "qt_gaps_zh_CN"])
def test_every_compiled_qm_is_up_to_date(tmp_path: Path, name: str) -> None:
    ts, qm = TS.with_name(f"{name}.ts"), QM.with_name(f"{name}.qm")
    out = tmp_path / qm.name
    subprocess.run([tool("pyside6-lrelease"), str(ts), "-qm", str(out)],
                   check=True, capture_output=True)
    current = qm.exists() and qm.read_bytes() == out.read_bytes()
    assert current, f"{qm.name} does not match {ts.name}: {FIX}"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_only_compiled_catalogues_translate(qapp: QApplication, lang: str,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Qt asks the translators from any thread, also while holding its own locks (an image
    plugin's error text on a thumbnail thread): a translator written in Python needs the
    GIL there and deadlocked a GUI test. Every installed translator is a compiled .qm."""
    from PySide6.QtCore import QTranslator

    from workteam_desktop.ui.app import install_translators

    installed: list[QTranslator] = []
    monkeypatch.setattr(qapp, "installTranslator", installed.append)
    install_translators(qapp, lang)
    assert installed and all(type(t) is QTranslator for t in installed)
    assert all(t.filePath().endswith(".qm") for t in installed)
    if lang == "zh":
        assert [t.translate("QFileDialog", "&Look in:") for t in installed][-1] == "查找范围(&L)："


def test_translation_covers_every_tr_string(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.ts"
    sources = sorted(str(p) for p in UI_SOURCES.rglob("*.py"))
    subprocess.run([tool("pyside6-lupdate"), *sources, *LUPDATE_OPTIONS, "-ts", str(fresh)],
                   check=True, capture_output=True)
    wanted = {(c, s) for c, s, _ in messages(fresh)}
    have = {(c, s) for c, s, _ in messages(TS)}
    new = sorted(wanted - have)
    gone = sorted(have - wanted)
    assert not new and not gone, (
        f"{TS.name} is out of date with the tr() strings in the code: {FIX}.\n"
        + "".join(f"  new: {c}: {s!r}\n" for c, s in new)
        + "".join(f"  no longer used: {c}: {s!r}\n" for c, s in gone))


@pytest.fixture
def en_ctx(qapp: QApplication, ui_home: Path) -> Iterator[AppContext]:
    """An English AppContext; afterwards the app is Chinese again for the other tests."""
    with context_in(qapp, ui_home, "en") as context:
        yield context


def test_households_page_is_english(qtbot, en_ctx: AppContext) -> None:
    window = MainWindow(en_ctx)
    qtbot.addWidget(window)
    window.show()
    window.show_page("households")
    wait_for_tasks(qtbot, en_ctx)
    page = window.page("households")
    assert page.title() == "Households"
    model = page.model
    headers = [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in
               range(model.columnCount())]
    assert headers[:2] == ["No.", "Head"]
    assert not [h for h in headers if CJK.search(h)], headers
    assert page.clear_button.text() == "Clear filters"
    qtbot.waitUntil(lambda: page.count_label.text().endswith("households"))
    assert not CJK.search(page.count_label.text())


def test_navigation_is_english(qtbot, en_ctx: AppContext) -> None:
    window = MainWindow(en_ctx)
    qtbot.addWidget(window)
    window.show()
    wait_for_tasks(qtbot, en_ctx)
    nav = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert nav[:2] == ["Home", "Households"]
    assert not [t for t in nav if CJK.search(t)], nav
    assert not CJK.search(window.windowTitle())


def test_counts_take_the_english_plural(qtbot, en_ctx: AppContext) -> None:
    """"1 people", "1 urgent needs open" (issue 15): counts go through Qt's plural forms."""

    def tr(context: str, text: str, n: int) -> str:
        return QCoreApplication.translate(context, text, "", n)

    assert tr("HouseholdDetailPage", "人口 %n 人", 1) == "1 person"
    assert tr("HouseholdDetailPage", "人口 %n 人", 4) == "4 people"
    assert tr("HouseholdDetailPage", "急难愁盼 %n 件未解决", 1) == "1 urgent need open"
    assert tr("DeliveriesPage", "覆盖 %Ln 人", 1130) == "1,130 people reached"
    # "1 rights unassigned", "Last 1 visits" (the household page's rights and visits tabs)
    assert tr("RightsTab", "权益悬空 %n 项", 1) == "1 right item unassigned"
    assert tr("VisitsTab", "最近 %n 次走访", 1) == "Last 1 visit"
    assert tr("VisitsTab", "未解决的急难愁盼 %n 件", 2) == "2 urgent needs open"
    # "1 households selected" in the 十送 dialog, found by driving it under Xvfb
    assert tr("DeliveryDialog", "已选 %n 户", 1) == "1 household selected"
    assert tr("SyncPage", "共 %Ln 条更改尚未同步", 12000) == "12,000 changes not yet synced"


def test_a_households_tabs_use_english_brackets(qtbot, en_ctx: AppContext) -> None:
    """"Members（1）" with full-width brackets in English (issue 15)."""
    from ui_helpers import open_page

    from workteam_desktop.store.households import list_households
    from workteam_desktop.ui.pages.household_detail import HouseholdDetailPage

    target = list_households(en_ctx.store, limit=1)[0]
    page = open_page(qtbot, en_ctx, HouseholdDetailPage, household=target["id"])
    titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    counted = [t for t in titles if "(" in t or "（" in t]
    assert counted and all("（" not in t and not CJK.search(t) for t in counted), titles


def test_the_keyring_message_is_english_in_an_english_window(qtbot, en_ctx: AppContext
                                                             ) -> None:
    """The 同步 page said "系统没有可用的密钥环…" in an English window (issue 15)."""
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring

    from workteam_desktop.ui.pages.sync import SyncPage

    keyring.set_keyring(FailKeyring())  # the autouse fixture restores the previous one
    page = SyncPage(en_ctx)
    qtbot.addWidget(page)
    page.activate()
    wait_for_tasks(qtbot, en_ctx)
    text = page.key_error.text()
    assert "keyring" in text and "gnome-keyring" in text, text
    assert not CJK.search(text), text

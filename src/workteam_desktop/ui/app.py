"""The desktop application: QApplication set-up (style, bundled font, translations),
the main window, and offscreen screenshots of a page."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QDir, QLibraryInfo, QLocale, QSettings, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication

from ..paths import resources_dir
from ..settings import LEGACY_KEYS, import_legacy, load_settings
from ..store import Store
from ..store.home import resolve_home
from ..store.setup import home_is_empty
from .context import AppContext
from .main_window import MainWindow

FONT_FILE = "fonts/wqy-microhei-gbk.ttf"
BASE_POINT_SIZE = 10.5  # UI.md: at least 10.5 pt (Windows' default is 9)


def settings_for(store: Store) -> QSettings:
    """GUI state (window size, last page) kept in the data home's gui.ini; what the user
    sets on the 设置 page is in settings.toml (settings.py). Values an earlier version kept
    in gui.ini move to settings.toml once."""
    qsettings = QSettings(str(store.home / "gui.ini"), QSettings.Format.IniFormat)
    legacy = {key: qsettings.value(key) for key in LEGACY_KEYS if qsettings.contains(key)}
    if legacy:
        try:
            import_legacy(store.home, legacy)
        except (OSError, ValueError):
            pass  # a read-only home: the defaults hold, gui.ini keeps the old values
        else:
            for key in legacy:
                qsettings.remove(key)
    return qsettings


def choose_lang(home: Path) -> str:
    """"zh" (default) or "en": the environment wins over settings.toml."""
    env = os.environ.get("WORKTEAM_LANG", "")
    if env:
        return "en" if env.startswith("en") else "zh"
    return load_settings(home).ui_lang


def setup_application(app: QApplication, lang: str) -> None:
    """Fusion style, the bundled CJK font, the style sheet and the translations."""
    app.setStyle("Fusion")
    app.setApplicationName("workteam")
    app.setDesktopFileName("workteam")  # ties windows to workteam.desktop (icon on Wayland)
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "workteam-256.png")))
    family = register_font()
    font = QFont(family) if family else app.font()
    font.setPointSizeF(BASE_POINT_SIZE)
    app.setFont(font)
    # The style sheet's arrow images: url(icons:arrow-down.png).
    QDir.setSearchPaths("icons", [str(resources_dir() / "icons")])
    qss = resources_dir() / "style.qss"
    if qss.exists():
        app.setStyleSheet(qss.read_text(encoding="utf-8"))
    install_translators(app, lang)


def register_font() -> str | None:
    """Register the shipped WenQuanYi Micro Hei so Chinese renders on any machine."""
    path = resources_dir() / FONT_FILE
    font_id = QFontDatabase.addApplicationFont(str(path))
    if font_id < 0:
        return None
    families = QFontDatabase.applicationFontFamilies(font_id)
    return families[0] if families else None


def install_translators(app: QApplication, lang: str) -> None:
    """English: our .qm; Chinese: Qt's own zh_CN strings for standard buttons and dialogs,
    and the ones it lacks (resources/i18n/qt_gaps_zh_CN.ts).

    Only compiled catalogues, no translator written in Python: Qt asks every translator
    from any thread, also while it holds its own locks (an image plugin's error text, read
    on a thumbnail thread). A Python one needs the GIL there, and a Python thread that
    holds the GIL and waits for that lock deadlocks the program (seen in a GUI test)."""
    translators: list[QTranslator] = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if lang == "en":
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        ours = QTranslator(app)
        if ours.load(str(resources_dir() / "i18n" / "workteam_en.qm")):
            translators.append(ours)
    else:
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        qt = QTranslator(app)
        if qt.load("qtbase_zh_CN", qt_dir):
            translators.append(qt)
        gaps = QTranslator(app)
        if gaps.load(str(resources_dir() / "i18n" / "qt_gaps_zh_CN.qm")):
            translators.append(gaps)  # installed last: asked first
    for translator in translators:
        app.installTranslator(translator)


def dates_follow_language(lang: str) -> None:
    """Qt's file dialog writes dates and sizes in the operating system's locale
    (QLocale::system): with none set (LANG=C on Linux) that is "6 12 2026 11:18" and
    "1 bytes", readable in neither language. Then the locale follows the program's
    language. Call before the QApplication is made (Qt reads the system locale once); a
    real system locale is left alone, and so is Windows (the user's own settings)."""
    if sys.platform == "win32" or os.environ.get("LC_ALL"):
        return
    if os.environ.get("LANG", "").split(".")[0] in ("", "C", "POSIX"):
        os.environ["LANG"] = "en_US.UTF-8" if lang == "en" else "zh_CN.UTF-8"


def open_window(home: str | None, *, styled: bool = False) -> tuple[QApplication, MainWindow]:
    """The application and main window on the data home ``home`` (``styled``: the
    application is set up already, by the first-run window)."""
    store = Store.open(home)
    lang = choose_lang(store.home)
    if QApplication.instance() is None:
        dates_follow_language(lang)
    app = QApplication.instance() or QApplication(sys.argv)
    settings = settings_for(store)
    if not styled:
        setup_application(app, lang)  # type: ignore[arg-type]
    ctx = AppContext(store, settings, lang)
    window = MainWindow(ctx)
    return app, window  # type: ignore[return-value]


def run(home: str | None, page: str | None = None) -> int:
    """Run the GUI until the last window closes. A new or empty data home shows the
    first-run window (连接服务器, 单机开始, 从数据包开始, 看看演示数据) instead of an empty main
    window; the main window opens on the home it ends with."""
    path = resolve_home(home)
    if not home_is_empty(path):
        from .recovery import prepare_home

        app = QApplication.instance() or QApplication(sys.argv)
        setup_application(app, choose_lang(path))  # type: ignore[arg-type]
        # Encrypt a plain home, ask for the recovery code when the keyring lost the key,
        # show a code nobody has confirmed keeping, ask for the lock password of a real
        # home that has none: before any record is read.
        if not prepare_home(path):
            return 1
        app, window = open_window(str(path), styled=True)
        _start(window, page)
        try:
            return app.exec()
        finally:
            window.store.close()

    from .first_run import FirstRunWindow

    if QApplication.instance() is None:
        dates_follow_language(choose_lang(path))
    app = QApplication.instance() or QApplication(sys.argv)
    setup_application(app, choose_lang(path))  # type: ignore[arg-type]
    first = FirstRunWindow(path, choose_lang(path),
                           server=load_settings(path).server_url)
    opened: list[MainWindow] = []

    def open_main(target: Path) -> None:
        from .recovery import prepare_home

        # The new home's recovery code, once; its lock password (not for a demo home).
        if not prepare_home(target, first):
            first.close()
            return
        _, window = open_window(str(target), styled=True)
        opened.append(window)
        _start(window, None)
        first.close()

    first.sig_done.connect(open_main)
    first.show()
    try:
        return app.exec()
    finally:
        for window in opened:
            window.store.close()


PRELOAD_AFTER_MS = 1500


def _preload_models() -> None:
    import importlib
    import threading

    # Imported on that thread, not here: the GUI thread does not wait for them.
    threading.Thread(target=importlib.import_module, args=("..store.read_session", __package__),
                     name="workteam-preload").start()


def _start(window: MainWindow, page: str | None) -> None:
    from .idle_lock import IdleLock

    # Left idle, the window hides every record behind the lock screen (设置 → 安全).
    window.idle_lock = IdleLock(  # type: ignore[attr-defined]
        window, window.store, lambda: window.ctx.app_settings.lock_minutes)
    window.show()
    window.show_page(page or window.start_page())
    # The ORM and the model classes are left out of the start-up (BENCHMARKS.md, GUI
    # start); once the window is up they load on a thread of their own, so the first
    # household opened does not wait for them.
    QTimer.singleShot(PRELOAD_AFTER_MS, _preload_models)
    # The day's first start keeps a backup; copying a county-sized file takes a while, so
    # it runs off the GUI thread.
    from ..store.backups import daily_backup_if_due

    window.ctx.tasks.run(daily_backup_if_due, window.store,
                         keep=window.ctx.app_settings.backup_keep)


def wait_idle(app: QApplication, window: MainWindow, timeout: float = 30.0) -> None:
    """Process events until no task runs (a page has loaded its data)."""
    deadline = time.monotonic() + timeout
    settled = 0
    while time.monotonic() < deadline:
        app.processEvents()
        if window.ctx.tasks.active_count == 0:
            settled += 1
            if settled > 5:  # a finished task may start a follow-up one
                return
        else:
            settled = 0
        time.sleep(0.02)


def screenshot(home: str | None, page: str, out: Path, size: tuple[int, int],
               params: dict[str, object]) -> int:
    """Render ``page`` offscreen at ``size`` into the PNG ``out``."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app, window = open_window(home)
    window.resize(*size)
    window.show()
    window.show_page(page, params)
    wait_idle(app, window)
    ok = window.grab().save(str(out))
    window.ctx.tasks.wait()
    window.store.close()
    return 0 if ok else 1

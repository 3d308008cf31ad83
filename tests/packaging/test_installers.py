"""What of the installers can be checked without building them (the build itself is
`make package-test`, too slow for every run): the bundle holds every data folder the program
reads, the Linux menu entry is valid, the icon exists in every size, the Windows installer
points at files that exist, and the screenshot check tells Chinese glyphs from boxes."""

from __future__ import annotations

import configparser
import importlib.util
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest
from PIL import Image

from workteam_desktop import paths
from workteam_desktop.store import migrate

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
ICONS = ROOT / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def load(name: str) -> ModuleType:
    """A module of packaging/ (a folder of scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(name, PACKAGING / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


layout = load("bundle_layout")
check_bundle = load("check_bundle")


def bundled() -> dict[str, str]:
    """File in the repository -> folder in the bundle, as the spec collects them."""
    return {Path(src).relative_to(ROOT).as_posix(): dest for src, dest in layout.data_files()}


# --- the one-folder bundle ------------------------------------------------------------------


def test_every_data_folder_the_program_reads_lands_where_it_looks_for_it() -> None:
    # In the bundle the program runs as an installed package: paths.py and migrate.py look
    # next to the package's modules, i.e. workteam_desktop/<folder>.
    src = ROOT / "src"
    wanted = {
        paths.resources_dir().relative_to(ROOT).as_posix(): "workteam_desktop/resources",
        paths.forms_dir().relative_to(ROOT).as_posix(): "workteam_desktop/forms",
        migrate.MIGRATIONS_DIR.relative_to(ROOT).as_posix():
            migrate.MIGRATIONS_DIR.relative_to(src).as_posix(),
    }
    assert dict(layout.DATA_FOLDERS) == wanted
    for source, _target in layout.DATA_FOLDERS:
        assert (ROOT / source).is_dir(), source


def test_the_bundle_holds_fonts_translations_forms_icons_and_every_migration() -> None:
    files = bundled()
    assert files["resources/fonts/wqy-microhei-gbk.ttf"] == "workteam_desktop/resources/fonts"
    assert files["resources/i18n/workteam_en.qm"] == "workteam_desktop/resources/i18n"
    assert files["resources/i18n/qt_gaps_zh_CN.qm"] == "workteam_desktop/resources/i18n"
    assert files["resources/style.qss"] == "workteam_desktop/resources"
    for size in SIZES:
        assert files[f"resources/icons/workteam-{size}.png"] == "workteam_desktop/resources/icons"
    migrations = "src/workteam_desktop/store/migrations"
    assert files[f"{migrations}/env.py"] == "workteam_desktop/store/migrations"
    versions = sorted((ROOT / migrations / "versions").glob("[0-9]*.py"))
    assert versions
    for script in versions:
        assert files[f"{migrations}/versions/{script.name}"] == "workteam_desktop/store/migrations/versions"
    forms = [p for p in (ROOT / "forms").rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert forms
    for form in forms:
        assert form.relative_to(ROOT).as_posix() in files
    # Caches and translation sources stay out.
    assert not [f for f in files if "__pycache__" in f or f.endswith((".pyc", ".ts"))]


def test_newest_migration_in_the_bundle_is_the_one_the_store_expects() -> None:
    # A bundle missing the newest script would fail every start with "升级失败".
    bundled_versions = [f for f in bundled() if "/migrations/versions/" in f]
    assert any(Path(f).name.startswith(f"{migrate.HEAD_REVISION}_") for f in bundled_versions)


@pytest.mark.parametrize(("dest", "unused"), [
    ("PySide6/Qt/plugins/platforms/libqxcb.so", False),
    ("PySide6/Qt/plugins/platforms/libqwayland.so", False),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", False),
    ("PySide6/plugins/platforms/qwindows.dll", False),
    ("PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so", False),
    ("PySide6/Qt/plugins/imageformats/libqjpeg.so", False),
    ("PySide6/Qt/plugins/platforms/libqvnc.so", True),
    ("PySide6/plugins/platforms/qvnc.dll", True),
    ("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so", True),
    ("PySide6/Qt/plugins/tls/libqopensslbackend.so", True),
    ("PySide6/Qt/lib/libQt6Core.so.6", False),
])
def test_only_plugins_the_program_never_loads_are_dropped(dest: str, unused: bool) -> None:
    assert layout.unused_plugin(dest) is unused


@pytest.mark.parametrize(("dest", "kept"), [
    ("PySide6/Qt/translations/qtbase_zh_CN.qm", True),
    ("PySide6/translations/qtbase_zh_CN.qm", True),
    ("PySide6/Qt/translations/qtbase_de.qm", False),
    ("workteam_desktop/resources/i18n/workteam_en.qm", True),
    ("workteam_desktop/resources/i18n/qt_gaps_zh_CN.qm", True),
])
def test_only_chinese_qt_catalogues_are_kept(dest: str, kept: bool) -> None:
    assert layout.keep_translation(dest) is kept


def test_spec_builds_the_gui_executable_the_windows_shortcuts_start() -> None:
    spec = (PACKAGING / "workteam.spec").read_text(encoding="utf-8")
    iss = (PACKAGING / "windows" / "workteam.iss").read_text(encoding="utf-8")
    assert 'name="workteam-gui", console=False' in spec
    shortcuts = [line for line in iss.splitlines() if line.startswith("Name: \"{auto")]
    assert len(shortcuts) == 2  # Start menu and desktop
    assert all('Filename: "{app}\\workteam-gui.exe"' in line for line in shortcuts)


# --- Windows installer ----------------------------------------------------------------------


def iss_section(name: str) -> list[str]:
    """The entry lines of one section of the Inno Setup script (comments left out)."""
    text = (PACKAGING / "windows" / "workteam.iss").read_text(encoding="utf-8")
    section = text.split(f"\n[{name}]\n", 1)[1].split("\n[", 1)[0]
    return [line for line in section.splitlines() if line.strip() and not line.startswith(";")]


def test_windows_installer_is_per_user_and_keeps_the_data_home_apart() -> None:
    setup = dict(line.split("=", 1) for line in iss_section("Setup"))
    assert setup["PrivilegesRequired"] == "lowest"
    assert setup["DefaultDirName"] == "{localappdata}\\Programs\\workteam"
    assert re.fullmatch(r"\{\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", setup["AppId"])
    icon = setup["SetupIconFile"].replace("{#Root}", str(ROOT)).replace("\\", "/")
    assert Path(icon).is_file()
    # The data home is %LOCALAPPDATA%\workteam (platformdirs), beside the program folder, not
    # in it; what the installer and uninstaller delete stays inside the program folder.
    deleted = iss_section("InstallDelete") + iss_section("UninstallDelete")
    assert deleted
    for line in deleted:
        assert 'Name: "{app}\\_internal' in line, line


# --- Linux menu entry -----------------------------------------------------------------------


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(PACKAGING / "linux" / "workteam.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_validates() -> None:
    validator = shutil.which("desktop-file-validate")
    assert validator, "desktop-file-validate missing: run bash packaging/system-deps.sh"
    done = subprocess.run([validator, str(PACKAGING / "linux" / "workteam.desktop")],
                          capture_output=True, text=True)
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def test_desktop_entry_starts_the_gui_under_the_programs_chinese_name() -> None:
    entry = desktop_entry()
    window = (ROOT / "src" / "workteam_desktop" / "ui" / "main_window.py").read_text(encoding="utf-8")
    title = re.search(r'setWindowTitle\(self\.tr\("([^"]+)"\)\)', window)
    assert title
    assert entry["Name[zh_CN]"] == title.group(1)
    assert entry["Exec"] == "workteam"  # no subcommand: the GUI
    assert entry["Icon"] == "workteam"
    assert entry["Terminal"] == "false"
    assert "Office" in entry["Categories"].split(";")
    # The running window is matched to this entry by the desktop file name set in ui/app.py.
    assert entry["StartupWMClass"] == "workteam"


# --- icon -------------------------------------------------------------------------------------


def test_icon_exists_in_every_size() -> None:
    root = ET.parse(ICONS / "workteam.svg").getroot()
    assert root.get("viewBox") == "0 0 256 256"
    for size in SIZES:
        with Image.open(ICONS / f"workteam-{size}.png") as image:
            assert image.size == (size, size)
            assert image.mode == "RGBA"
            corner, centre = image.getpixel((0, 0)), image.getpixel((size // 2, size // 2))
            assert corner[3] == 0 and centre[3] == 255  # rounded, transparent corners
    with Image.open(ICONS / "workteam.ico") as ico:
        assert set(ico.info["sizes"]) >= {(s, s) for s in (16, 32, 48, 256)}


def test_application_window_icon_is_set(qapp) -> None:  # type: ignore[no-untyped-def]
    from workteam_desktop.ui.app import setup_application

    setup_application(qapp, "zh")
    icon = qapp.windowIcon()
    assert not icon.isNull()
    assert icon.pixmap(32, 32).width() == 32


# --- the screenshot check of `make package-test` --------------------------------------------

NAV = ["首页", "农户档案", "走访日志", "十送行动", "帮扶记录", "信息采集", "报表", "同步", "设置"]


def fake_page(path: Path, boxes: bool) -> Path:
    """A page with the dark navigation column, its labels drawn as glyphs or as boxes."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QColor, QFont, QFontDatabase, QImage, QPainter

    font_id = QFontDatabase.addApplicationFont(str(paths.resources_dir() / "fonts" / "wqy-microhei-gbk.ttf"))
    family = QFontDatabase.applicationFontFamilies(font_id)[0]
    image = QImage(*check_bundle.SIZE, QImage.Format.Format_RGB32)
    image.fill(QColor("#f5f8fb"))
    painter = QPainter(image)
    painter.fillRect(QRect(0, 0, 150, image.height()), QColor("#24364b"))
    for x in range(160, image.width(), 7):  # some table-like colour so the page is not blank
        painter.fillRect(QRect(x, 100, 3, 500), QColor(x % 256, 120, 200))
    painter.setPen(QColor("#dfe7ef"))
    painter.setFont(QFont(family, 11))
    for row, label in enumerate(NAV):
        top = 14 + row * 38
        if boxes:
            for i in range(len(label)):
                painter.drawRect(QRect(20 + i * 16, top, 13, 15))
        else:
            painter.drawText(QRect(20, top, 120, 24), Qt.AlignmentFlag.AlignLeft, label)
    painter.end()
    image.save(str(path))
    return path


def test_screenshot_check_passes_real_glyphs(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert check_bundle.glyph_problems(fake_page(tmp_path / "glyphs.png", boxes=False)) == []


def test_screenshot_check_catches_chinese_drawn_as_boxes(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    problems = check_bundle.glyph_problems(fake_page(tmp_path / "boxes.png", boxes=True))
    assert any("font is missing" in p for p in problems), problems


def test_screenshot_check_catches_a_blank_page(tmp_path: Path) -> None:
    blank = tmp_path / "blank.png"
    Image.new("RGB", check_bundle.SIZE, "white").save(blank)
    problems = check_bundle.glyph_problems(blank)
    assert any("blank" in p for p in problems) and any("text lines" in p for p in problems)


def _run_linux_installer(tmp_path: Path, keyring_program: str | None) -> str:
    """install.sh from a stand-in bundle into a throwaway HOME, with a PATH that holds
    only the tools it uses (and, when given, a keyring daemon)."""
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "workteam").write_text("#!/bin/sh\n")
    (bundle / "workteam").chmod(0o755)
    tools = tmp_path / "bin"
    tools.mkdir()
    for name in ("bash", "cp", "mkdir", "ln", "rm", "install", "sed", "dirname", "basename",
                 "id", "cat", "pwd"):
        found = shutil.which(name)
        assert found, name
        (tools / name).symlink_to(found)
    if keyring_program:
        (tools / keyring_program).write_text("#!/bin/sh\n")
        (tools / keyring_program).chmod(0o755)
    home = tmp_path / "home"
    home.mkdir()
    done = subprocess.run(
        ["bash", str(ROOT / "packaging/linux/install.sh"), str(bundle)],
        env={"HOME": str(home), "PATH": str(tools)}, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert (home / ".local/bin/workteam").exists()
    return done.stdout


def test_linux_installer_says_when_no_keyring_can_keep_the_login(tmp_path: Path) -> None:
    """Issue 15: nothing told a Debian desktop user beforehand that the keyring was missing."""
    out = _run_linux_installer(tmp_path, None)
    assert "密钥环" in out and "sudo apt install gnome-keyring" in out


def test_linux_installer_is_quiet_about_the_keyring_when_one_is_there(tmp_path: Path) -> None:
    out = _run_linux_installer(tmp_path, "gnome-keyring-daemon")
    assert "密钥环" not in out and "workteam installed" in out

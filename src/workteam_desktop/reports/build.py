"""Build a report into a PDF (and optionally an Excel workbook) without leaving a
half-written file: everything is written to temporary files in the target folder and
renamed into place only when complete. A failed or cancelled build leaves nothing."""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..store.store import Store
from .base import BuildContext, Progress, ProgressFn, ReportError, ReportRequest, ReportResult
from .layout import build_pdf
from .styles import cn_date

_MODULES = {
    "visits": "visit_report",
    "household": "household_file",
    "quarter": "quarterly",
    "wallchart": "wallchart",
    "rights": "rights",
    "assessment": "assessment",
}
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def reports_dir(home: Path) -> Path:
    """Where the 报表 page keeps the reports it builds: ``<data home>/reports``."""
    return Path(home) / "reports"


def list_reports(folder: Path, limit: int = 30) -> list[dict[str, object]]:
    """The PDFs in ``folder``, newest first: path, name, modified (datetime), size."""
    try:
        entries = [e for e in os.scandir(folder)
                   if e.is_file() and e.name.lower().endswith(".pdf") and not e.name.startswith(".")]
    except FileNotFoundError:
        return []
    entries.sort(key=lambda e: e.stat().st_mtime, reverse=True)
    return [{"path": Path(e.path), "name": e.name, "size": e.stat().st_size,
             "modified": dt.datetime.fromtimestamp(e.stat().st_mtime)} for e in entries[:limit]]


def safe_filename(name: str) -> str:
    """``name`` with the characters Windows refuses in file names replaced."""
    return _UNSAFE.sub("_", name).strip("._") or "报表"


def check_writable(path: Path) -> None:
    """Refuse an output path that cannot be written, before any work is done."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise ReportError(f"“{path}”是一个文件夹，请给出文件名，例如 {path / '报表.pdf'}")
    if not folder.is_dir():
        raise ReportError(f"无法写入“{path}”：文件夹“{folder}”不存在，请先建好或换一个位置")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ReportError(f"无法写入“{path}”：没有写入文件夹“{folder}”的权限，请换一个位置")
    if path.exists() and not os.access(path, os.W_OK):
        raise ReportError(f"无法覆盖“{path}”：文件是只读的，请换一个文件名")


@contextlib.contextmanager
def atomic_files(targets: list[Path]) -> Iterator[list[Path]]:
    """Temporary paths beside ``targets``; renamed onto them when the block succeeds,
    deleted when it fails."""
    temps: list[Path] = []
    try:
        for target in targets:
            fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}.",
                                        suffix=".part")
            os.close(fd)
            temps.append(Path(name))
        yield temps
        for temp, target in zip(temps, targets, strict=True):
            os.chmod(temp, 0o644)  # mkstemp makes it private; a report is an ordinary file
            try:
                os.replace(temp, target)
            except PermissionError:
                raise ReportError(f"文件“{target}”正被其他程序打开，请关闭后重试") from None
    except OSError as exc:
        raise ReportError(f"无法写入“{targets[0]}”：{exc.strerror or exc}") from exc
    finally:
        for temp in temps:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()


def build_report(store: Store, request: ReportRequest, out: Path | None = None, *,
                 xlsx: Path | None = None, progress: ProgressFn | None = None,
                 today: dt.date | None = None) -> ReportResult:
    """Build the report ``request`` asks for into ``out`` (default: a readable Chinese
    name under ``<data home>/reports``), and its tables into ``xlsx`` if given.

    ``progress(done, total)`` is called as the build goes; an exception it raises
    cancels the build, and no file is left behind. Bad parameters raise
    :class:`ReportError` or :class:`~workteam_desktop.domain.problems.DomainError`.
    """
    request.check()
    today = today or dt.date.today()
    targets = [Path(p) for p in (out, xlsx) if p is not None]
    for target in targets:
        check_writable(target)
    ctx = BuildContext(today, Progress(progress))
    module = importlib.import_module(f"{__package__}.{_MODULES[request.kind]}")
    doc = module.build(store, request, ctx)
    if out is None:
        folder = reports_dir(store.home)
        folder.mkdir(parents=True, exist_ok=True)
        out = folder / f"{safe_filename(doc.name)}.pdf"
        check_writable(out)
    paths = [Path(out)] + ([Path(xlsx)] if xlsx is not None else [])
    with atomic_files(paths) as temps:
        pages = build_pdf(temps[0], doc.story, doc.info)
        if xlsx is not None:
            from .xlsx import write_workbook  # openpyxl only when a workbook is asked for

            write_workbook(temps[1], doc.info.title, {
                "填报单位": doc.info.issuer, "统计期间": doc.period,
                "打印日期": cn_date(doc.info.printed_on),
                "个人信息": "含完整身份证号和电话（敏感）" if doc.info.sensitive else "已脱敏",
            }, doc.tables)
    ctx.progress.finish()
    return ReportResult(request.kind, doc.info.title, Path(out), pages, doc.info.sensitive,
                        Path(xlsx) if xlsx is not None else None, doc.summary)

"""Running the ``workteam`` command in-process for the CLI tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from workteam_desktop.cli.main import main


def run(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> tuple[int, str, str]:
    """``workteam --home HOME ARGS…``: its exit code, stdout and stderr."""
    try:
        code = main(["--home", str(home), *args])
    except SystemExit as exc:  # argparse's own refusals (a missing option)
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> Any:
    """The ``--json`` output of a command that must succeed."""
    code, out, err = run(capsys, home, *args, "--json")
    assert code == 0, err
    return json.loads(out)

"""`pip install .` (not editable) gives a working server: its migrations and the shipped
forms come from the installed package."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_installed_server_runs_from_its_own_files(tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(ROOT)], check=True, cwd=tmp_path)
    package = target / "workteam_server"
    assert (package / "migrations" / "env.py").is_file()
    assert list((package / "migrations" / "versions").glob("0001_*.py"))
    env = {**os.environ, "PYTHONPATH": str(target)}

    def server(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "workteam_server", *args, "--home", str(tmp_path / "h")],
                              input=stdin, capture_output=True, text=True, cwd=tmp_path, env=env)

    added = server("users", "add", "wang", "--role", "member", "--scope", "140215", "--password-stdin",
                   stdin="long-password\n")
    assert added.returncode == 0, added.stderr
    assert json.loads(server("users", "list", "--json").stdout)[0]["name"] == "wang"
    probe = subprocess.run(
        [sys.executable, "-c", "import workteam_server.forms as f; print(f.shipped_forms_dir())"],
        capture_output=True, text=True, check=True, cwd=tmp_path, env=env)
    assert probe.stdout.strip().startswith(str(target)), probe.stdout

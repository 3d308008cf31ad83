"""`pip install .` (not editable) gives a working program: migrations, resources and forms
ship inside the package."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_non_editable_install_runs_from_its_own_files(tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(ROOT)],
        check=True, cwd=tmp_path)
    package = target / "workteam_desktop"
    assert (package / "store" / "migrations" / "env.py").is_file()
    assert (package / "store" / "migrations" / "script.py.mako").is_file()
    assert list((package / "store" / "migrations" / "versions").glob("0001_*.py"))
    assert (package / "resources").is_dir()
    assert (package / "forms").is_dir()

    # Run the installed copy (it comes first on the path), from a folder far from the source.
    # The installed package only (no src/); the tests' keyring module stays importable.
    env = {**os.environ,
           "PYTHONPATH": os.pathsep.join([str(target), str(Path(__file__).parents[1])])}
    probe = subprocess.run(
        [sys.executable, "-c",
         "import workteam_desktop, workteam_desktop.paths as p;"
         "print(workteam_desktop.__file__); print(p.resources_dir()); print(p.forms_dir())"],
        capture_output=True, text=True, check=True, cwd=tmp_path, env=env)
    for line in probe.stdout.split():
        assert line.startswith(str(target)), probe.stdout
    home = tmp_path / "home"
    demo = subprocess.run(
        [sys.executable, "-m", "workteam_desktop", "demo", "--home", str(home),
         "--households", "30"], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert demo.returncode == 0, demo.stderr
    listed = subprocess.run(
        [sys.executable, "-m", "workteam_desktop", "households", "list", "--home", str(home),
         "--json"], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.count('"head_name"') == 30

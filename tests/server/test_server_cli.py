"""workteam-server users and tokens commands: real subprocesses on both databases."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from serverlib import RunningServer


@pytest.fixture
def offline(tmp_path: Path, server_db: str | None) -> RunningServer:
    """A server home and database, not serving (the commands work on the database)."""
    return RunningServer(tmp_path / "server", server_db)


def users(server: RunningServer) -> list[dict]:
    done = server.cli("users", "list", "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def fails(done, text: str) -> None:  # type: ignore[no-untyped-def]
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误：") and text in lines[0], done.stderr


def test_users_add_list_disable(offline: RunningServer) -> None:
    done = offline.cli("users", "add", "wang", "--role", "member", "--scope", "140215101201,140215101202",
                       "--password-stdin", stdin="long-password\n")
    assert done.returncode == 0, done.stderr
    assert "wang" in done.stdout
    offline.cli("users", "add", "chen", "--role", "supervisor", "--scope", "140215000000,140215101",
                "--password-stdin", stdin="long-password\n")
    offline.cli("users", "add", "root", "--role", "admin", "--password-stdin", stdin="long-password\n")
    assert users(offline) == [
        # a full 12-digit county code is shortened; a township inside it is covered already
        {"name": "chen", "role": "supervisor", "scopes": ["140215"], "disabled": False,
         "team": None, "devices": []},
        {"name": "root", "role": "admin", "scopes": [], "disabled": False, "team": None, "devices": []},
        {"name": "wang", "role": "member", "scopes": ["140215101201", "140215101202"], "disabled": False,
         "team": None, "devices": []},
    ]
    listing = offline.cli("users", "list")
    assert "wang\tmember\t140215101201,140215101202" in listing.stdout
    assert offline.cli("users", "disable", "wang").returncode == 0
    assert [u["disabled"] for u in users(offline)] == [False, False, True]
    assert "已停用" in offline.cli("users", "list").stdout


def test_bad_input_is_one_chinese_line(offline: RunningServer) -> None:
    def add(*args: str, password: str = "long-password"):  # type: ignore[no-untyped-def]
        return offline.cli("users", "add", *args, "--password-stdin", stdin=password + "\n")

    assert add("wang", "--role", "member", "--scope", "140215101201").returncode == 0
    fails(add("wang", "--role", "member", "--scope", "140215101201"), "已存在")
    fails(add("li", "--role", "chief", "--scope", "140215"), "角色")
    fails(add("li", "--role", "member", "--scope", "14021x"), "不是行政区划代码")
    fails(add("li", "--role", "member", "--scope", "1402151"), "位数不对")
    fails(add("li", "--role", "member"), "管辖范围")
    fails(add("li", "--role", "member", "--scope", "140215", password="short"), "至少 8 个字符")
    fails(offline.cli("users", "disable", "nobody"), "没有用户")
    fails(offline.cli("tokens", "revoke", "nobody"), "没有用户")
    assert [u["name"] for u in users(offline)] == ["wang"]  # nothing half-made


def test_a_user_added_by_the_cli_logs_in(server: RunningServer) -> None:
    done = server.cli("users", "add", "wang", "--role", "member", "--scope", "140215101201",
                      "--password-stdin", stdin="密码也可以是中文123\n")
    assert done.returncode == 0, done.stderr
    r = httpx.post(f"{server.url}/api/v1/auth/login",
                   json={"username": "wang", "password": "密码也可以是中文123"})
    assert r.status_code == 200
    done = server.cli("tokens", "revoke", "wang")
    assert done.returncode == 0 and "2 个令牌" in done.stdout


def test_unsupported_database_url(tmp_path: Path) -> None:
    done = RunningServer(tmp_path, "mysql://x@y/z").cli("users", "list")
    fails(done, "不支持的数据库地址")

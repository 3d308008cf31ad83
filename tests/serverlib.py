"""A real workteam-server for tests: a uvicorn subprocess on a loopback port, on SQLite or
on a throwaway PostgreSQL cluster.

    server = start_server(tmp_path / "server")             # SQLite in the home
    server = start_server(home, db_url=pg.database())      # PostgreSQL
    server.add_user("wang", "member", ["140215101"], "secret-pass")
    tokens = server.login("wang", "secret-pass")           # the login answer (dict)
    server.restart(); server.stop()
    server = start_server(home, tls=TlsFiles(cert, key, ca))  # https (--tls-cert/--tls-key)

Fixtures (registered by tests/conftest.py): ``pg_cluster`` (session), ``server_db`` (None for
SQLite, a fresh PostgreSQL URL; parametrized over both), ``server`` (a RunningServer on
``server_db``), ``sqlite_server`` (a RunningServer on SQLite only).
"""

from __future__ import annotations

import os
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

_READY = re.compile(r"Uvicorn running on https?://127\.0\.0\.1:(\d+)")
_STARTED = "Application startup complete"


@dataclass(frozen=True)
class TlsFiles:
    """The server's certificate and key (PEM), and the CA that signed it (for clients)."""

    cert: Path
    key: Path
    ca: Path | None = None


class RunningServer:
    """A workteam-server subprocess (``workteam-server serve``) on 127.0.0.1."""

    def __init__(self, home: Path, db_url: str | None = None, workers: int = 1,
                 tls: TlsFiles | None = None) -> None:
        self.home = home
        self.db_url = db_url
        self.workers = workers
        self.tls = tls
        self.port = 0
        self.process: subprocess.Popen[str] | None = None
        self.log: list[str] = []

    @property
    def url(self) -> str:
        """The server's base URL (``http://127.0.0.1:<port>``, ``https://`` with TLS)."""
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    @property
    def verify(self) -> ssl.SSLContext | bool:
        """httpx's ``verify`` for this server: its CA with TLS, else the default."""
        if self.tls is None or self.tls.ca is None:
            return True
        return ssl.create_default_context(cafile=str(self.tls.ca))

    def _cli(self) -> list[str]:
        args = [sys.executable, "-m", "workteam_server"]
        return args

    @property
    def database_url(self) -> str:
        """The SQLAlchemy URL of the server's database (its SQLite file by default)."""
        return self.db_url or f"sqlite:///{self.home / 'server.db'}"

    def _where(self) -> list[str]:
        return ["--home", str(self.home)] + (["--db", self.db_url] if self.db_url else [])

    def start(self) -> RunningServer:
        """Start the process and wait until every worker has started (read from its log)."""
        assert self.process is None, "already running"
        cmd = [*self._cli(), "serve", *self._where(), "--port", str(self.port),
               "--workers", str(self.workers), "--log-level", "info"]
        if self.tls is not None:
            cmd += ["--tls-cert", str(self.tls.cert), "--tls-key", str(self.tls.key)]
        self.process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True, bufsize=1)
        assert self.process.stdout is not None
        started, port = 0, None
        for line in self.process.stdout:
            self.log.append(line)
            found = _READY.search(line)
            if found:
                port = int(found.group(1))
            if _STARTED in line:
                started += 1
            if port and started >= self.workers:
                break
        else:
            self.process.wait()
            self.process = None
            raise RuntimeError("workteam-server did not start:\n" + "".join(self.log[-30:]))
        self.port = port
        # Keep reading its output so the pipe never fills and blocks the server.
        threading.Thread(target=self._drain, args=(self.process,), daemon=True).start()
        return self

    def _drain(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.log.append(line)

    def stop(self) -> None:
        """Stop the process (SIGTERM: uvicorn finishes open requests), wait for it."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def kill(self) -> None:
        """Kill the process at once (SIGKILL), as a crash would."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def restart(self) -> RunningServer:
        """Stop and start again on the same port, home and database."""
        self.stop()
        return self.start()

    def cli(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        """Run ``workteam-server ARGS --home … [--db …]`` against this server's data."""
        return subprocess.run([*self._cli(), *args, *self._where()], input=stdin,
                              capture_output=True, text=True, timeout=120)

    def add_user(self, name: str, role: str, scopes: Sequence[str] | str, password: str) -> None:
        """Create a user in the server's database (what ``users add`` does, in-process: the
        CLI itself is tested in tests/server/test_server_cli.py)."""
        from workteam_server.auth import hash_password
        from workteam_server.scope import parse_scopes
        from workteam_server.store import ServerStore

        scope = scopes if isinstance(scopes, str) else ",".join(scopes)
        store = ServerStore.open(self.database_url, pool_size=1)
        try:
            store.add_account(name, role, parse_scopes(scope) if scope else [], hash_password(password))
        finally:
            store.close()

    def login(self, name: str, password: str, device: str = "test-device") -> dict:
        """Log in; the server's answer (access_token, refresh_token, user …)."""
        r = httpx.post(f"{self.url}/api/v1/auth/login", verify=self.verify,
                       json={"username": name, "password": password, "device": device})
        r.raise_for_status()
        return r.json()

    def client(self, name: str, password: str, device: str = "test-device") -> httpx.Client:
        """An httpx client logged in as ``name`` from laptop ``device`` (bearer token set)."""
        token = self.login(name, password, device)["access_token"]
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {token}"},
                            timeout=60, verify=self.verify)

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def start_server(home: Path, db_url: str | None = None, *, workers: int = 1,
                 tls: TlsFiles | None = None) -> RunningServer:
    """Start a real server on a free loopback port (SQLite in ``home`` unless ``db_url``;
    https with ``tls``)."""
    return RunningServer(home, db_url, workers, tls).start()


# ---------------------------------------------------------------- PostgreSQL

def postgres_bin() -> Path:
    """The folder of the PostgreSQL server binaries (Debian's package, newest version)."""
    roots = sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                   key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    for folder in reversed(roots):
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) not found: install them with "
                       "`bash packaging/system-deps.sh` (Debian package postgresql)")


class PgCluster:
    """A throwaway PostgreSQL cluster in a temporary folder, on 127.0.0.1 and a free port."""

    def __init__(self) -> None:
        self.bin = postgres_bin()
        self.dir = Path(tempfile.mkdtemp(prefix="workteam-pg-"))
        self.data = self.dir / "data"
        self.port = 0
        # PostgreSQL refuses to run as root: run its binaries as the postgres user then.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.dir, "postgres", "postgres")

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self.as_user, *args], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{Path(args[0]).name} failed: {done.stderr.strip() or done.stdout.strip()}")

    def start(self) -> PgCluster:
        """initdb and start, waiting until it accepts connections (pg_ctl -w)."""
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--no-sync", "--locale=C")
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        # Throwaway test data: no fsync (speed); enough connections for the load test.
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-w",
                  "-l", str(self.dir / "log"), "start")
        return self

    def stop(self) -> None:
        """Stop the cluster and delete its folder."""
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of ``database`` (psycopg 3)."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def database(self) -> str:
        """A new, empty database; its URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """One PostgreSQL cluster for the test session (each test gets its own database)."""
    cluster = PgCluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def server_db(request: pytest.FixtureRequest) -> str | None:
    """The database of a test's server: None (SQLite in the home) or a new PostgreSQL one."""
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("pg_cluster").database()


@pytest.fixture
def server(tmp_path: Path, server_db: str | None) -> Iterator[RunningServer]:
    """A running server on each database (the test runs twice)."""
    with start_server(tmp_path / "server", server_db) as s:
        yield s


@pytest.fixture
def sqlite_server(tmp_path: Path) -> Iterator[RunningServer]:
    """A running server on SQLite only (for client tests that need one server)."""
    with start_server(tmp_path / "server") as s:
        yield s


# ---------------------------------------------------------------- changes on the wire

_counter = iter(range(1, 10**9))


def wire_change(entity: str, row_id: str, fields: dict, *, change_id: str | None = None,
                device: str = "dev-test", user: str = "tester") -> dict:
    """A change as the protocol sends it (Change.to_json), with a fresh id and HLC."""
    from workteam_desktop.domain.changes import Change
    from workteam_desktop.domain.hlc import Timestamp
    from workteam_desktop.domain.ids import new_id

    hlc = Timestamp(1_700_000_000_000 + next(_counter), 0, device).encode()
    import json

    return json.loads(Change(change_id or new_id(), entity, row_id, fields, hlc, device, user).to_json())


# A small county for scope tests: two townships, three villages, and a village elsewhere.
AREAS = {
    "county": ("140215000000", "county", None),
    "town1": ("140215101000", "township", "county"),
    "village1": ("140215101201", "village", "town1"),
    "village2": ("140215101202", "village", "town1"),
    "town2": ("140215102000", "township", "county"),
    "village3": ("140215102201", "village", "town2"),
    "county_b": ("140216000000", "county", None),
    "town_b": ("140216101000", "township", "county_b"),
    "village_b": ("140216101201", "village", "town_b"),
}


def area_changes() -> list[dict]:
    """Area rows for :data:`AREAS` (row id = the key), parents first."""
    return [wire_change("area", key, {"code": code, "name": key, "level": level, "parent_id": parent})
            for key, (code, level, parent) in AREAS.items()]


def household_changes(household_id: str, village: str, members: int = 1) -> list[dict]:
    """A household in ``village`` (an AREAS key) with its members."""
    out = [wire_change("household", household_id, {"number": household_id, "village_id": village})]
    out += [wire_change("member", f"{household_id}-m{i}", {"household_id": household_id, "name": f"成员{i}"})
            for i in range(members)]
    return out


def pull_all(client: httpx.Client, after: int = 0, limit: int = 5000, *,
             own: bool = True) -> tuple[list[dict], int]:
    """Every change the client's user may read after ``after``: (changes, final cursor).
    ``own``: with the changes this client's laptop pushed (the server leaves them out of a
    laptop's pull otherwise: no echo)."""
    out: list[dict] = []
    while True:
        params: dict[str, int | str] = {"after": after, "limit": limit}
        if own:
            params["own"] = "true"
        page = client.get("/api/v1/changes", params=params)
        page.raise_for_status()
        body = page.json()
        out += body["changes"]
        after = body["cursor"]
        if not body["more"]:
            return out, after


def push(client: httpx.Client, changes: list[dict]) -> list[dict]:
    """Push a batch; the per-change results."""
    r = client.post("/api/v1/changes/push", json={"device": "dev-test", "changes": changes})
    r.raise_for_status()
    return r.json()["results"]

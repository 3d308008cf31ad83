"""Benchmark: 200 concurrent clients against workteam-server on PostgreSQL.

Run as a plain script (``python tests/bench/bench_server_load.py [--clients 200]
[--changes 500] [--batch 100] [--workers 2]``), or through ``make bench``
(tests/bench/test_bench_server_load.py). It starts a throwaway PostgreSQL cluster and the
server (uvicorn, 2 workers) as separate processes; the clients are asyncio tasks with one
httpx connection each, in this process.

Each client logs in, then syncs like a laptop: push a batch, pull what is new, until its 500
changes are pushed; when every client is done, each pulls once more to the end. Counted at
the end: the server holds exactly the seeded area rows plus clients × changes, and every
client received every change of its scope exactly once (no loss, no duplicate, nothing
outside its scope). Reported: push throughput (changes/s), p50/p99 latency of push and pull
requests.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import orjson

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/: serverlib
sys.path.insert(0, str(HERE))  # benchlib

from benchlib import record  # noqa: E402

from serverlib import PgCluster, start_server, wire_change  # noqa: E402

PASSWORD = "load-test-pass"
COUNTY = "140215"
TOWNSHIPS = 4
VILLAGES_PER_TOWNSHIP = 10


@dataclass
class Client:
    """One simulated laptop: its account, its scope, what it pushed and pulled."""

    name: str
    scope: str
    village: str  # area row id of the village it works in
    changes: list[dict] = field(default_factory=list)
    pulled: Counter[str] = field(default_factory=Counter)
    cursor: int = 0
    token: str = ""


def areas() -> tuple[list[dict], dict[str, str]]:
    """The county, its townships and villages as area changes; village row id → code."""
    rows = [wire_change("area", "county", {"code": f"{COUNTY}000000", "name": "县", "level": "county",
                                           "parent_id": None})]
    villages: dict[str, str] = {}
    for t in range(TOWNSHIPS):
        town_code = f"{COUNTY}{101 + t:03d}"
        rows.append(wire_change("area", f"t{t}", {"code": f"{town_code}000", "name": f"镇{t}",
                                                  "level": "township", "parent_id": "county"}))
        for v in range(VILLAGES_PER_TOWNSHIP):
            code = f"{town_code}{201 + v:03d}"
            rows.append(wire_change("area", f"t{t}v{v}", {"code": code, "name": f"村{t}-{v}",
                                                          "level": "village", "parent_id": f"t{t}"}))
            villages[f"t{t}v{v}"] = code
    return rows, villages


def make_clients(n: int, per_client: int, villages: dict[str, str]) -> list[Client]:
    """Nine in ten clients are village members, one in ten township supervisors."""
    names = sorted(villages)
    clients = []
    for i in range(n):
        village = names[i % len(names)]
        scope = villages[village] if i % 10 else villages[village][:9]
        c = Client(f"c{i:03d}", scope, village)
        households = per_client // 10
        for h in range(households):
            hid = f"{c.name}-h{h}"
            c.changes.append(wire_change("household", hid, {"number": hid, "village_id": village},
                                         device=c.name))
            c.changes += [wire_change("member", f"{hid}-m{m}", {"household_id": hid, "name": f"成员{m}"},
                                      device=c.name) for m in range(9)]
        c.changes = c.changes[:per_client]
        clients.append(c)
    return clients


async def login(http: httpx.AsyncClient, c: Client) -> None:
    for attempt in range(60):
        r = await http.post("/api/v1/auth/login",
                            json={"username": c.name, "password": PASSWORD, "device": c.name})
        if r.status_code not in (429, 503):
            break
        # A county's laptops logging in at once from one address: the server asks them to
        # come back (its password checks are bounded); a laptop waits and tries again.
        await asyncio.sleep(min(5.0, float(r.headers.get("Retry-After") or 1)) * (1 + attempt % 3) / 2)
    r.raise_for_status()
    c.token = r.json()["access_token"]
    http.headers["Authorization"] = f"Bearer {c.token}"


async def pull_to_end(http: httpx.AsyncClient, c: Client, latencies: list[float]) -> None:
    while True:
        t = time.perf_counter()
        # own: each client checks it received every change of its scope, its own included.
        r = await http.get("/api/v1/changes", params={"after": c.cursor, "limit": 5000, "own": "true"})
        latencies.append(time.perf_counter() - t)
        r.raise_for_status()
        body = orjson.loads(r.content)
        c.pulled.update(ch["id"] for ch in body["changes"])
        c.cursor = body["cursor"]
        if not body["more"]:
            return


class StartLine:
    """Every client logs in first (argon2 is slow on purpose); the clock starts after."""

    def __init__(self, n: int) -> None:
        self.waiting, self.n = 0, n
        self.all_in, self.go = asyncio.Event(), asyncio.Event()

    async def arrive(self) -> None:
        self.waiting += 1
        if self.waiting == self.n:
            self.all_in.set()
        await self.go.wait()


async def run_client(url: str, c: Client, batch: int, push_lat: list[float], pull_lat: list[float],
                     start: StartLine) -> None:
    limits = httpx.Limits(max_connections=1)
    async with httpx.AsyncClient(base_url=url, timeout=300, limits=limits) as http:
        await login(http, c)
        await start.arrive()
        for i in range(0, len(c.changes), batch):
            body = orjson.dumps({"device": c.name, "changes": c.changes[i:i + batch]})
            t = time.perf_counter()
            r = await http.post("/api/v1/changes/push", content=body,
                                headers={"Content-Type": "application/json"})
            push_lat.append(time.perf_counter() - t)
            r.raise_for_status()
            statuses = {x["status"] for x in r.json()["results"]}
            assert statuses == {"accepted"}, statuses
            await pull_to_end(http, c, pull_lat)


async def final_pulls(url: str, clients: list[Client], pull_lat: list[float]) -> None:
    async def one(c: Client) -> None:
        async with httpx.AsyncClient(base_url=url, timeout=300,
                                     headers={"Authorization": f"Bearer {c.token}"}) as http:
            await pull_to_end(http, c, pull_lat)

    await asyncio.gather(*(one(c) for c in clients))


def pct(values: list[float], q: float) -> float:
    """The q-quantile in milliseconds."""
    ordered = sorted(values)
    return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def baseline_code(commit: str) -> Path:
    """The server code of ``commit`` (``git archive`` of ``src/``) in a temporary folder: a
    server to measure against in the same run."""
    import io
    import subprocess
    import tarfile

    repo = HERE.parent.parent
    target = Path(tempfile.mkdtemp(prefix="workteam-baseline-"))
    archive = subprocess.run(["git", "-C", str(repo), "archive", "--format=tar", commit, "src"],
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target / "src"


def run(n_clients: int = 200, per_client: int = 500, batch: int = 100, workers: int = 2,
        code: Path | None = None, label: str = "current") -> dict:
    """Run the benchmark; the figures recorded. ``code``: a ``src`` folder whose server to
    run instead of this checkout's (a baseline)."""
    import os

    from workteam_server.auth import hash_password
    from workteam_server.store import ServerStore

    cluster = PgCluster().start()
    tmp = Path(tempfile.mkdtemp(prefix="workteam-load-"))
    saved_path = os.environ.get("PYTHONPATH")
    try:
        if code is not None:  # the server process imports the baseline's packages first
            os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(code), saved_path]))
        try:
            server = start_server(tmp / "server", cluster.database(), workers=workers)
        finally:
            if saved_path is None:
                os.environ.pop("PYTHONPATH", None)
            else:
                os.environ["PYTHONPATH"] = saved_path
        try:
            seed, villages = areas()
            clients = make_clients(n_clients, per_client, villages)
            store = ServerStore.open(server.database_url, pool_size=1)
            hashed = hash_password(PASSWORD)  # one hash for all: creating users is not measured
            store.add_account("root", "admin", [], hashed)
            for c in clients:
                store.add_account(c.name, "member" if len(c.scope) == 12 else "supervisor", [c.scope], hashed)
            root = httpx.Client(base_url=server.url, timeout=300)
            token = root.post("/api/v1/auth/login", json={"username": "root", "password": PASSWORD}).json()
            root.headers["Authorization"] = f"Bearer {token['access_token']}"
            assert {r["status"] for r in root.post("/api/v1/changes/push",
                                                   json={"changes": seed}).json()["results"]} == {"accepted"}

            push_lat: list[float] = []
            pull_lat: list[float] = []

            async def main() -> float:
                start = StartLine(len(clients))
                tasks = [asyncio.create_task(run_client(server.url, c, batch, push_lat, pull_lat, start))
                         for c in clients]
                waiting = asyncio.create_task(start.all_in.wait())
                await asyncio.wait([waiting, *tasks], return_when=asyncio.FIRST_COMPLETED)
                for t in tasks:
                    if t.done():
                        t.result()  # a client failed before the start: raise its error
                t0 = time.perf_counter()
                start.go.set()
                await asyncio.gather(*tasks)
                return time.perf_counter() - t0

            seconds = asyncio.run(main())
            sync_pulls = len(pull_lat)
            t1 = time.perf_counter()
            asyncio.run(final_pulls(server.url, clients, pull_lat))
            final_seconds = time.perf_counter() - t1

            # ---- counting
            total = store.change_count()
            expected_total = len(seed) + n_clients * per_client
            assert total == expected_total, (total, expected_total)
            village_of = {ch["row_id"]: c.village for c in clients for ch in c.changes
                          if ch["entity"] == "household"}
            by_village: dict[str, set[str]] = {}
            for c in clients:
                for ch in c.changes:
                    hid = ch["row_id"] if ch["entity"] == "household" else ch["fields"]["household_id"]
                    by_village.setdefault(village_of[hid], set()).add(ch["id"])
            area_code = {ch["row_id"]: ch["fields"]["code"] for ch in seed}
            bad = 0
            for c in clients:
                expected = {i for v, ids in by_village.items() if villages[v].startswith(c.scope)
                            for i in ids}
                expected |= {ch["id"] for ch in seed if _readable(c.scope, area_code[ch["row_id"]])}
                if set(c.pulled) != expected or max(c.pulled.values()) != 1:
                    bad += 1
            assert bad == 0, f"{bad} clients did not get their scope exactly once"
            pulled_total = sum(sum(c.pulled.values()) for c in clients)
            figures = {
                "server_code": label,
                "clients": n_clients, "changes_per_client": per_client, "batch": batch,
                "server_workers": workers, "database": "postgresql",
                "server_changes": total, "lost": 0, "duplicated": 0,
                "push_seconds": round(seconds, 1),
                "push_changes_per_s": round(n_clients * per_client / seconds),
                "push_requests": len(push_lat),
                "push_p50_ms": pct(push_lat, 0.5), "push_p99_ms": pct(push_lat, 0.99),
                "pull_requests": len(pull_lat), "pull_requests_during_sync": sync_pulls,
                "pull_p50_ms": pct(pull_lat, 0.5), "pull_p99_ms": pct(pull_lat, 0.99),
                "changes_delivered": pulled_total,
                "final_pull_seconds": round(final_seconds, 1),
                "pull_mean_ms": round(1000 * statistics.mean(pull_lat), 1),
            }
            record("server_load", **figures)
            store.close()
            root.close()
            return figures
        finally:
            server.stop()
            (tmp / "server.log").write_text("".join(server.log), encoding="utf-8")
    finally:
        cluster.stop()


def _readable(scope: str, code: str) -> bool:
    from workteam_server.scope import Scope, normalize_code

    return Scope((scope,)).can_read(normalize_code(code))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--changes", type=int, default=500)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    run(args.clients, args.changes, args.batch, args.workers)


if __name__ == "__main__":
    main()

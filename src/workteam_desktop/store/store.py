"""The local store: one SQLite file in the data home, opened, upgraded and written here.

The device id: every change this laptop makes is stamped with it (the node part of its HLC),
so two laptops must never share one. A data home has an identity of its own, a random id in
the file ``home-id`` in the home folder (outside the database), also kept in the store
(``sync_state`` key ``home_id``, and so in every backup). When the store finds itself in a
folder whose id is not its own (a backup restored into another home, a store file copied
into a new laptop's folder) it takes a new device id: the clock continues with the new id
from the old one's last reading, every row and logged change keeps its stamps, unsent
changes are sent as they are, and the old id is listed in ``previous_device_ids``. A whole
folder copied elsewhere carries its ``home-id`` too: the server refuses such a copy
(docs/sync-protocol.md, Devices) and :meth:`Store.take_new_device` gives it an id of its own.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain.hlc import HybridClock, Timestamp, wall_ms
from . import bulk_load, encrypt, facts, home_key, migrate, row_clock, sqlite
from .engine import IMMEDIATE, make_engine
from .home import backups_dir, resolve_home, store_path
from .writer import TableInfo, Writer, table_infos

if TYPE_CHECKING:
    from .read_session import ReadSession

log = logging.getLogger(__name__)

HOME_ID_FILE = "home-id"  # in the home folder: the home's identity (not in backups)
# sync_state keys of the device id (local, never synced):
HOME_ID = "home_id"  # the id of the home this store belongs to (in backups too)
PREVIOUS_DEVICES = "previous_device_ids"  # JSON [{device, until, reason}], oldest first
LOGIN_DEVICE = "login_device"  # the device id the kept server login was made with
# Why a store changed its device id (the reason kept with the old id):
OTHER_HOME = "other_home"  # restored or copied into another home
NEW_DEVICE = "new_device"  # asked for (``workteam new-device``: a copied folder)
CLOCK_OFFSET_KEY = "clock_offset_ms"  # sync_state.CLOCK_OFFSET (that module imports this one)
_HOME_ID_TEXT = frozenset("0123456789abcdef")


def read_home_id(home: Path) -> str | None:
    """The id in a home folder's ``home-id`` file (None: no file, or not an id)."""
    try:
        text = (home / HOME_ID_FILE).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text if len(text) == 32 and set(text) <= _HOME_ID_TEXT else None


def write_home_id(home: Path, home_id: str) -> bool:
    """Write a home's ``home-id`` file (atomically); False when it cannot be written (logged:
    the store then has no home id to compare with, as before home ids existed)."""
    temp = home / f".{HOME_ID_FILE}.tmp"
    try:
        with open(temp, "w", encoding="ascii") as f:
            f.write(home_id + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, home / HOME_ID_FILE)
    except OSError:
        log.warning("could not write %s in the data home", HOME_ID_FILE, exc_info=True)
        temp.unlink(missing_ok=True)
        return False
    return True


def new_home_id() -> str:
    """A new random home id (128 bits, hex)."""
    return secrets.token_hex(16)


class Store:
    """An open data home. Use :meth:`open`."""

    def __init__(self, home: Path, key: bytes | None = None) -> None:
        self.home = home
        self.path = store_path(home)
        self.key = key  # None: a plain file (no keyring on this machine)
        self.engine = make_engine(self.path, key)
        # The recovery code of a key made by this open (a new home, or one encrypted now):
        # the caller shows it. (A code made earlier and never confirmed is
        # home_key.pending_recovery_code: the GUI shows that at its start.)
        self.recovery_code: str | None = None
        self.last_backup: Path | None = None
        # Made on first use: it needs the model classes, which the start-up does not.
        self._tables: dict[str, TableInfo] | None = None
        self.device_id = ""
        self.user = ""
        self.wall = wall_ms  # the wall clock the HLC reads (tests turn it back)
        # The server's clock minus this laptop's, learnt at the last sync (0: unknown, or
        # within a minute): the HLC reads the wall clock corrected by it.
        self.clock_offset_ms = 0
        # During a bulk load (store.bulk_load) household facts are computed once at its end.
        self.facts_deferred = False

    @classmethod
    def open(cls, home: str | Path | None = None, *, create: bool = True,
             plain: bool = False) -> Store:
        """Open (and upgrade) the store of a data home; create it when ``create``.

        The store is encrypted with the home's key from the keyring (a new home gets a
        new key and recovery code; a plain home from an older version is encrypted in
        place first). Raises :class:`home_key.StoreLocked` when the key is not in the
        keyring: then only the recovery code opens it. On a machine without any keyring
        the store stays a plain file (the caller says so) rather than ask for the code
        at every start.

        ``plain`` makes (or opens) a plain file without asking the keyring: only for a file
        that is not a laptop's home (the server's store file of a snapshot, which laptops
        copy into their own encrypted stores: ``store/snapshot_store.py``).
        """
        path = resolve_home(home)
        file = store_path(path)
        if plain:
            if not file.exists():
                if not create:
                    raise FileNotFoundError(file)
                path.mkdir(parents=True, exist_ok=True)
            elif not sqlite.is_plain(file):
                raise ValueError(f"{file} 是加密的数据文件")
            return cls._ready(cls(path, None))
        encrypt.discard_leftovers(path)
        made: home_key.NewKey | None = None
        if not file.exists():
            if not create:
                raise FileNotFoundError(file)
            path.mkdir(parents=True, exist_ok=True)
            if home_key.usable_keyring() is not None and not home_key.key_file(path).exists():
                made = home_key.create(path)
        if file.exists() and encrypt.needs_encryption(path):
            made = encrypt.encrypt_home(path)
        if sqlite.is_plain(file) or (not file.exists() and not home_key.key_file(path).exists()):
            key = None
        else:
            key = home_key.load(path)
        if key is not None and encrypt.files_pending(path):
            encrypt.finish_files(path, key)
        store = cls(path, key)
        store.recovery_code = made.recovery_code if made is not None else None
        return cls._ready(store)

    @staticmethod
    def _ready(store: Store) -> Store:
        """Upgrade an opened store, know its device, finish a load a dead process began."""
        store.last_backup = migrate.upgrade(store.engine, store.path, backups_dir(store.home),
                                             store.key)
        store._load_device()
        if bulk_load.pending(store):
            # A first sync died during its load: rebuild what it went without, before
            # anything reads the store.
            bulk_load.finish(store)
        return store

    @property
    def tables(self) -> dict[str, TableInfo]:
        """Column information of every synced table (names, defaults, foreign keys)."""
        if self._tables is None:
            self._tables = table_infos(self.engine.dialect)
        return self._tables

    def close(self) -> None:
        """Release the file (checkpoints the WAL)."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _load_device(self) -> None:
        folder_id = read_home_id(self.home)
        if folder_id is None:
            # Written first: a crash before the store records it finds it the next time.
            candidate = new_home_id()
            folder_id = candidate if write_home_id(self.home, candidate) else None
        with self.engine.connect().execution_options(**{IMMEDIATE: True}) as conn, conn.begin():
            cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            state = dict(cur.execute(
                "SELECT key, value FROM sync_state WHERE key IN (?, ?)",
                (CLOCK_OFFSET_KEY, HOME_ID)).fetchall())
            offset = state.get(CLOCK_OFFSET_KEY)
            self.clock_offset_ms = int(offset) if offset else 0
            row = cur.execute("SELECT id, user FROM device").fetchone()
            if row is None:
                # 8 random bytes: unique enough across a province's laptops, short in HLCs.
                device = secrets.token_hex(8)
                cur.execute("INSERT INTO device (id, created_at, user) VALUES (?, ?, '')",
                            (device, _now_text()))
                cur.execute("INSERT INTO clock_state (device, wall_ms, counter) VALUES (?, 0, 0)",
                            (device,))
                row = (device, "")
            elif folder_id is not None and state.get(HOME_ID) not in (None, folder_id):
                # This store was made in another home (restored or copied here): a laptop of
                # its own, so a new device id; its history keeps the old one's stamps.
                row = (_switch_device(cur, row[0], row[1], OTHER_HOME), row[1])
            if folder_id is not None and state.get(HOME_ID) != folder_id:
                _put_state(cur, {HOME_ID: folder_id})
        self.device_id, self.user = row

    def take_new_device(self, reason: str = NEW_DEVICE, *, new_home: bool = True) -> str:
        """Give this home a new device id and, with ``new_home``, a new home id (a folder
        copied from another laptop becomes a laptop of its own); the new device id.
        History keeps its stamps, the clock continues, unsent changes are sent as they are;
        the server login must be made again (it names the old device)."""
        home_id = new_home_id() if new_home else None
        if home_id is not None and not write_home_id(self.home, home_id):
            raise OSError(f"无法在数据目录 {self.home} 中写入 {HOME_ID_FILE} 文件")
        with self.engine.connect().execution_options(**{IMMEDIATE: True}) as conn, conn.begin():
            cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            self.device_id = _switch_device(cur, self.device_id, self.user, reason)
            if home_id is not None:
                _put_state(cur, {HOME_ID: home_id})
        return self.device_id

    def keep_clock_after(self, last: tuple[int, int]) -> None:
        """Move the device clock's latest reading up to ``last`` (wall ms, counter) when it
        is below: a store rolled back to a backup in the same home must never stamp again
        what it stamped before the rollback (the clock never goes backwards)."""
        with self.engine.connect().execution_options(**{IMMEDIATE: True}) as conn, conn.begin():
            cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            cur.execute("UPDATE clock_state SET wall_ms = ?, counter = ? WHERE device = ? "
                        "AND (wall_ms < ? OR (wall_ms = ? AND counter < ?))",
                        (last[0], last[1], self.device_id, last[0], last[0], last[1]))

    def previous_devices(self) -> list[dict[str, str]]:
        """The device ids this store stamped with before its current one, oldest first:
        ``{"device", "until" (UTC ISO time), "reason"}``."""
        with self.read() as cur:
            row = cur.execute("SELECT value FROM sync_state WHERE key = ?",
                              (PREVIOUS_DEVICES,)).fetchone()
        return _previous(row[0] if row else None)

    @contextmanager
    def read(self) -> Iterator[sqlite.Cursor]:
        """A cursor over one consistent snapshot (a read transaction); rows are sqlite3.Row."""
        with self.engine.connect() as conn, conn.begin():
            cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            cur.row_factory = sqlite.Row
            yield cur

    def session(self) -> ReadSession:
        """A session for ORM reads."""
        from .read_session import ReadSession

        return ReadSession(self.engine)

    @contextmanager
    def write(self, user: str | None = None) -> Iterator[Writer]:
        """One write transaction: every change is logged, facts refreshed, all or nothing."""
        with self.engine.connect().execution_options(**{IMMEDIATE: True}) as conn, conn.begin():
            cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            last_ms, counter = cur.execute(
                "SELECT wall_ms, counter FROM clock_state WHERE device = ?",
                (self.device_id,)).fetchone()
            clock = HybridClock(self.device_id, (last_ms, counter), self.corrected_wall)
            writer = Writer(conn, clock, user if user is not None else self.user,
                            self.tables)
            yield writer
            if self.facts_deferred:
                pass  # bulk_load.finish() refreshes every household
            elif writer.thresholds_changed:
                facts.refresh(cur)
            elif writer.affected_households:
                facts.refresh(cur, writer.affected_households)
            ms, count = clock.last
            # The clock is saved with the changes it stamped: it can never go backwards.
            cur.execute("UPDATE clock_state SET wall_ms = ?, counter = ? WHERE device = ?",
                        (ms, count, self.device_id))

    def corrected_wall(self) -> int:
        """The wall clock in milliseconds, corrected by the offset the server told."""
        return self.wall() + self.clock_offset_ms

    def set_user(self, name: str) -> None:
        """Remember the local user's name (recorded in each change)."""
        with self.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE device SET user = ?", (name,))
        self.user = name



def _now_text() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _put_state(cur: sqlite.Cursor, values: dict[str, str]) -> None:
    cur.executemany("INSERT INTO sync_state (key, value) VALUES (?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value", values.items())


def _previous(text: str | None) -> list[dict[str, str]]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _switch_device(cur: sqlite.Cursor, old: str, user: str, reason: str) -> str:
    """Replace device ``old`` by a new id inside the caller's transaction; the new id.

    The new clock starts at the old one's last reading (and past every logged stamp), so
    every later stamp is later than all this store has made or seen. Logged changes and
    rows keep their stamps: unsent ones are sent as they were made (re-stamping them would
    move an old edit past the edits others made since, and the same change restored into
    two homes would become two). A login kept for the old id is not used by the new one."""
    new = secrets.token_hex(8)
    clock = cur.execute("SELECT wall_ms, counter FROM clock_state WHERE device = ?",
                        (old,)).fetchone() or (0, 0)
    [latest] = cur.execute("SELECT max(hlc) FROM change_log").fetchone()
    latest = row_clock.newest(cur, latest)  # rows loaded from a snapshot count too
    try:
        seen = Timestamp.decode(latest) if latest else None
    except ValueError:
        seen = None  # not a stamp this program makes: the device clock alone counts
    if seen is not None:
        clock = max(tuple(clock), (seen.wall_ms, seen.counter))
    cur.execute("DELETE FROM device")
    cur.execute("INSERT INTO device (id, created_at, user) VALUES (?, ?, ?)",
                (new, _now_text(), user or ""))
    cur.execute("DELETE FROM clock_state")
    cur.execute("INSERT INTO clock_state (device, wall_ms, counter) VALUES (?, ?, ?)",
                (new, clock[0], clock[1]))
    state = dict(cur.execute("SELECT key, value FROM sync_state WHERE key IN (?, ?, 'username')",
                             (PREVIOUS_DEVICES, LOGIN_DEVICE)).fetchall())
    previous = _previous(state.get(PREVIOUS_DEVICES))
    previous.append({"device": old, "until": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                     "reason": reason})
    values = {PREVIOUS_DEVICES: json.dumps(previous)}
    if state.get("username") and not state.get(LOGIN_DEVICE):
        values[LOGIN_DEVICE] = old  # the kept login (sync.account) was made with the old id
    _put_state(cur, values)
    log.warning("device id changed from %s to %s (%s): the server login must be made again",
                old, new, reason)
    return new

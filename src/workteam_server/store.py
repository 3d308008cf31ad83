"""Database access of the server: the engine, schema upgrades, accounts, tokens, changes.

SQLite (a file in the server home, zero set-up) or PostgreSQL (psycopg 3). The insert and
commit of pushes are serialised (PostgreSQL: an advisory transaction lock taken just before
the insert, so the checks of concurrent pushes still run side by side; SQLite: its single
writer, taken at BEGIN IMMEDIATE), so changes commit in ``seq`` order: a puller that has
seen seq N has seen every seq below N, and a cursor never skips a late commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import orjson
import sqlalchemy as sa
from sqlalchemy import Connection, Engine, event

from .models import (
    account_table,
    attachment_area_table,
    change_table,
    row_area_table,
    token_table,
)
from .scope import Scope

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# The newest migration (a test keeps it in step): a database already there opens without
# importing alembic, which is most of a CLI command's start-up time.
HEAD_REVISION = "0004"
PUSH_LOCK = 0x77746B73  # "wtks": the advisory lock key that serialises pushes


class StoreError(RuntimeError):
    """A database problem the CLI reports as one Chinese line."""


def sqlite_url(home: Path) -> str:
    """The default database: ``server.db`` in the server home."""
    return f"sqlite:///{home / 'server.db'}"


def make_engine(url: str, *, pool_size: int = 10) -> Engine:
    """An engine for ``url`` set up for the server's transactions."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 60, "check_same_thread": False},
                                  pool_size=pool_size, max_overflow=pool_size)

        @event.listens_for(engine, "connect")
        def _connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (below)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            # A writer takes the write lock at once: a deferred BEGIN that upgrades later can
            # fail with "database is locked" instead of waiting.
            write = conn.get_execution_options().get("write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    return sa.create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision (alembic, scripts in the package)."""
    if current_revision(engine) == HEAD_REVISION:
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn = conn.execution_options(write=True)
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
        conn.commit()


def current_revision(engine: Engine) -> str | None:
    """The schema revision of the database; None for a new one."""
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def now() -> dt.datetime:
    """The current time, naive UTC (as stored)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@dataclass(frozen=True, slots=True)
class AccountInfo:
    """An account as the routes and the CLI see it."""

    id: int
    name: str
    role: str
    scopes: tuple[str, ...]
    disabled: bool
    team_id: str | None = None
    device: str = ""  # the laptop of the token this request came with

    @property
    def scope(self) -> Scope:
        """What the account may read and write."""
        return Scope.of(self.role, self.scopes)


def _account(row: sa.Row) -> AccountInfo:
    scopes = tuple(s for s in row.scopes.split(",") if s)
    return AccountInfo(row.id, row.name, row.role, scopes, bool(row.disabled), row.team_id)


class ServerStore:
    """The server's database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    @classmethod
    def open(cls, url: str, *, pool_size: int = 10) -> ServerStore:
        """Open (and upgrade) the database at ``url``."""
        engine = make_engine(url, pool_size=pool_size)
        try:
            upgrade(engine)
        except sa.exc.OperationalError as e:
            engine.dispose()
            raise StoreError(f"无法打开服务器数据库：{e.orig}") from e
        return cls(engine)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A write transaction (SQLite: holding the write lock from the start)."""
        with self.engine.connect() as conn:
            conn.execution_options(write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def pushing(self) -> Iterator[Connection]:
        """A push transaction. The checks run first; :meth:`insert_changes` then serialises
        the insert and commit with every other push (see the module docstring)."""
        with self.writing() as conn:
            yield conn

    # ------------------------------------------------------------ accounts

    def add_account(self, name: str, role: str, scopes: Sequence[str], password_hash: str,
                    *, team_id: str | None = None) -> None:
        """Create an account; StoreError if the name is taken."""
        with self.writing() as conn:
            taken = conn.execute(sa.select(account_table.c.id)
                                 .where(account_table.c.name == name)).first()
            if taken:
                raise StoreError(f"用户“{name}”已存在")
            conn.execute(account_table.insert().values(
                name=name, role=role, scopes=",".join(scopes), password_hash=password_hash,
                disabled=False, created_at=now(), team_id=team_id))

    def accounts(self) -> list[AccountInfo]:
        """Every account, by name."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(account_table).order_by(account_table.c.name))
            return [_account(r) for r in rows]

    def account_login(self, name: str) -> tuple[AccountInfo, str] | None:
        """The account called ``name`` and its password hash, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(account_table)
                               .where(account_table.c.name == name)).first()
        return (_account(row), row.password_hash) if row else None

    def set_password_hash(self, account_id: int, password_hash: str) -> None:
        """Store a re-hashed password (argon2 parameters changed)."""
        with self.writing() as conn:
            conn.execute(account_table.update().where(account_table.c.id == account_id)
                         .values(password_hash=password_hash))

    def disable_account(self, name: str) -> None:
        """Disable an account and revoke its tokens at once."""
        with self.writing() as conn:
            done = conn.execute(account_table.update().where(account_table.c.name == name)
                                .values(disabled=True))
            if done.rowcount == 0:
                raise StoreError(f"没有用户“{name}”")
            self._revoke(conn, name)

    def revoke_tokens(self, name: str) -> int:
        """Revoke every token of account ``name``; the number revoked."""
        with self.writing() as conn:
            exists = conn.execute(sa.select(account_table.c.id)
                                  .where(account_table.c.name == name)).first()
            if exists is None:
                raise StoreError(f"没有用户“{name}”")
            return self._revoke(conn, name)

    @staticmethod
    def _revoke(conn: Connection, name: str) -> int:
        ids = sa.select(account_table.c.id).where(account_table.c.name == name).scalar_subquery()
        done = conn.execute(token_table.update()
                            .where(token_table.c.account_id == ids, token_table.c.revoked.is_(False))
                            .values(revoked=True))
        return done.rowcount

    # ------------------------------------------------------------ tokens

    def add_tokens(self, account_id: int, device: str,
                   tokens: Iterable[tuple[str, str, dt.datetime]],
                   *, rotating: str | None = None) -> bool:
        """Store new tokens (kind, SHA-256, expiry). With ``rotating`` (the hash of the
        refresh token being traded) the old token is retired in the same transaction and
        remembers the new refresh token as its successor; False if it may not be traded.

        A retired token may be traded once more while its successor has never been used nor
        revoked: the laptop never received the answer that carried the successor (a link cut
        at the wrong moment), so it still holds the old one and must not be logged out. The
        unused successor is revoked then; once a successor has been used, the old token is
        dead for good."""
        new_refresh = next((h for kind, h, _ in tokens if kind == "refresh"), None)
        with self.writing() as conn:
            if rotating is not None and not self._retire(conn, rotating, new_refresh):
                return False
            created = now()
            conn.execute(token_table.delete().where(token_table.c.account_id == account_id,
                                                    token_table.c.expires_at < created))
            conn.execute(token_table.insert(), [
                {"token_hash": h, "account_id": account_id, "kind": kind, "device": device[:100],
                 "expires_at": expires, "revoked": False, "created_at": created}
                for kind, h, expires in tokens])
            return True

    @staticmethod
    def _retire(conn: Connection, old: str, successor: str | None) -> bool:
        t = token_table
        row = conn.execute(sa.select(t.c.revoked, t.c.replaced_by)
                           .where(t.c.token_hash == old, t.c.kind == "refresh")).first()
        if row is None:
            return False
        if row.revoked:
            if row.replaced_by is None:
                return False  # revoked by logout or by an administrator
            unused = conn.execute(t.update().where(
                t.c.token_hash == row.replaced_by, t.c.revoked.is_(False),
                t.c.replaced_by.is_(None)).values(revoked=True))
            if unused.rowcount != 1:
                return False  # the successor was used (or revoked): this token is spent
            conn.execute(t.update().where(t.c.token_hash == old).values(replaced_by=successor))
            return True
        done = conn.execute(t.update().where(t.c.token_hash == old, t.c.revoked.is_(False))
                            .values(revoked=True, replaced_by=successor))
        return done.rowcount == 1

    def token(self, token_hash: str, kind: str) -> tuple[AccountInfo, dt.datetime, bool, str] | None:
        """The account behind a token, its expiry, whether it is revoked, and its device."""
        t, a = token_table, account_table
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(a, t.c.expires_at, t.c.revoked, t.c.device)
                .join(t, t.c.account_id == a.c.id)
                .where(t.c.token_hash == token_hash, t.c.kind == kind)).first()
        if row is None:
            return None
        return _account(row), row.expires_at, bool(row.revoked), row.device

    def revoke_token(self, token_hash: str) -> None:
        """Revoke one token (logout)."""
        with self.writing() as conn:
            conn.execute(token_table.update().where(token_table.c.token_hash == token_hash)
                         .values(revoked=True))

    # ------------------------------------------------------------ changes

    def known_ids(self, conn: Connection, ids: Sequence[str]) -> set[str]:
        """Which of ``ids`` the server already has."""
        if self.dialect == "postgresql":
            return set(conn.execute(sa.text('SELECT id FROM change WHERE id = ANY(:ids)'),
                                    {"ids": list(ids)}).scalars())
        found: set[str] = set()
        for i in range(0, len(ids), 1000):
            part = ids[i:i + 1000]
            found.update(conn.execute(sa.select(change_table.c.id)
                                      .where(change_table.c.id.in_(part))).scalars())
        return found

    def row_areas(self, conn: Connection, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """The area codes of known rows, for (entity, row id) keys."""
        if self.dialect == "postgresql":
            keys = list(keys)
            rows = conn.execute(sa.text(
                "SELECT r.entity, r.row_id, r.area_code FROM row_area r "
                "JOIN unnest(CAST(:e AS text[]), CAST(:r AS text[])) AS k(entity, row_id) "
                "ON r.entity = k.entity AND r.row_id = k.row_id"),
                {"e": [k[0] for k in keys], "r": [k[1] for k in keys]})
            return {(e, r): c for e, r, c in rows}
        by_entity: dict[str, list[str]] = {}
        for entity, row_id in keys:
            by_entity.setdefault(entity, []).append(row_id)
        found: dict[tuple[str, str], str] = {}
        t = row_area_table
        for entity, row_ids in by_entity.items():
            unique = sorted(set(row_ids))
            for i in range(0, len(unique), 1000):
                rows = conn.execute(sa.select(t.c.row_id, t.c.area_code).where(
                    t.c.entity == entity, t.c.row_id.in_(unique[i:i + 1000])))
                found.update({(entity, r.row_id): r.area_code for r in rows})
        return found

    def insert_changes(self, conn: Connection, rows: list[dict], new_areas: dict[tuple[str, str], str],
                       attachment_areas: set[tuple[str, str]]) -> set[str]:
        """Insert accepted changes (in the order given) and the areas of new rows; the ids
        actually inserted (one already present is left alone: ON CONFLICT DO NOTHING).

        From here to the commit, pushes run one at a time, so seqs become visible in order.
        """
        if self.dialect == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": PUSH_LOCK})
            return self._insert_pg(conn, rows, new_areas, attachment_areas)
        inserted: set[str] = set()
        if rows:
            stmt = self._insert(change_table).on_conflict_do_nothing(index_elements=["id"])
            for i in range(0, len(rows), 1000):
                result = conn.execute(stmt.returning(change_table.c.id,
                                                     sort_by_parameter_order=True),
                                      rows[i:i + 1000])
                inserted.update(result.scalars())
        if new_areas:
            stmt = self._insert(row_area_table)
            stmt = stmt.on_conflict_do_update(index_elements=["entity", "row_id"],
                                              set_={"area_code": stmt.excluded.area_code})
            conn.execute(stmt, [{"entity": e, "row_id": r, "area_code": c}
                                for (e, r), c in new_areas.items()])
        if attachment_areas:
            stmt = self._insert(attachment_area_table).on_conflict_do_nothing()
            conn.execute(stmt, [{"sha256": s, "area_code": c} for s, c in attachment_areas])
        return inserted

    @staticmethod
    def _insert_pg(conn: Connection, rows: list[dict], new_areas: dict[tuple[str, str], str],
                   attachment_areas: set[tuple[str, str]]) -> set[str]:
        """PostgreSQL: whole columns as arrays, one short statement per table (a long
        multi-row VALUES costs more to build and parse than to run)."""
        inserted: set[str] = set()
        if rows:
            # One JSON text parameter: PostgreSQL unpacks it in C, much faster than psycopg
            # adapting thousands of separate values.
            inserted = set(conn.execute(sa.text(
                "INSERT INTO change (id, entity, row_id, area_code, account, body) "
                "SELECT j->>'id', j->>'entity', j->>'row_id', j->>'area_code', j->>'account', j->>'body' "
                "FROM json_array_elements(CAST(:rows AS json)) WITH ORDINALITY AS t(j, n) "
                "ORDER BY n ON CONFLICT (id) DO NOTHING RETURNING id"),
                {"rows": orjson.dumps(rows).decode()}).scalars())
        if new_areas:
            conn.execute(sa.text(
                "INSERT INTO row_area (entity, row_id, area_code) "
                "SELECT * FROM unnest(CAST(:e AS text[]), CAST(:r AS text[]), CAST(:c AS text[])) "
                "ON CONFLICT (entity, row_id) DO UPDATE SET area_code = EXCLUDED.area_code"),
                {"e": [k[0] for k in new_areas], "r": [k[1] for k in new_areas],
                 "c": list(new_areas.values())})
        if attachment_areas:
            conn.execute(sa.text(
                "INSERT INTO attachment_area (sha256, area_code) "
                "SELECT * FROM unnest(CAST(:s AS text[]), CAST(:c AS text[])) ON CONFLICT DO NOTHING"),
                {"s": [a[0] for a in attachment_areas], "c": [a[1] for a in attachment_areas]})
        return inserted

    @staticmethod
    def log_end(conn: Connection) -> int:
        """The last seq of the log (0 when empty)."""
        return conn.execute(sa.select(sa.func.max(change_table.c.seq))).scalar() or 0

    def _insert(self, table: sa.Table):  # type: ignore[no-untyped-def]
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table)

    def pull(self, scope: Scope, after: int, limit: int) -> tuple[list[tuple[int, str]], int, bool]:
        """Changes in ``scope`` after seq ``after``: (seq, body) rows, the new cursor, more?

        The end of the log is read first; every seq up to it is committed (pushes commit in
        seq order), so a cursor at that end skips nothing that commits later.
        """
        c = change_table.c
        with self.engine.connect() as conn:
            high = conn.execute(sa.select(sa.func.max(c.seq))).scalar() or 0
            if after >= high:
                conn.rollback()
                return [], high, False
            query = sa.select(c.seq, c.body).where(c.seq > after, c.seq <= high)
            ranges, above = scope.read_filter()
            if not scope.everything:
                parts = [sa.and_(c.area_code >= low, c.area_code < top) for low, top in ranges]
                if above:
                    parts.append(c.area_code.in_(above))
                query = query.where(sa.or_(*parts))
            rows = [(r[0], r[1]) for r in conn.execute(query.order_by(c.seq).limit(limit))]
            conn.rollback()
        if len(rows) == limit:
            return rows, rows[-1][0], rows[-1][0] < high
        return rows, high, False

    def change_count(self) -> int:
        """How many changes the server holds."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(change_table)).scalar() or 0

    def attachment_areas(self, sha256: str) -> list[str]:
        """The area codes of the rows that point at an attachment."""
        t = attachment_area_table
        with self.engine.connect() as conn:
            return list(conn.execute(sa.select(t.c.area_code).where(t.c.sha256 == sha256)).scalars())

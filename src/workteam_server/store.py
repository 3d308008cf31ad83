"""Database access of the server: the engine, schema upgrades, accounts, tokens, changes.

SQLite (a file in the server home, zero set-up) or PostgreSQL (psycopg 3). The insert and
commit of pushes are serialised (PostgreSQL: an advisory transaction lock taken just before
the insert, so the checks of concurrent pushes still run side by side; SQLite: its single
writer, taken at BEGIN IMMEDIATE), so changes commit in ``seq`` order: a puller that has
seen seq N has seen every seq below N, and a cursor never skips a late commit.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
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
    throttle_table,
    token_table,
    upload_table,
)
from .scope import Scope

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# The newest migration (a test keeps it in step): a database already there opens without
# importing alembic, which is most of a CLI command's start-up time.
HEAD_REVISION = "0006"
PUSH_LOCK = 0x77746B73  # "wtks": the advisory lock key that serialises pushes
ATTACHMENT_LOCK = 0x77746B61  # "wtka": the advisory lock space of one attachment's hash
SWEEP_LOCK = 0x77746B63  # "wtkc": held by the one worker cleaning attachments up
# What a pull answer adds to a stored change body: `{"seq":N,` for its `{` and a comma.
PAGE_ROW_OVERHEAD = 28
PULL_FETCH = 500  # rows fetched at a time while a pull page is filled by size


def in_scope(scope: Scope) -> sa.ColumnElement[bool] | None:
    """The SQL condition on ``change.area_code`` of the changes ``scope`` reads, as index
    ranges (one per prefix) and the exact codes above it; None for everything (an admin).
    Pull and the snapshot (snapshot.py) read through this one filter."""
    if scope.everything:
        return None
    c = change_table.c
    ranges, above = scope.read_filter()
    parts = [sa.and_(c.area_code >= low, c.area_code < top) for low, top in ranges]
    if above:
        parts.append(c.area_code.in_(above))
    # An account without any scope reads nothing (or_ of no parts is not valid SQL).
    return sa.or_(*parts) if parts else sa.false()


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


@dataclass(frozen=True, slots=True)
class Trade:
    """What became of a refresh token handed in (:meth:`ServerStore.trade_refresh`, logout)."""

    outcome: str  # traded | replayed | reused | refused | ended
    account: AccountInfo | None = None
    device: str = ""
    family: str | None = None
    sealed: bytes | None = None  # replayed: the first trade's answer, still sealed
    reason: str = ""  # refused: unknown | expired | revoked | disabled


@dataclass(frozen=True, slots=True)
class Throttle:
    """The failed logins of one key (``user:<name>`` or ``addr:<ip>``) and its lockout."""

    key: str
    failures: int
    last_failure_at: dt.datetime
    locked_until: dt.datetime | None


def new_family() -> str:
    """A new token family id (one per login; every token traded from it inherits it)."""
    return secrets.token_hex(16)


def _refresh_hash(tokens: Iterable[tuple[str, str, dt.datetime]]) -> str:
    return next(h for kind, h, _ in tokens if kind == "refresh")


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
        # Counted: the tokens that still worked; sealed trade answers go too (nobody may
        # collect a successor of a revoked login).
        done = conn.execute(token_table.update()
                            .where(token_table.c.account_id == ids, token_table.c.revoked.is_(False))
                            .values(revoked=True, sealed_answer=None))
        conn.execute(token_table.update()
                     .where(token_table.c.account_id == ids, token_table.c.sealed_answer.is_not(None))
                     .values(sealed_answer=None))
        return done.rowcount

    # ------------------------------------------------------------ tokens

    def start_family(self, conn: Connection, account_id: int, device: str, family: str,
                     tokens: Iterable[tuple[str, str, dt.datetime]], *,
                     sealed_before: dt.datetime) -> int:
        """Store the tokens of a login (kind, SHA-256, expiry) as a new family, in the
        caller's write transaction, and end every other family of the same account on the
        same laptop (a laptop holds one login; the tokens of its earlier logins are of no
        use to anyone but a thief). Sealed trade answers of the account older than
        ``sealed_before`` are dropped on the way. The number of tokens ended. An empty
        ``device`` ends nothing: unnamed clients cannot be told apart."""
        t = token_table
        device = device[:100]
        ended = 0
        if device:
            ended = conn.execute(t.update().where(
                t.c.account_id == account_id, t.c.device == device,
                sa.or_(t.c.revoked.is_(False), t.c.sealed_answer.is_not(None)))
                .values(revoked=True, sealed_answer=None)).rowcount
        self._insert_tokens(conn, account_id, device, family, tokens)
        self._forget_sealed(conn, sealed_before, account_id)
        return ended

    def trade_refresh(self, old: str, tokens: Sequence[tuple[str, str, dt.datetime]],
                      sealed: bytes, *, sealed_before: dt.datetime) -> Trade:
        """Trade the refresh token whose SHA-256 is ``old`` for ``tokens`` in one transaction.

        - An unused token is traded: it remembers its successor, the time, and ``sealed``
          (the answer, sealed for the holder of the old token); the new tokens join its
          family.
        - A token traded after ``sealed_before`` whose successor is still unused is a retry
          of the same trade (the answer was lost on a cut link): the first trade's sealed
          answer comes back and nothing new is made, however many retries run at once.
        - Any other use of a traded token (after the grace window, or once the successor
          was traded in turn) means two parties hold the family's tokens: the whole family
          is revoked ("reused").
        - Unknown, expired, revoked (logout, administrator, ended family) or a disabled
          account: "refused", nothing changes.
        """
        t = token_table
        at = now()
        with self.writing() as conn:
            # The row lock makes simultaneous trades of one token queue here (SQLite: the
            # write lock taken at BEGIN does the same), so only one of them can trade.
            row = conn.execute(sa.select(t).where(t.c.token_hash == old, t.c.kind == "refresh")
                               .with_for_update()).first()
            if row is None:
                return Trade("refused", reason="unknown")
            account = conn.execute(sa.select(account_table)
                                   .where(account_table.c.id == row.account_id)).first()
            info = _account(account)
            base = {"account": info, "device": row.device, "family": row.family}
            if info.disabled:
                return Trade("refused", reason="disabled", **base)
            if row.expires_at < at:
                return Trade("refused", reason="expired", **base)
            if row.replaced_by is None:
                if row.revoked:
                    return Trade("refused", reason="revoked", **base)
                family = row.family or new_family()  # a token from before families existed
                conn.execute(t.update().where(t.c.id == row.id).values(
                    revoked=True, replaced_by=_refresh_hash(tokens), rotated_at=at,
                    sealed_answer=sealed, family=family))
                self._insert_tokens(conn, row.account_id, row.device, family, tokens)
                self._forget_sealed(conn, sealed_before, row.account_id)
                return Trade("traded", account=info, device=row.device, family=family)
            if row.family is None:
                return Trade("refused", reason="revoked", **base)  # spent before families
            successor = conn.execute(sa.select(t.c.revoked, t.c.replaced_by)
                                     .where(t.c.token_hash == row.replaced_by)).first()
            if (row.sealed_answer is not None and row.rotated_at is not None
                    and row.rotated_at >= sealed_before and successor is not None
                    and not successor.revoked and successor.replaced_by is None):
                return Trade("replayed", sealed=row.sealed_answer, **base)
            if self._family_alive(conn, row.family):
                self._end_family(conn, row.family)
                return Trade("reused", **base)
            return Trade("refused", reason="revoked", **base)

    def end_family(self, token_hash: str) -> Trade:
        """Logout: end the family of a refresh token (every access and refresh token of it);
        a token from before families existed is revoked alone. "ended" with the account when
        something still worked; "refused" for an unknown token or an ended family."""
        t = token_table
        with self.writing() as conn:
            row = conn.execute(sa.select(t.c.id, t.c.account_id, t.c.device, t.c.family)
                               .where(t.c.token_hash == token_hash, t.c.kind == "refresh")).first()
            if row is None:
                return Trade("refused", reason="unknown")
            if row.family is not None:
                alive = self._family_alive(conn, row.family)
                self._end_family(conn, row.family)
            else:
                alive = conn.execute(t.update().where(t.c.id == row.id, t.c.revoked.is_(False))
                                     .values(revoked=True, sealed_answer=None)).rowcount > 0
            account = conn.execute(sa.select(account_table)
                                   .where(account_table.c.id == row.account_id)).first()
            return Trade("ended" if alive else "refused", account=_account(account),
                         device=row.device, family=row.family, reason="" if alive else "revoked")

    def forget_sealed_answers(self, before: dt.datetime) -> int:
        """Drop every sealed trade answer older than ``before`` (past the grace window); how
        many. The trades of an account are swept at its next login or refresh anyway: this
        catches the accounts that went quiet."""
        with self.writing() as conn:
            return self._forget_sealed(conn, before, None)

    @staticmethod
    def _insert_tokens(conn: Connection, account_id: int, device: str, family: str,
                       tokens: Iterable[tuple[str, str, dt.datetime]]) -> None:
        created = now()
        # Expired tokens of the account go on the way (the table never grows by itself).
        conn.execute(token_table.delete().where(token_table.c.account_id == account_id,
                                                token_table.c.expires_at < created))
        conn.execute(token_table.insert(), [
            {"token_hash": h, "account_id": account_id, "kind": kind, "device": device[:100],
             "expires_at": expires, "revoked": False, "created_at": created, "family": family}
            for kind, h, expires in tokens])

    @staticmethod
    def _forget_sealed(conn: Connection, before: dt.datetime, account_id: int | None) -> int:
        t = token_table
        query = t.update().where(t.c.sealed_answer.is_not(None), t.c.rotated_at < before)
        if account_id is not None:
            query = query.where(t.c.account_id == account_id)
        return conn.execute(query.values(sealed_answer=None)).rowcount

    @staticmethod
    def _family_alive(conn: Connection, family: str) -> bool:
        t = token_table
        return conn.execute(sa.select(t.c.id).where(
            t.c.family == family, t.c.kind == "refresh", t.c.revoked.is_(False)).limit(1)).first() is not None

    @staticmethod
    def _end_family(conn: Connection, family: str) -> None:
        t = token_table
        conn.execute(t.update().where(t.c.family == family,
                                      sa.or_(t.c.revoked.is_(False), t.c.sealed_answer.is_not(None)))
                     .values(revoked=True, sealed_answer=None))

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

    # ------------------------------------------------------------ login throttle

    def throttles(self, keys: Sequence[str]) -> dict[str, Throttle]:
        """The failed-login state of each key that has one ("user:<name>", "addr:<ip>")."""
        t = throttle_table
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(t).where(t.c.key.in_(list(keys)))).all()
            conn.rollback()
        return {r.key: Throttle(r.key, r.failures, r.last_failure_at, r.locked_until) for r in rows}

    def note_login_failure(self, conn: Connection, keys: Sequence[str], *, lock_at: int,
                           lockout: dt.timedelta) -> list[Throttle]:
        """Count one failed login against each key, in the caller's transaction: a key
        reaching ``lock_at`` failures is locked for ``lockout``; the first failure after a
        lockout has ended starts the count again. The new state of each key."""
        t = throttle_table
        at = now()
        out = []
        # Always the same order, so two workers counting the same keys cannot deadlock.
        for key in sorted(set(keys)):
            conn.execute(self._insert(t).on_conflict_do_nothing(index_elements=["key"]),
                         {"key": key, "failures": 0, "last_failure_at": at, "locked_until": None})
            row = conn.execute(sa.select(t).where(t.c.key == key).with_for_update()).one()
            failures, locked = row.failures + 1, row.locked_until
            if locked is not None and locked <= at:
                failures, locked = 1, None
            if failures >= lock_at and locked is None:
                locked = at + lockout
            conn.execute(t.update().where(t.c.key == key).values(
                failures=failures, last_failure_at=at, locked_until=locked))
            out.append(Throttle(key, failures, at, locked))
        return out

    @staticmethod
    def clear_login_failures(conn: Connection, keys: Sequence[str]) -> int:
        """Forget the failed logins (and lockout) of ``keys``, in the caller's transaction;
        how many keys had any."""
        return conn.execute(throttle_table.delete()
                            .where(throttle_table.c.key.in_(list(keys)))).rowcount


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
            # SQLite: the push transaction holds the one write lock from its BEGIN, so the
            # ids ``known_ids`` did not find are still new here: one executemany in C, no
            # RETURNING (which SQLAlchemy would run row by row: most of a bulk push's time).
            # The conflict clause stays as a guard and the count proves it did nothing.
            cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            before = conn.connection.driver_connection.total_changes  # type: ignore[union-attr]
            cur.executemany(
                "INSERT INTO change (id, entity, row_id, area_code, account, device, body) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                [(r["id"], r["entity"], r["row_id"], r["area_code"], r["account"], r["device"],
                  r["body"]) for r in rows])
            added = conn.connection.driver_connection.total_changes - before  # type: ignore[union-attr]
            if added != len(rows):
                raise StoreError("并发上传写入了同一批更改（SQLite 写锁未生效），本批未存储")
            inserted = {r["id"] for r in rows}
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
                "INSERT INTO change (id, entity, row_id, area_code, account, device, body) "
                "SELECT j->>'id', j->>'entity', j->>'row_id', j->>'area_code', j->>'account', "
                "j->>'device', j->>'body' "
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

    def pull(self, scope: Scope, after: int, limit: int, max_bytes: int | None = None, *,
             skip_device: str | None = None) -> tuple[list[tuple[int, str]], int, bool]:
        """Changes in ``scope`` after seq ``after``: (seq, body) rows, the new cursor, more?

        ``skip_device``: the changes that device pushed are left out (no echo: a laptop
        already holds what it pushed); the cursor still moves past them.

        A page holds at most ``limit`` rows and, when ``max_bytes`` is given, stops before
        the row that would take its size (each body in UTF-8 plus :data:`PAGE_ROW_OVERHEAD`,
        what the pull answer adds around it) past ``max_bytes``; a first row larger than
        that comes alone. Rows are read as they are needed (a server-side cursor on
        PostgreSQL), so a page of large changes never loads ``limit`` of them. The cursor is
        the last row returned whenever the page stopped early, so the next pull continues
        exactly after it.

        The end of the log is read first; every seq up to it is committed (pushes commit in
        seq order), so a cursor at that end skips nothing that commits later.
        """
        c = change_table.c
        full = False
        with self.engine.connect() as conn:
            high = conn.execute(sa.select(sa.func.max(c.seq))).scalar() or 0
            if after >= high:
                conn.rollback()
                return [], high, False
            query = sa.select(c.seq, c.body).where(c.seq > after, c.seq <= high)
            if skip_device:
                query = query.where(sa.or_(c.device.is_(None), c.device != skip_device))
            readable = in_scope(scope)
            if readable is not None:
                query = query.where(readable)
            query = query.order_by(c.seq).limit(limit)
            rows: list[tuple[int, str]] = []
            if max_bytes is None:
                rows = [(r[0], r[1]) for r in conn.execute(query)]
            else:
                size = 0
                result = conn.execute(query.execution_options(yield_per=PULL_FETCH))
                for seq, body in result:
                    cost = (len(body) if body.isascii() else len(body.encode())) + PAGE_ROW_OVERHEAD
                    if rows and size + cost > max_bytes:
                        full = True
                        break
                    rows.append((seq, body))
                    size += cost
                result.close()
            conn.rollback()
        if full or len(rows) == limit:
            # The rows after the last one returned (up to ``high``) wait for the next page.
            return rows, rows[-1][0], full or rows[-1][0] < high
        return rows, high, False

    def change_count(self) -> int:
        """How many changes the server holds."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(change_table)).scalar() or 0

    # ------------------------------------------------------------ attachments
    # Bytes are readable through a row (attachment_area) only when an upload record of the
    # same hash has that row's area in its uploader's scope (attachments.py says why).

    def _in_uploader_scope(self) -> str:
        """SQL: some ``attachment_area`` of the upload's hash lies in the scope recorded with
        ``attachment_upload`` (comma-separated prefixes; ``""`` = an admin's everything)."""
        if self.dialect == "postgresql":
            split = "unnest(string_to_array(attachment_upload.scopes, ',')) AS p(code)"
            match = 'left(a.area_code, length(p.code)) = p.code COLLATE "C"'
        else:  # SQLite splits through JSON (prefixes are digits, '#' and hex: nothing to escape)
            split = "json_each('[\"' || replace(attachment_upload.scopes, ',', '\",\"') || '\"]') AS p"
            match = "substr(a.area_code, 1, length(p.value)) = p.value"
        return ("EXISTS (SELECT 1 FROM attachment_area a WHERE a.sha256 = attachment_upload.sha256 "
                f"AND (attachment_upload.scopes = '' OR EXISTS (SELECT 1 FROM {split} WHERE {match})))")

    def _lock_attachment(self, conn: Connection, sha256: str) -> None:
        """Serialise the writers of one hash (uploads, clean-ups) until the commit, so a
        clean-up never deletes a file an upload has just recorded. SQLite: its single
        writer does that already."""
        if self.dialect == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(CAST(:space AS integer), "
                                 "CAST(:key AS integer))"),
                         {"space": ATTACHMENT_LOCK, "key": int(sha256[:8], 16) - 2**31})

    def attachment_readable(self, sha256: str, scope: Scope) -> bool:
        """Whether a reader of ``scope`` may download the bytes: a row pointing at them in
        an area it reads, and that area inside the scope of someone who uploaded them."""
        a, u = attachment_area_table, upload_table
        with self.engine.connect() as conn:
            areas = [c for c in conn.execute(sa.select(a.c.area_code).where(a.c.sha256 == sha256))
                     .scalars() if scope.can_read(c)]
            if not areas:
                return False
            uploads = [_upload_prefixes(s) for s in
                       conn.execute(sa.select(u.c.scopes).where(u.c.sha256 == sha256)).scalars()]
        return any(c.startswith(p) for c in areas for prefixes in uploads for p in prefixes)

    def attachments_uploaded_for(self, sha256s: Sequence[str], scope: Scope) -> set[str]:
        """The hashes whose bytes were uploaded within every prefix of ``scope`` (by the
        caller or by anyone whose scope holds the caller's): the caller's rows anywhere in
        its scope can be read through them, so its laptop need not upload them again.
        Every prefix, not just one: a supervisor of two townships whose photo a village
        member uploaded must still upload it for its rows in the other township."""
        if not scope.prefixes:
            return set()
        u = upload_table
        found: dict[str, list[tuple[str, ...]]] = {}
        unique = sorted(set(sha256s))
        with self.engine.connect() as conn:
            for i in range(0, len(unique), 1000):
                for sha, scopes in conn.execute(sa.select(u.c.sha256, u.c.scopes)
                                                .where(u.c.sha256.in_(unique[i:i + 1000]))):
                    found.setdefault(sha, []).append(_upload_prefixes(scopes))
        return {sha for sha, uploads in found.items()
                if all(any(mine.startswith(p) for prefixes in uploads for p in prefixes)
                       for mine in scope.prefixes)}

    def record_upload(self, sha256: str, account: AccountInfo, size: int, quota: int,
                      place: Callable[[], None]) -> bool:
        """Record that ``account`` uploaded the bytes of ``sha256`` (checked by the caller),
        with its scope now, and call ``place`` (moving the file into place) before the
        commit, under the hash's lock. False, with nothing recorded or placed, when a new
        upload would take the account past ``quota`` bytes.

        The same account sending the same bytes again is not counted twice; its record then
        holds its old and new scope prefixes (the bytes were uploaded within both) and a
        new time (the age of an unreferenced upload starts again)."""
        u = upload_table
        scopes = ",".join(account.scope.prefixes)
        with self.writing() as conn:
            # One upload of an account at a time (PostgreSQL: the account's row; SQLite: the
            # single writer), so two at once cannot both fit under the quota. NO KEY UPDATE:
            # logins of the account (tokens point at it) need not wait.
            conn.execute(sa.select(account_table.c.id).where(account_table.c.id == account.id)
                         .with_for_update(key_share=True))
            self._lock_attachment(conn, sha256)
            mine = (u.c.sha256 == sha256) & (u.c.account_id == account.id)
            earlier = conn.execute(sa.select(u.c.scopes).where(mine)).first()
            if earlier is None:
                used = conn.execute(sa.select(sa.func.coalesce(sa.func.sum(u.c.size), 0))
                                    .where(u.c.account_id == account.id)).scalar() or 0
                if used + size > quota:
                    return False
                conn.execute(u.insert().values(sha256=sha256, account_id=account.id, scopes=scopes,
                                               size=size, uploaded_at=now()))
            else:
                conn.execute(u.update().where(mine).values(
                    scopes=_merge_prefixes(earlier.scopes, scopes), uploaded_at=now()))
            place()
        return True

    def unreferenced_uploads(self, before: dt.datetime) -> list[tuple[str, int]]:
        """(hash, account id) of the uploads made before ``before`` that no row in their
        uploader's scope points to."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.text(
                "SELECT sha256, account_id FROM attachment_upload WHERE uploaded_at < :before "
                f"AND NOT {self._in_uploader_scope()} ORDER BY sha256"), {"before": before})
            return [(r[0], r[1]) for r in rows]

    def remove_unreferenced_upload(self, sha256: str, account_id: int, before: dt.datetime,
                                   remove_file: Callable[[], int]) -> tuple[bool, int | None]:
        """Delete one upload record if it is still unreferenced and older than ``before``
        (checked again under the hash's lock: a row or a new upload may have come since it
        was listed), and, when no record of the hash is left, the file (``remove_file``,
        before the commit, still under the lock). Whether the record went, and the bytes
        freed or None when the file stays."""
        with self.writing() as conn:
            self._lock_attachment(conn, sha256)
            done = conn.execute(sa.text(
                "DELETE FROM attachment_upload WHERE sha256 = :sha AND account_id = :account "
                f"AND uploaded_at < :before AND NOT {self._in_uploader_scope()}"),
                {"sha": sha256, "account": account_id, "before": before})
            if done.rowcount == 0:
                return False, None
            left = conn.execute(sa.select(sa.func.count()).select_from(upload_table)
                                .where(upload_table.c.sha256 == sha256)).scalar()
            return True, (remove_file() if not left else None)

    def uploaded(self, sha256s: Sequence[str]) -> set[str]:
        """Which of these hashes have an upload record."""
        u = upload_table
        found: set[str] = set()
        with self.engine.connect() as conn:
            for i in range(0, len(sha256s), 1000):
                found.update(conn.execute(sa.select(u.c.sha256).distinct()
                                          .where(u.c.sha256.in_(sha256s[i:i + 1000]))).scalars())
        return found

    def remove_orphan_file(self, sha256: str, remove_file: Callable[[], int]) -> int | None:
        """Delete a stored file that has no upload record and that no row points to
        (checked under the hash's lock); the bytes freed, or None when it stays."""
        a, u = attachment_area_table, upload_table
        with self.writing() as conn:
            self._lock_attachment(conn, sha256)
            for table in (u, a):
                if conn.execute(sa.select(table.c.sha256).where(table.c.sha256 == sha256)
                                .limit(1)).first():
                    return None
            return remove_file()

    @contextmanager
    def attachment_sweep(self) -> Iterator[bool]:
        """Whether this process may clean attachments up now: on PostgreSQL one worker of
        all the servers at a time (a session lock, given up at the end); on SQLite always
        (its single writer already runs the removals one by one, each re-checked)."""
        if self.dialect != "postgresql":
            yield True
            return
        with self.engine.connect() as conn:
            mine = bool(conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"),
                                     {"k": SWEEP_LOCK}).scalar())
            conn.commit()
            try:
                yield mine
            finally:
                if mine:
                    conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": SWEEP_LOCK})
                    conn.commit()

    def attachment_usage(self) -> list[UploadUsage]:
        """Per account, by name: the files and bytes its upload records hold (its quota)."""
        a, u = account_table, upload_table
        query = (sa.select(a.c.name, a.c.role, sa.func.count(u.c.sha256),
                           sa.func.coalesce(sa.func.sum(u.c.size), 0))
                 .select_from(a.outerjoin(u, u.c.account_id == a.c.id))
                 .group_by(a.c.id, a.c.name, a.c.role).order_by(a.c.name))
        with self.engine.connect() as conn:
            return [UploadUsage(r[0], r[1], int(r[2]), int(r[3])) for r in conn.execute(query)]

    def attachment_totals(self) -> tuple[int, int]:
        """Distinct files recorded and their bytes (what the attachment folder should hold)."""
        u = upload_table
        per_file = (sa.select(u.c.sha256, sa.func.max(u.c.size).label("size"))
                    .group_by(u.c.sha256).subquery())
        with self.engine.connect() as conn:
            files, total = conn.execute(sa.select(sa.func.count(),
                                                  sa.func.coalesce(sa.func.sum(per_file.c.size), 0))
                                        .select_from(per_file)).one()
        return int(files), int(total)


@dataclass(frozen=True, slots=True)
class UploadUsage:
    """The attachment bytes one account has uploaded (``attachments usage``)."""

    name: str
    role: str
    files: int
    bytes: int


def _upload_prefixes(scopes: str) -> tuple[str, ...]:
    """The prefixes of an upload record (``""`` stored for an admin: the empty prefix)."""
    return tuple(scopes.split(",")) if scopes else ("",)


def _merge_prefixes(old: str, new: str) -> str:
    """Both scopes of an account that uploaded the same bytes twice (an admin's covers all)."""
    if not old or not new:
        return ""
    return ",".join(sorted(set(old.split(",")) | set(new.split(","))))

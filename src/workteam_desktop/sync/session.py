"""One network sync: push the outbox, upload attachments, pull, download, new forms.

Every step is safe to cut at any moment and to repeat:
- push: each batch is marked in ONE local transaction when its answer arrives; an answer
  lost on a cut link leaves the batch unmarked, and the next push gets ``duplicate``;
- snapshot: an empty store of a scope with many rows first loads the server's snapshot
  (``store.snapshot_load``): downloaded by ranges into the home (a cut download resumes),
  its hash checked, loaded with its position as the cursor in ONE transaction; the pull
  goes on from there. A snapshot that cannot be loaded is dropped and the pull starts
  from the beginning instead;
- pull: each page is merged together with the cursor it reached in ONE transaction
  (``store.changes.apply_page``); a page fetched again changes nothing; the server leaves
  out what this laptop pushed itself (no echo) but after a rollback; into an empty
  store the pages are a bulk load (``store.bulk_load``): indexes and facts at the end;
- attachments and forms are written to a temporary file and renamed, after their hash
  is checked; what is left undone is found again at the next sync.
Progress is reported and cancel is checked between batches and pages.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson

from ..domain.forms import FormDefinitionError, parse_form
from ..paths import forms_dir
from ..store import bulk_load, migrate, snapshot_load, snapshot_store, sync_state
from ..store.attachments import content_path, read_content, write_content
from ..store.changes import apply, apply_page
from ..store.clock_skew import learn_offset, restamp_ahead
from ..store.compact import after_merge
from ..store.held import held, merge_screened, retry_held
from ..store.merge import collector_off
from ..store.outbox import Outgoing, Rejection, next_batch, pending_count, record_push
from ..store.sealed import write_file
from ..store.setup import PROVISIONAL_TEAM, adopt_server_team, is_demo, joined_values
from ..store.store import Store
from .account import Account
from .client import PullPage, PushResult, SnapshotInfo, SyncClient, push_body
from .errors import DemoHome, PushTooLarge, ServerError, SyncCancelled, SyncError

log = logging.getLogger(__name__)

PUSH_BATCH = 2000  # changes in a sync's first push request
PUSH_BATCH_MAX = 20000  # a bulk push grows to this (the server takes up to 20,000)
PUSH_BYTES = 16 * 1024 * 1024  # JSON per push request at most (half the server's default limit, 32 MB)
PULL_PAGE = 5000  # changes asked for in the first pull request
PULL_PAGE_MIN, PULL_PAGE_MAX = 500, 20000  # pages shrink and grow between these (server: 20,000)
_FAST_FETCH, _SLOW_FETCH = 2.0, 10.0  # seconds per page under which it grows, over which it shrinks
_CHECK_BATCH = 500  # attachment hashes per "missing?" question
SNAPSHOT_MIN_ROWS = 20000  # an empty store of a scope with fewer rows pulls change by change
SNAPSHOT_PART = 8 * 1024 * 1024  # bytes of a snapshot asked for per request
SNAPSHOT_DIR = "snapshot"  # <home>/snapshot/<sha256>.part: a snapshot file being downloaded
FORMS_DIR = "forms"  # <home>/forms/<form id>/v<n>.json: versions received from the server

# sync_state keys of how far attachment content has been handled (the download's is also
# read by store/compact.py, which keeps the changes past it logged).
_UP_SEQ = "attachments_up_seq"  # local attachment changes up to here: content uploaded
_DOWN_SEQ = sync_state.ATTACHMENTS_DOWN_SEQ  # received attachment changes up to here: content fetched
_DOWN_LATER = "attachments_not_on_server"  # JSON list: named, but not uploaded yet by their owner
_SHA = re.compile(r"^[0-9a-f]{64}$")
_FORM_ID = re.compile(r"^[a-z][a-z0-9_]*$")

Progress = Callable[[int, "int | None", str], None]
Cancel = Callable[[], bool]


@dataclass(slots=True)
class SyncReport:
    """What one sync did."""

    pushed: int = 0  # accepted by the server
    duplicates: int = 0  # the server had them already (a repeated batch)
    rejected: int = 0  # refused, reason kept in sync_rejection
    pulled: int = 0  # changes received
    applied: int = 0  # of those, new here (not our own, not seen before)
    conflicts: int = 0  # losing values queued for review
    attachments_up: int = 0
    attachments_down: int = 0
    forms_updated: int = 0
    restamped: int = 0  # own changes given a new clock (this laptop's ran ahead)
    held: int = 0  # received changes kept aside (this program cannot apply them)
    snapshot_rows: int = 0  # rows loaded from the server's snapshot (a first sync)
    snapshot_copied: bool = False  # ... by copying its store file (not line by line)
    compacted: int = 0  # received changes folded into row clocks after the sync (a county's)
    # The changes refused in this sync: change_id, entity, row_id, code, reason.
    rejections: list[dict[str, str]] = field(default_factory=list)
    # Every change kept aside, this sync's and earlier ones: change_id, entity, row_id,
    # code, reason, source, held_at.
    held_changes: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The counts (and this sync's rejections) as plain data (for ``--json``)."""
        return asdict(self)


def _lines_file(info: SnapshotInfo) -> tuple[str, int]:
    return info.sha256, info.bytes


def _store_file(info: SnapshotInfo) -> tuple[str, int] | None:
    return (info.store.sha256, info.store.bytes) if info.store is not None else None


def form_folder(home: Path) -> Path:
    """Where a data home keeps form versions received from the server."""
    return home / FORMS_DIR


def sync_once(store: Store, account: Account, *, progress: Progress | None = None,
              cancel: Cancel | None = None, password: str | None = None,
              transport: httpx.BaseTransport | None = None) -> SyncReport:
    """Push, then pull, once. Raises a :class:`SyncError` subclass on any failure; what
    was done before the failure (whole batches and pages) stays done.

    ``password`` is needed only when no keyring keeps the login; ``transport`` lets tests
    route the connection through something else.
    """
    if is_demo(store):
        raise DemoHome()  # made-up households must never reach a county's server
    report = SyncReport()
    step = _Steps(store, report, progress or (lambda _d, _t, _p: None),
                  cancel or (lambda: False))
    try:
        with account.connect(password, device=store.device_id, transport=transport) as client:
            account.save(store)  # role, scopes and team as the server says now
            if account.team is not None and sync_state.get(store, PROVISIONAL_TEAM):
                # Set up offline: bring the server's team first, then move this laptop's
                # cadres and records onto it before anything is sent.
                step.pull(client)
                adopt_server_team(store, account.team.id)
            step.push(client)
            step.upload_attachments(client)
            step.pull(client)
            step.download_attachments(client)
            step.fetch_forms(client)
            learn_offset(store, client.server_clock)
            restamp_ahead(store)  # the clock back within the bound for the next edits
    except SyncError as exc:
        sync_state.set_values(store, {sync_state.LAST_ERROR: exc.message})
        raise
    # One write for the bookkeeping of the whole sync (every commit is an fsync).
    sync_state.set_values(store, {**step.state, **joined_values(store, account),
                                  sync_state.LAST_SYNC_AT: sync_state.now_iso(),
                                  sync_state.LAST_ERROR: None})
    report.held_changes = [h.as_dict() for h in held(store)]
    # After the bookkeeping: what the sync did stays done if this is cut short.
    report.compacted = after_merge(store, lambda d, t: step.progress(d, t, "compact"))
    return report


class _Steps:
    """The steps of one sync, sharing the store, the report and the callbacks."""

    def __init__(self, store: Store, report: SyncReport, progress: Progress,
                 cancel: Cancel) -> None:
        self.store, self.report = store, report
        self.stored = sync_state.read_all(store)  # the state as the sync began
        self.state: dict[str, str | None] = {}  # what to store when the sync succeeds
        self.progress, self.cancel = progress, cancel
        # Changes still to send after the push (told to the server with the first pull);
        # known from the push's own count, so the pull asks the store nothing more.
        self.unsent: int | None = None
        self.sent = 0  # changes sent by the last round of batches

    def _check_cancel(self) -> None:
        if self.cancel():
            raise SyncCancelled()

    # ------------------------------------------------------------------ push

    def push(self, client: SyncClient) -> None:
        store, report = self.store, self.report
        total = pending_count(store)
        self.progress(0, total, "push")
        skewed = self._push_batches(client, total, 0, retry=False)
        if skewed:
            # This laptop's clock ran ahead of the server's: new stamps within the bound
            # (the server told its time with the answer), then those changes again.
            learn_offset(store, client.server_clock)
            report.restamped += restamp_ahead(store)
            self._push_batches(client, total, 0, retry=True)
        self.unsent = max(0, pending_count(store) if skewed else total - self.sent)

    def _push_batches(self, client: SyncClient, total: int, done: int, *, retry: bool) -> int:
        """Send the outbox in batches; how many were refused for their clock alone (counted
        as refused only when ``retry``: the first time they are re-stamped and sent again).

        A bulk push (a county's roster, a supervisor's merged bundles): batches grow from
        :data:`PUSH_BATCH` while answers come fast, up to :data:`PUSH_BATCH_MAX` changes and
        :data:`PUSH_BYTES`, and shrink on a slow link. The server is kept busy: the next
        batch is read from the store and its body made while it checks and writes the one in
        flight, and sent as soon as that one is answered, before the answer is read and
        marked. Each answered batch is marked in one transaction, in order, so a cut link or
        a killed process loses at most the answers of two batches (sent again:
        ``duplicate``)."""
        store = self.store
        skewed, limit, most_bytes = 0, PUSH_BATCH, PUSH_BYTES
        self.sent = 0
        sender = ThreadPoolExecutor(1, thread_name_prefix="workteam-push")

        def send(batch: list[Outgoing], body: bytes | None = None
                 ) -> Future[tuple[httpx.Response, float]]:
            body = push_body(store.device_id, batch) if body is None else body
            return sender.submit(_send_batch, client, body)

        try:
            self._check_cancel()
            batch = next_batch(store, limit, 0, most_bytes)
            asked = limit  # the size the batch in flight was read with
            in_flight = send(batch) if batch else None
            while in_flight is not None:
                # Read ahead while the server works (the outbox after this batch does not
                # depend on its answer: answered changes are only marked).
                upcoming = next_batch(store, limit, batch[-1].seq, most_bytes)
                upcoming_asked = limit
                body = push_body(store.device_id, upcoming) if upcoming else None
                try:
                    response, seconds = in_flight.result()
                except PushTooLarge:
                    # A server set up with a smaller limit than this laptop's batches: the
                    # same changes again in halves (nothing of a refused request is stored).
                    if len(batch) == 1:
                        raise
                    limit = max(1, len(batch) // 2)
                    most_bytes = max(1, sum(c.size for c in batch) // 2)
                    batch = next_batch(store, limit, batch[0].seq - 1, most_bytes)
                    asked = limit
                    in_flight = send(batch)
                    continue
                answered, batch = batch, upcoming
                answered_asked, asked = asked, upcoming_asked
                # Cancelled: nothing more is sent, and the answer in hand is still marked.
                cancelled = self.cancel()
                in_flight = send(batch, body) if batch and not cancelled else None
                # Read while the server works on the next batch; an answer that does not
                # fit the batch marks nothing (the batch in flight is awaited, not marked).
                results, _cursor = client.push_answer(response, answered)
                skewed += self._record_answer(answered, results, retry=retry)
                done += len(answered)
                self.sent += len(answered)
                self.progress(done, max(total, done), "push")
                if cancelled:
                    raise SyncCancelled()
                # The batch after the one read ahead takes the new size: a batch as large as
                # it was asked to be, answered fast, doubles it.
                limit = _next_limit(limit, len(answered), seconds, PUSH_BATCH, PUSH_BATCH_MAX,
                                    asked=answered_asked)
        finally:
            sender.shutdown(wait=True)  # an answer in flight is awaited, never half-read
        return skewed

    def _record_answer(self, batch: list[Outgoing], results: list[PushResult], *,
                       retry: bool) -> int:
        """Count and mark one batch's answers (one transaction); how many were refused for
        their clock alone while they may still be re-stamped (not ``retry``)."""
        report, skewed = self.report, 0
        ok, rejected = [], []
        sent = {c.id: c for c in batch}
        for r in results:
            if r.status == "accepted":
                report.pushed += 1
                ok.append(r.id)
            elif r.status == "duplicate":
                report.duplicates += 1
                ok.append(r.id)
            elif r.status == "rejected":
                rejection = Rejection(r.id, r.code or "rejected", r.reason or "服务器拒绝了此更改")
                rejected.append(rejection)
                if r.code == "clock_skew" and not retry:
                    skewed += 1
                    continue
                report.rejected += 1
                report.rejections.append({
                    "change_id": r.id, "entity": sent[r.id].entity,
                    "row_id": sent[r.id].row_id, "code": rejection.code,
                    "reason": rejection.reason})
            else:
                raise ServerError(f"同步服务器对更改的回答“{r.status}”无法识别")
        record_push(self.store, ok, rejected)
        return skewed

    # ------------------------------------------------------------------ pull

    def pull(self, client: SyncClient) -> None:
        """Pull pages until the server has nothing more, each merged with its cursor in one
        transaction. The next page is fetched while this one is merged (the server reads
        and sends while the laptop writes); pages grow on a fast link and shrink on a slow
        one, so a cut link costs at most a few seconds of download."""
        store = self.store
        cursor = sync_state.cursor(store)
        self.progress(0, None, "pull")
        # Changes kept aside earlier that this program can apply now (after an upgrade).
        self.report.applied += retry_held(store, lambda good: apply(store, good))
        if cursor == 0:
            cursor = self._from_snapshot(client) or cursor
        # The pull makes no reference cycles (the client frees each response at once): the
        # collector would only rescan the pages being decoded while the merge (which
        # switches it off itself) is between pages. Into an empty store (a new laptop),
        # indexes and facts are built once at the end.
        with collector_off(), bulk_load.loading(
                store, lambda done, total: self.progress(done, total, "index")):
            self._pull_pages(client, cursor)

    def _from_snapshot(self, client: SyncClient) -> int:
        """Load the server's snapshot into an empty store; the position it reached, or 0
        when the pull must start from the beginning (not empty, a small scope, a server
        without snapshots, a snapshot this program cannot load).

        The snapshot's store file (same schema: its tables are copied) is taken when the
        server offers one; failing that, or when it cannot be copied, the snapshot's lines
        are loaded."""
        store = self.store
        with store.read() as cur:
            if not bulk_load.is_empty(cur) or bulk_load.pending(store):
                return 0
        info = client.snapshot(migrate.HEAD_REVISION)
        if info is None or info.rows < SNAPSHOT_MIN_ROWS:
            return 0
        down_later = self.stored.get(_DOWN_LATER)

        def keep_photos(result: snapshot_load.LoadResult) -> dict[str, str | None]:
            # The photos the loaded rows name are fetched by this sync's download step,
            # or the next one's: stored with the rows, so none is forgotten.
            wanted = dict.fromkeys([*json.loads(down_later or "[]"), *result.attachments])
            return {_DOWN_LATER: json.dumps(list(wanted)) if wanted else None}

        result = self._copy_snapshot_store(client, info, keep_photos)
        if result is None:
            path = self._download_snapshot(client, info, _lines_file)
            if path is None:
                return 0
            try:
                result = snapshot_load.load(
                    store, path, then=keep_photos,
                    progress=lambda done, total: self.progress(done, total, "snapshot_load"),
                    finishing=lambda done, total: self.progress(done, total, "index"))
            except snapshot_load.SnapshotError:
                # Refused as a whole (nothing written): the changes themselves are pulled,
                # and the page screening keeps aside what this program cannot apply.
                return 0
            finally:
                path.unlink(missing_ok=True)
        self.stored[_DOWN_LATER] = keep_photos(result)[_DOWN_LATER] or "[]"
        self.report.snapshot_rows += result.rows
        self.report.pulled += result.changes + result.held
        self.report.applied += result.changes
        self.report.held += result.held
        self.report.conflicts += result.conflicts
        return result.position

    def _copy_snapshot_store(self, client: SyncClient, info: SnapshotInfo,
                             then: Callable[[snapshot_load.LoadResult], dict[str, str | None]]
                             ) -> snapshot_load.LoadResult | None:
        """Copy the snapshot's store file into the empty store; None when the server has
        none for this program's schema or it cannot be copied (nothing written then)."""
        if info.store is None:
            return None
        path = self._download_snapshot(client, info, _store_file)
        if path is None:
            return None
        unpacked: Path | None = None
        try:
            self.progress(0, None, "snapshot_copy")  # unpacking: a few seconds
            unpacked = snapshot_store.unpack(path)
            result = snapshot_store.copy(
                self.store, unpacked, then=then,
                progress=lambda done, total: self.progress(done, total, "snapshot_copy"))
        except snapshot_load.SnapshotError as exc:
            log.warning("snapshot store file not copied, loading the lines: %s", exc)
            return None
        finally:
            path.unlink(missing_ok=True)
            if unpacked is not None:
                unpacked.unlink(missing_ok=True)
        self.report.snapshot_copied = True
        return result

    def _download_snapshot(self, client: SyncClient, info: SnapshotInfo,
                           which: Callable[[SnapshotInfo], tuple[str, int] | None]
                           ) -> Path | None:
        """A file of the snapshot (``which(info)``: its hash and size), downloaded into the
        home by ranges (resumed after a cut) and checked against its hash; None when the
        server replaced it meanwhile twice (or no longer offers such a file)."""
        folder = self.store.home / SNAPSHOT_DIR
        folder.mkdir(parents=True, exist_ok=True)
        for attempt in (0, 1):
            wanted = which(info)
            if wanted is None:
                return None
            sha256, size = wanted
            path = folder / f"{sha256}.part"
            for old in folder.glob("*"):
                if old != path:
                    old.unlink(missing_ok=True)  # another snapshot's download: not needed
            done = path.stat().st_size if path.exists() else 0
            if done > size:
                path.unlink()
                done = 0
            with path.open("ab") as f:
                while done < size:
                    self._check_cancel()
                    chunk = client.snapshot_part(sha256, done, SNAPSHOT_PART)
                    if chunk is None:
                        break  # replaced by a newer one
                    if not chunk:
                        raise ServerError("同步服务器发来的快照比它所说的短，请稍后重试")
                    f.write(chunk)
                    done += len(chunk)
                    self.progress(done >> 20, max(1, size >> 20), "snapshot")
                f.flush()
            if done >= size:
                digest = hashlib.sha256()
                with path.open("rb") as f:
                    while block := f.read(1 << 20):
                        digest.update(block)
                if digest.hexdigest() != sha256:
                    path.unlink(missing_ok=True)
                    raise ServerError("从服务器下载的数据快照已损坏（校验不符），请重新同步")
                return path
            path.unlink(missing_ok=True)
            if attempt == 0:
                fresh = client.snapshot(migrate.HEAD_REVISION)
                if fresh is None or fresh.rows < SNAPSHOT_MIN_ROWS:
                    return None
                info = fresh
        return None

    def _pull_pages(self, client: SyncClient, cursor: int) -> None:
        store, report = self.store, self.report
        fetcher = ThreadPoolExecutor(1, thread_name_prefix="workteam-pull")
        try:
            limit = PULL_PAGE
            unsent = self.unsent if self.unsent is not None else pending_count(store)
            # A store rolled back to a backup takes back its own changes pushed after it.
            own = bool(self.stored.get(sync_state.PULL_OWN))
            pending = fetcher.submit(_fetch, client, cursor, limit, unsent, own)
            while True:
                page, seconds = pending.result()
                self._check_cancel()
                if page.more:
                    limit = _next_limit(limit, len(page.changes), seconds, PULL_PAGE_MIN,
                                        PULL_PAGE_MAX)
                    pending = fetcher.submit(_fetch, client, page.cursor, limit, None, own)
                if page.changes or page.cursor != cursor:  # nothing new: no write, no fsync
                    # A change this program cannot apply is kept aside; the page goes on.
                    result, kept = merge_screened(
                        store, page.changes, "server",
                        lambda changes, at=page.cursor: apply_page(store, changes, at))
                    report.held += kept
                    report.pulled += len(page.changes)
                    report.applied += result.applied
                    report.conflicts += result.conflicts
                cursor = page.cursor
                self.progress(report.pulled, None, "pull")
                if not page.more:
                    break
            if own:
                self.state[sync_state.PULL_OWN] = None  # caught up: no echo from now on
        finally:
            # A page still being fetched after a cut or a cancel is simply dropped.
            fetcher.shutdown(wait=False, cancel_futures=True)

    # ------------------------------------------------------------------ attachments

    def _attachment_changes(self, origin: str, after: int) -> tuple[list[str], int]:
        """Hashes named by attachment changes of ``origin`` after log seq ``after``, and
        the last seq looked at (a range scan over the log's key: cheap when little is new)."""
        shas: dict[str, None] = {}
        with self.store.read() as cur:
            last = cur.execute("SELECT max(seq) FROM change_log").fetchone()[0] or after
            # The filter runs in SQLite: a first sync's million rows never reach Python.
            for (fields,) in cur.execute(
                    "SELECT fields FROM change_log WHERE seq > ? AND seq <= ? AND origin = ? "
                    "AND entity = 'attachment'", (after, last, origin)):
                sha = json.loads(fields).get("sha256")
                if isinstance(sha, str) and _SHA.match(sha):
                    shas[sha] = None
        return list(shas), last

    def upload_attachments(self, client: SyncClient) -> None:
        store = self.store
        after = int(self.stored.get(_UP_SEQ) or 0)
        shas, last = self._attachment_changes("local", after)
        present = [s for s in shas if content_path(store.home, s).is_file()]
        missing: list[str] = []
        for i in range(0, len(present), _CHECK_BATCH):
            missing += client.missing_attachments(present[i:i + _CHECK_BATCH])
        refused: list[str] = []
        for n, sha in enumerate(missing, 1):
            self._check_cancel()
            reason = client.upload_attachment(sha, read_content(store.home, sha))
            if reason is not None:
                refused.append(reason)  # the others still go up first
                continue
            self.report.attachments_up += 1
            self.progress(n, len(missing), "attachments_up")
        if refused:
            # Not marked as done: the next sync asks again (the quota may have been raised).
            raise ServerError(refused[0] if len(refused) == 1
                              else f"{len(refused)} 个附件未能上传：{refused[0]}")
        if last != after:
            self.state[_UP_SEQ] = str(last)

    def download_attachments(self, client: SyncClient) -> None:
        store = self.store
        after = int(self.stored.get(_DOWN_SEQ) or 0)
        earlier = json.loads(self.stored.get(_DOWN_LATER) or "[]")
        shas, last = self._attachment_changes("remote", after)
        wanted = [s for s in dict.fromkeys([*earlier, *shas])
                  if not content_path(store.home, s).is_file()]
        later: list[str] = []
        for n, sha in enumerate(wanted, 1):
            self._check_cancel()
            content = client.download_attachment(sha)
            if content is None:
                later.append(sha)  # its owner has not uploaded it yet: ask next time
                continue
            if hashlib.sha256(content).hexdigest() != sha:
                raise ServerError("从服务器下载的附件已损坏（校验不符），请稍后重试")
            write_content(store.home, sha, content)
            self.report.attachments_down += 1
            self.progress(n, len(wanted), "attachments_down")
        if last != after or later != earlier:
            self.state.update({_DOWN_SEQ: str(last),
                               _DOWN_LATER: json.dumps(later) if later else None})

    # ------------------------------------------------------------------ forms

    def fetch_forms(self, client: SyncClient) -> None:
        folder = form_folder(self.store.home)
        for entry in client.forms():
            form_id, version, sha = entry.get("form_id"), entry.get("version"), entry.get("sha256")
            if not (isinstance(form_id, str) and _FORM_ID.match(form_id)
                    and isinstance(version, int) and version >= 1):
                continue  # not a form this program can name safely: ignore, never a path
            target = folder / form_id / f"v{version}.json"
            shipped = forms_dir() / form_id / f"v{version}.json"
            if any(p.is_file() and hashlib.sha256(p.read_bytes()).hexdigest() == sha
                   for p in (shipped, target)):
                continue  # the program ships it, or an earlier sync fetched it
            self._check_cancel()
            content = client.form(form_id, version)
            if isinstance(sha, str) and hashlib.sha256(content).hexdigest() != sha:
                raise ServerError(f"从服务器下载的表单 {form_id} 第{version}版已损坏，请稍后重试")
            try:
                form = parse_form(orjson.loads(content), f"{form_id}/v{version}.json")
            except (orjson.JSONDecodeError, FormDefinitionError) as exc:
                # A form this version cannot show is not stored: the old one stays in use.
                raise ServerError(f"服务器上的表单 {form_id} 第{version}版无法使用：{exc}") from None
            if form.id != form_id or form.version != version:
                raise ServerError(f"服务器上的表单 {form_id} 第{version}版与其内容不符")
            write_file(target, content)  # whole or not at all
            self.report.forms_updated += 1


def _fetch(client: SyncClient, after: int, limit: int, waiting: int | None = None,
           own: bool = False) -> tuple[PullPage, float]:
    """One pull request and how long it took (``waiting``: this laptop's unsent changes,
    told to the server on a sync's first page; ``own``: this laptop's pushed changes too)."""
    started = time.perf_counter()
    page = client.pull(after, limit, waiting, own=own)
    return page, time.perf_counter() - started


def _send_batch(client: SyncClient, body: bytes) -> tuple[httpx.Response, float]:
    """One push request (its answer not yet read) and how long it took."""
    started = time.perf_counter()
    response = client.push_request(body)
    return response, time.perf_counter() - started


def _next_limit(limit: int, received: int, seconds: float, low: int, high: int, *,
                asked: int | None = None) -> int:
    """The next page (or push batch) size: double after a full one that went fast, halve
    after a slow one, between ``low`` and ``high``. ``asked``: the size the answered one
    was asked with, when smaller than ``limit`` (read ahead before the last change)."""
    if received >= (limit if asked is None else asked) and seconds < _FAST_FETCH:
        return max(limit, min(limit * 2, high))
    if seconds > _SLOW_FETCH:
        return min(limit, max(limit // 2, low))
    return limit

"""``workteam keys show|export``, ``workteam export-bundle``, ``workteam import-bundle``."""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import tempfile
from pathlib import Path

from ..store import Store
from ..store.home import store_path
from ..store.setup import discard_empty_store
from ..sync.bundle import export_bundle
from ..sync.bundle_import import ImportResult, import_bundle
from ..sync.errors import BundleError
from ..sync.keys import fingerprint, load_or_create, read_public_keys, write_json_atomic
from .common import home_path, open_store
from .main import CliError
from .output import print_json, print_table


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the key and bundle subcommands."""
    k = sub.add_parser("keys", help="本设备的签名与加密密钥", parents=[common])
    ksub = k.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    show = ksub.add_parser("show", help="显示本设备公钥指纹", parents=[common])
    show.add_argument("--json", action="store_true", help="输出JSON")
    show.set_defaults(handler=_keys_show)
    ex = ksub.add_parser("export", help="导出本设备公钥（供他人加密或信任）", parents=[common])
    ex.add_argument("--out", required=True, metavar="FILE", help="公钥文件（JSON）")
    ex.set_defaults(handler=_keys_export)

    eb = sub.add_parser("export-bundle", help="把更改导出为数据包（.wtb），用U盘带走",
                        parents=[common])
    eb.add_argument("--out", required=True, metavar="FILE", help="数据包文件")
    which = eb.add_mutually_exclusive_group()
    which.add_argument("--since-last", dest="all", action="store_false",
                       help="只导出本设备上次导出后的新更改（默认）")
    which.add_argument("--all", dest="all", action="store_true",
                       help="导出本机已有的全部更改（用于转交）")
    eb.add_argument("--to", metavar="PUBKEY_FILE", help="加密给持有此公钥文件的设备")
    eb.add_argument("--json", action="store_true", help="输出JSON")
    eb.set_defaults(handler=_export, all=False)

    ib = sub.add_parser("import-bundle", help="导入数据包（.wtb）", parents=[common])
    ib.add_argument("files", metavar="FILE", nargs="+")
    ib.add_argument("--dry-run", action="store_true", help="只显示将导入什么，不写入")
    ib.add_argument("--json", action="store_true", help="输出JSON")
    ib.add_argument("--trust", action="store_true", help="信任首次见到的签名者（请先核对指纹）")
    ib.set_defaults(handler=_import)


def _keys_show(args: argparse.Namespace) -> int:
    with open_store(args, create=True) as store:
        try:
            keys = load_or_create(store.device_id, store.user)
        except BundleError as exc:
            raise CliError(exc.message) from None
    doc = keys.public_document()
    if args.json:
        print_json(doc)
        return 0
    print(f"设备：{doc['device']}  用户：{doc['user'] or '（未设置）'}")
    print(f"签名公钥指纹（Ed25519）：{doc['fingerprint']}")
    print(f"加密公钥指纹（X25519）：{doc['encryption_fingerprint']}")
    return 0


def _keys_export(args: argparse.Namespace) -> int:
    with open_store(args, create=True) as store:
        try:
            keys = load_or_create(store.device_id, store.user)
        except BundleError as exc:
            raise CliError(exc.message) from None
    out = Path(args.out)
    try:
        write_json_atomic(out, keys.public_document())
    except OSError as exc:
        raise CliError(f"无法写入 {out}：{exc.strerror}") from None
    print(f"已导出公钥到 {out}（指纹 {fingerprint(keys.signing_public)}）")
    return 0


def _export(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        try:
            recipient = read_public_keys(Path(args.to)) if args.to else None
            result = export_bundle(store, Path(args.out), everything=args.all,
                                   recipient=recipient)
        except BundleError as exc:
            raise CliError(exc.message) from None
        except OSError as exc:
            raise CliError(f"无法写入数据包 {args.out}：{exc.strerror}") from None
    if result is None:
        if args.json:
            print_json({"written": False, "changes": 0})
        else:
            print("没有需要导出的新更改，未生成数据包")
        return 0
    if args.json:
        print_json({"written": True, "path": str(result.path), "bundle_id": result.bundle_id,
                    "changes": result.changes, "counts": result.counts,
                    "attachments": result.attachments,
                    "missing_attachments": result.missing_attachments,
                    "encrypted_to": result.encrypted_to})
        return 0
    enc = f"，已加密给 {result.encrypted_to}" if result.encrypted_to else "（未加密）"
    print(f"已导出 {result.changes:,} 条更改、{result.attachments} 个附件到 {result.path}{enc}")
    if result.missing_attachments:
        print(f"注意：{len(result.missing_attachments)} 个附件的文件不在本机，未包含在数据包中")
    return 0


def _print_result(r: ImportResult) -> None:
    if r.newly_trusted:
        print(f"已信任签名者：指纹 {r.signer_fingerprint}（设备 {r.device}，用户 {r.user}）")
    if r.dry_run:
        print(f"{r.file}：试运行，未写入任何内容")
        print_table(["数据类型", "新增", "更新", "重复(已有)", "冲突"],
                    [[e, s["new"], s["updated"], s["unchanged"], s["conflict"]]
                     for e, s in r.per_entity.items()], right_aligned=[1, 2, 3, 4])
        return
    if r.replay:
        print(f"{r.file}：此数据包的 {r.changes:,} 条更改都已导入过，未做任何更改")
        return
    print(f"{r.file}：已导入 {r.applied:,} 条新更改（{r.duplicate:,} 条已有，"
          f"{r.conflicts:,} 处冲突待处理，{r.attachments_copied} 个附件）")
    if r.compacted:
        # A county's bundle is kept compacted as it is merged: no step of its own to time.
        took = f"（{r.compact_seconds:.1f} 秒）" if r.compact_seconds >= 0.05 else ""
        print(f"整理本机数据：压缩已收到的更改 {r.compacted:,} 条{took}")


def _import(args: argparse.Namespace) -> int:
    results: list[ImportResult] = []
    home = home_path(args)
    existed = {p for p in (home,) if p.exists()}
    new_home = not store_path(home).exists()
    with contextlib.ExitStack() as stack:
        if new_home and args.dry_run:
            # A dry run into a new laptop shows what would arrive, in a throwaway store: it
            # creates nothing in the home.
            scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="wt-dry-")))
            store = stack.enter_context(Store.open(scratch))
        else:
            # A supervisor's new laptop starts empty: importing creates the store…
            store = stack.enter_context(open_store(args, create=True))
        try:
            for name in args.files:
                try:
                    results.append(import_bundle(store, Path(name), trust=args.trust,
                                                 dry_run=args.dry_run))
                except BundleError as exc:
                    raise CliError(f"{name}：{exc.message}") from None
                if not args.json:
                    _print_result(results[-1])
        except BaseException:
            if new_home and not args.dry_run:
                # …but a failed import leaves no store behind that was not there before.
                store.close()
                discard_empty_store(home)
            raise
        finally:
            if home not in existed and (args.dry_run or not store_path(home).exists()):
                # A home this command made only for its log (a dry run, a failed import)
                # goes again: the person asked for nothing to be created.
                shutil.rmtree(home, ignore_errors=True)
    if args.json:
        print(json.dumps([r.as_dict() for r in results], ensure_ascii=False, indent=2))
    return 0

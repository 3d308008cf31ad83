"""Pieces shared by the subcommands: opening the store, parsing dates."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..store import Store
from ..store.home import resolve_home, store_path
from .main import CliError


def open_store(args: argparse.Namespace, *, create: bool = False) -> Store:
    """The store of ``--home``; a missing store is an error unless ``create``."""
    home = resolve_home(getattr(args, "home", None))
    if not create and not store_path(home).exists():
        raise CliError(f"数据目录 {home} 中还没有数据：先运行 workteam demo 或导入花名册")
    return Store.open(home)



def home_path(args: argparse.Namespace) -> Path:
    """The data home named by ``--home`` or the environment."""
    return resolve_home(getattr(args, "home", None))

"""The tests' keyring: secrets in a JSON file of the test run's own temporary folder,
shared with the ``workteam`` processes a test starts (``PYTHON_KEYRING_BACKEND``).

This machine has no keyring service, and the program refuses to keep secrets in a plain
file; tests need one that a child process sees too (a store's key made by the test
opens the store in the CLI it runs). Only the tests ever use this backend.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend

ENV = "WORKTEAM_TEST_KEYRING"
STORE_SERVICE = "workteam-store"  # store keys outlive a test, as a laptop's keyring does


class FileKeyring(KeyringBackend):
    """A keyring in the file ``$WORKTEAM_TEST_KEYRING``."""

    priority = 1  # type: ignore[assignment]

    @property
    def path(self) -> Path:
        return Path(os.environ[ENV])

    def _read(self) -> dict[str, str]:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}

    def _write(self, data: dict[str, str]) -> None:
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(self.path)

    @staticmethod
    def _key(service: str, username: str) -> str:
        return f"{service}\x1f{username}"

    def get_password(self, service: str, username: str) -> str | None:
        return self._read().get(self._key(service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._read()
        data[self._key(service, username)] = password
        self._write(data)

    def delete_password(self, service: str, username: str) -> None:
        data = self._read()
        data.pop(self._key(service, username), None)
        self._write(data)

    def clear(self, keep_service: str | None = None) -> None:
        """Forget every secret (but those of ``keep_service``)."""
        data = self._read()
        self._write({k: v for k, v in data.items()
                     if keep_service and k.startswith(keep_service + "\x1f")})

    def _all(self) -> dict[tuple[str, str], str]:
        out = {}
        for k, v in self._read().items():
            service, _, user = k.partition("\x1f")
            out[(service, user)] = v
        return out

    @property
    def secrets(self) -> dict[tuple[str, str], str]:
        """The sync and bundle secrets kept (tokens, device keys), by (service, user)."""
        return {k: v for k, v in self._all().items() if k[0] != STORE_SERVICE}

    @property
    def store_keys(self) -> dict[tuple[str, str], str]:
        """The data homes' store keys (and pending recovery codes) kept."""
        return {k: v for k, v in self._all().items() if k[0] == STORE_SERVICE}

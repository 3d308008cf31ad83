"""The one error type of bundles and keys: a refusal with one clear Chinese line."""

from __future__ import annotations


class BundleError(Exception):
    """A bundle or key problem to show the user as it is (one line, Chinese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

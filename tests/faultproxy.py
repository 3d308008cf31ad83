"""A TCP proxy for tests that cuts the connection after N bytes of a chosen request or of
its response: a mobile link dropping in the middle of a push or a pull.

    proxy = FaultProxy(server_port).start()
    proxy.arm(b"POST /api/v1/changes/push", "response", 300)   # cut 300 bytes into the answer
    ... the client talks to proxy.url ...
    proxy.cuts  # how many connections were cut so far
    proxy.stop()

One fault per ``arm``: it fires on the first request whose start line matches, counting bytes
from the start of that request (``"request"``) or of the answer to it (``"response"``), then
both sides of the connection are closed at once. Threads, plain sockets, loopback only.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from dataclasses import dataclass


@dataclass
class _Fault:
    match: bytes
    direction: str  # "request" or "response"
    after: int
    triggered: bool = False  # the matching request has been seen
    counted: int = 0


class FaultProxy:
    """Forwards 127.0.0.1:<port> to the server, cutting connections when armed."""

    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._fault: _Fault | None = None
        self._open: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._stopped = False
        self.cuts = 0
        self.connected = threading.Event()  # set at each new client connection

    @property
    def url(self) -> str:
        """Where clients connect."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultProxy:
        """Accept connections in a background thread."""
        t = threading.Thread(target=self._accept, daemon=True)
        t.start()
        self._threads.append(t)
        return self

    def arm(self, match: bytes, direction: str, after: int) -> None:
        """Cut the connection ``after`` bytes into the request starting with ``match`` (or
        into its answer)."""
        assert direction in ("request", "response")
        with self._lock:
            self._fault = _Fault(match, direction, after)

    def disarm(self) -> bool:
        """Remove a fault that has not fired; True when it had fired."""
        with self._lock:
            fired = self._fault is None
            self._fault = None
            return fired

    def stop(self) -> None:
        """Close everything."""
        self._stopped = True
        self._listener.close()
        with self._lock:
            for s in list(self._open):
                _close(s)
        for t in self._threads:
            t.join(timeout=5)

    # ------------------------------------------------------------------ internals

    def _accept(self) -> None:
        while not self._stopped:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.connected.set()
            with self._lock:
                self._open |= {client, upstream}
            pair = (client, upstream)
            for direction, src, dst in (("request", client, upstream),
                                        ("response", upstream, client)):
                t = threading.Thread(target=self._pump, args=(direction, src, dst, pair),
                                     daemon=True)
                t.start()
                self._threads.append(t)

    def _pump(self, direction: str, src: socket.socket, dst: socket.socket,
              pair: tuple[socket.socket, socket.socket]) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                cut_at = self._inspect(direction, data)
                if cut_at is not None:
                    if cut_at:
                        dst.sendall(data[:cut_at])
                    self._cut(pair)
                    return
                dst.sendall(data)
        except OSError:
            pass
        finally:
            # One side finished: end the other side's writing too (half-close as TCP does).
            with contextlib.suppress(OSError):
                dst.shutdown(socket.SHUT_WR)

    def _inspect(self, direction: str, data: bytes) -> int | None:
        """Where in ``data`` to cut (None: forward it all)."""
        with self._lock:
            fault = self._fault
            if fault is None:
                return None
            if direction == "request" and not fault.triggered:
                at = data.find(fault.match)
                if at < 0:
                    return None
                fault.triggered = True
                if fault.direction == "request":
                    data_from = at
                    if fault.after <= len(data) - data_from:
                        self._fault = None
                        return data_from + fault.after
                    fault.counted = len(data) - data_from
                return None
            if fault.triggered and direction == fault.direction:
                if fault.counted + len(data) >= fault.after:
                    cut = fault.after - fault.counted
                    self._fault = None
                    return cut
                fault.counted += len(data)
            return None

    def _cut(self, pair: tuple[socket.socket, socket.socket]) -> None:
        with self._lock:
            self.cuts += 1
            for s in pair:
                _close(s)
                self._open.discard(s)


def _close(s: socket.socket) -> None:
    with contextlib.suppress(OSError):
        s.shutdown(socket.SHUT_RDWR)
    s.close()

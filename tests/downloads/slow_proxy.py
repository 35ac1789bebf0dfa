"""A TCP proxy on 127.0.0.1 that slows what a server sends, so a download is caught mid-file.

The fake servers answer as fast as loopback allows; a test that interrupts `reel download`
half way puts this between the command and the server (the source is added with the proxy's
URL) instead of teaching the command a speed limit.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

_PIECE = 16 * 1024


class SlowProxy:
    """Forwards connections to `upstream_port`, sending answers at `bytes_per_s`.

    `bytes_per_s` may be changed while connections are open (None: full speed).
    """

    def __init__(self, upstream_port: int, bytes_per_s: float | None) -> None:
        self.upstream_port = upstream_port
        self.bytes_per_s = bytes_per_s
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def start(self) -> SlowProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(5)
        self._listener.close()

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            threading.Thread(target=self._pump, args=(client, upstream, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, True), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, slowed: bool) -> None:
        with contextlib.suppress(OSError):
            while not self._stopping.is_set():
                data = source.recv(_PIECE)
                if not data:
                    break
                target.sendall(data)
                rate = self.bytes_per_s
                if slowed and rate:
                    time.sleep(len(data) / rate)
        for each in (source, target):
            with contextlib.suppress(OSError):
                each.shutdown(socket.SHUT_RDWR)
            each.close()


@contextmanager
def slow_proxy(upstream_port: int, bytes_per_s: float | None = None) -> Iterator[SlowProxy]:
    proxy = SlowProxy(upstream_port, bytes_per_s).start()
    try:
        yield proxy
    finally:
        proxy.stop()

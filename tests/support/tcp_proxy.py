"""A TCP proxy on 127.0.0.1 that can go silent, as a NAT or firewall that forgot a flow.

`blackhole()` stops forwarding bytes, both ways, on every connection, while keeping the
sockets open: neither end sees a close or a reset, only silence. Connections made while
blackholed are accepted and stay silent too. `restore()` forwards again for new
connections only; the silenced ones stay silent until the proxy closes.

    with TcpProxy(dovecot.host, dovecot.port) as proxy:
        settings = account.settings(host=proxy.host, port=proxy.port)
"""

from __future__ import annotations

import socket
import threading
import time
from contextlib import suppress
from types import TracebackType

_CHUNK = 65536


class ProxiedConnection:
    """One client's connection and its twin to the target; what the target sent it."""

    def __init__(self, client: socket.socket, upstream: socket.socket | None, silent: bool):
        self.client = client
        self.upstream = upstream  # None: the target refused (it is down)
        self.silent = threading.Event()
        if silent:
            self.silent.set()
        self.from_server = bytearray()  # every byte forwarded to the client
        self.accepted_at = time.monotonic()
        self._threads = [
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True),
            threading.Thread(target=self._pump, args=(upstream, client), daemon=True),
        ]

    def start(self) -> None:
        if self.upstream is None:
            # As a refused connection looks to the client: closed before any greeting.
            self.close()
            return
        for thread in self._threads:
            thread.start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        while True:
            try:
                data = source.recv(_CHUNK)
            except OSError:
                data = b""
            if not data:
                break
            if self.silent.is_set():
                continue  # dropped, as a NAT drops packets of a flow it forgot
            if source is self.upstream:
                self.from_server += data
            try:
                sink.sendall(data)
            except OSError:
                break
        if not self.silent.is_set():  # a silent flow passes no close on either
            self.close()

    def close(self) -> None:
        for sock in (self.client, self.upstream):
            if sock is not None:
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()


class TcpProxy:
    """Forwards connections to 127.0.0.1:`port` on to (`target_host`, `target_port`)."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.host = "127.0.0.1"
        self._listener = socket.create_server((self.host, 0))
        self._listener.settimeout(0.2)
        self.port = int(self._listener.getsockname()[1])
        self.connections: list[ProxiedConnection] = []  # every one accepted, in order
        self._silent = False
        self._lock = threading.Lock()
        self._closed = False
        self._thread = threading.Thread(target=self._accept, name="tcp-proxy", daemon=True)

    def __enter__(self) -> TcpProxy:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue  # a blocked accept() would not notice close(): look every so often
            except OSError:
                return  # the listener was closed
            client.settimeout(None)
            try:
                upstream: socket.socket | None = socket.create_connection(self.target, timeout=10)
                upstream.settimeout(None)
            except OSError:
                upstream = None
            with self._lock:
                if self._closed:
                    client.close()
                    if upstream is not None:
                        upstream.close()
                    return
                connection = ProxiedConnection(client, upstream, self._silent)
                self.connections.append(connection)
            connection.start()

    def blackhole(self) -> None:
        """Forward nothing more on any connection, open or new; close none."""
        with self._lock:
            self._silent = True
            for connection in self.connections:
                connection.silent.set()

    def restore(self) -> None:
        """Forward again on connections made from now on; silenced ones stay silent."""
        with self._lock:
            self._silent = False

    def accepted(self) -> int:
        """How many connections the proxy has accepted so far."""
        with self._lock:
            return len(self.connections)

    def accept_times(self) -> list[float]:
        """When each connection was accepted (time.monotonic()), oldest first."""
        with self._lock:
            return [connection.accepted_at for connection in self.connections]

    def server_sent(self, data: bytes) -> bool:
        """Whether the target sent `data` to the newest connection (e.g. b"+ idling")."""
        with self._lock:
            newest = self.connections[-1] if self.connections else None
        return newest is not None and data in newest.from_server

    def close(self) -> None:
        """Stop accepting and close every connection."""
        with self._lock:
            self._closed = True
            connections = list(self.connections)
        self._listener.close()
        for connection in connections:
            connection.close()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

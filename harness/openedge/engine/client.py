"""Talking to a running broker, the way a client attaches to OpenEdge's shared memory on the same host."""

from __future__ import annotations

import json
import socket
from typing import Any

from oedr.harness.openedge import messages as m
from oedr.harness.openedge.dbfiles import lockfile
from oedr.harness.openedge.engine import wire
from oedr.harness.openedge.engine.dbname import DbName
from oedr.harness.openedge.errors import OEError, StateError
from oedr.harness.openedge.hostinfo import host_name, pid_alive


class BrokerClient:
    """One connection to the broker; requests are answered in order."""

    def __init__(self, name: DbName, sock: socket.socket) -> None:
        self.name = name
        self._sock = sock
        self._reader = sock.makefile("rb")

    def request(self, op: str, **fields: Any) -> dict[str, Any]:
        """Send one request; raise the broker's OEError if it refused."""
        try:
            self._sock.sendall(wire.encode({"op": op, **fields}))
            line = self._reader.readline()
        except OSError:
            line = b""
        if not line:
            raise StateError(m.NO_SERVER.bind(db=self.name.display))
        reply: dict[str, Any] = json.loads(line)
        if not reply.get("ok"):
            raise OEError(*wire.unpack_messages(reply["messages"]), exit_status=int(reply.get("status", 1)))
        return reply

    def close(self) -> None:
        self._reader.close()
        self._sock.close()

    def __enter__(self) -> BrokerClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def served_here(name: DbName) -> bool:
    """True if a live broker on this host holds the database."""
    lock = lockfile.read(name.lk)
    return lock is not None and lock.mode == lockfile.MULTI_USER and lock.host == host_name() and pid_alive(lock.pid)


def connect(name: DbName) -> BrokerClient:
    """Connect to the database's broker; 1423 if there is none (or it is on another host)."""
    if not served_here(name):
        raise StateError(m.NO_SERVER.bind(db=name.display))
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(str(name.socket_path()))
    except OSError:
        sock.close()
        raise StateError(m.NO_SERVER.bind(db=name.display)) from None
    return BrokerClient(name, sock)

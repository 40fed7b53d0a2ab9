"""The reaper: a small container per run that removes the run's containers as soon as the run's process is gone.

It is testcontainers' Ryuk rebuilt from what is here: no registry pull, the project's own emulator image
(``docker/Dockerfile``), started once per run (a pytest process; each xdist worker is a run of its own)
before the run's first host container::

    python3 -I -m oedr.harness.backends.reaper oedr.run=<run id>      # as root, the engine's socket mounted

The run holds a connection to it for as long as the process lives: the reaper's stdin, attached through the
engine's API the way ``docker run -i`` does (``OpenStdin`` with ``StdinOnce``), never written to. The kernel
closes that connection however the process ends (exit, crash, SIGKILL of the whole process group), the
engine then closes the reaper's stdin, and the reaper removes every container labelled ``oedr.run=<run id>``
(``rm -f -v``, unpausing a paused one first), prunes volumes with that label, and exits; the engine removes
it (``--rm``). Unlike Ryuk's published TCP port, the connection needs no network (the reaper runs with
``--network none``), no port and no shared directory, and it works with a remote ``DOCKER_HOST`` too. The
engine's socket is ``/var/run/docker.sock`` on the engine's machine, the path of a ``unix://`` DOCKER_HOST,
or ``TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE`` (the variable testcontainers reads for Ryuk).

The start-of-run sweep (``docker.sweep_stale``) stays the second line of defence, for a reaper that could
not do its work (killed itself, or the engine restarted). A reaper that never started (its run killed
between creating and starting it) is removed by the next run's ``watch``.

Only the standard library is imported at module level: the same file runs inside the image, where the
Docker SDK is not installed.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import struct
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from oedr.harness.waiting import Timeout, poll_until

if TYPE_CHECKING:
    import docker

REAPER_LABEL = "oedr.reaper"  # value: the run id the reaper watches (it carries no oedr.run label itself)
READY = "oedr-reaper ready"
ENGINE_SOCKET_IN_REAPER = "/var/run/docker.sock"
EMULATOR_TITLE = "oedr-emulator"  # org.opencontainers.image.title of an image built from docker/Dockerfile
SETTLE_SECONDS = 2.0  # a create the dead run sent just before it died lands within this; it is removed too
READY_TIMEOUT = 60.0
REAP_TIMEOUT = 120.0
IDLE_REAPER_AGE = 60.0  # seconds: a reaper created this long ago and not running was never started


class ReaperUnavailable(RuntimeError):
    """The reaper could not be started or did not answer; the message says why."""


# --- inside the reaper container ------------------------------------------------------------------------
class _UnixHTTPConnection(http.client.HTTPConnection):
    """HTTP to the engine over its unix socket (the image has no Docker SDK)."""

    def __init__(self, path: str, timeout: float = 60) -> None:
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self._path)
        self.sock = sock


class Engine:
    """The few Docker Engine API calls the reaper makes."""

    def __init__(self, path: str = ENGINE_SOCKET_IN_REAPER) -> None:
        self.path = path

    def call(self, method: str, url: str) -> tuple[int, bytes]:
        connection = _UnixHTTPConnection(self.path)
        try:
            connection.request(method, url)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def ping(self) -> None:
        status, body = self.call("GET", "/_ping")
        if status != 200:
            raise OSError(f"the engine answered {status} to a ping: {body[:200]!r}")

    def containers(self, label: str) -> list[dict[str, Any]]:
        query = urllib.parse.quote(json.dumps({"label": [label]}))
        status, body = self.call("GET", f"/containers/json?all=1&filters={query}")
        if status != 200:
            raise OSError(f"listing containers labelled {label} failed ({status}): {body[:200]!r}")
        found: list[dict[str, Any]] = json.loads(body)
        return found

    def remove(self, container: dict[str, Any]) -> None:
        """``docker rm -f -v``, unpausing first (removing a paused container can hang the engine's kill)."""
        ident = str(container["Id"])
        if container.get("State") == "paused":
            self.call("POST", f"/containers/{ident}/unpause")
        status, body = self.call("DELETE", f"/containers/{ident}?force=1&v=1")
        if status not in (204, 404, 409):  # 404 gone already, 409 removal already in progress
            raise OSError(f"removing {ident[:12]} failed ({status}): {body[:200]!r}")

    def prune_volumes(self, label: str) -> None:
        query = urllib.parse.quote(json.dumps({"label": [label]}))
        self.call("POST", f"/volumes/prune?filters={query}")


def reap(engine: Engine, label: str, settle: float = SETTLE_SECONDS, timeout: float = REAP_TIMEOUT) -> list[str]:
    """Remove every container labelled ``label`` until none has been seen for ``settle`` seconds; their names."""
    removed: list[str] = []
    quiet_since: list[float] = []

    def settled() -> bool:
        found = engine.containers(label)
        for container in found:
            try:
                engine.remove(container)
            except OSError as error:  # tried again on the next pass
                print(f"oedr-reaper: {error}", file=sys.stderr, flush=True)
            removed.extend(str(name).lstrip("/") for name in container.get("Names") or [container["Id"][:12]])
        if found:
            quiet_since.clear()
            return False
        if not quiet_since:
            quiet_since.append(time.monotonic())
        return time.monotonic() - quiet_since[0] >= settle

    poll_until(settled, timeout=timeout, interval=0.2, what=f"no container labelled {label}")
    engine.prune_volumes(label)
    return sorted(set(removed))


def main(argv: list[str]) -> int:
    """``reaper LABEL``: say ready, wait for stdin to close, then remove what carries LABEL."""
    if len(argv) != 1 or "=" not in argv[0]:
        print("usage: python3 -m oedr.harness.backends.reaper KEY=VALUE", file=sys.stderr)
        return 2
    label = argv[0]
    engine = Engine()
    try:
        engine.ping()
    except OSError as error:
        print(f"oedr-reaper: cannot reach the Docker engine at {engine.path}: {error}", file=sys.stderr, flush=True)
        return 1
    print(f"{READY} {label}", flush=True)
    while os.read(0, 65536):  # nothing is ever written: this ends when the run's connection drops
        pass
    try:
        removed = reap(engine, label)
    except (OSError, Timeout) as error:
        print(f"oedr-reaper: {label}: {error}", file=sys.stderr, flush=True)
        return 1
    print(f"oedr-reaper: {label}: removed {len(removed)} container(s) {' '.join(removed)}".rstrip(), flush=True)
    return 0


# --- in the run's process ---------------------------------------------------------------------------------
@dataclass
class Reaper:
    """A started reaper and the connection whose end sets it off (kept for the life of the process)."""

    run_id: str
    container_id: str
    connection: Any
    client: Any  # the reaper's own client, kept with its connection


_HOW_TO_FIX = (
    "the reaper mounts the engine's socket: if it is not /var/run/docker.sock on the engine's machine, "
    "set TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE to its path there"
)
_reapers: dict[str, Reaper] = {}  # run id -> reaper; the reference keeps the connection open
_lock = threading.Lock()


def engine_socket() -> str:
    """The engine's socket as a path on the engine's machine, to mount into the reaper."""
    override = os.environ.get("TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE", "")
    if override:
        return override
    host = os.environ.get("DOCKER_HOST", "")
    return host[len("unix://") :] if host.startswith("unix://") else ENGINE_SOCKET_IN_REAPER


def is_emulator_image(client: docker.DockerClient, image: str) -> bool:
    """Is ``image`` on the engine and built from docker/Dockerfile (so it holds this reaper)?"""
    import docker.errors

    if not image:
        return False
    try:
        labels = (client.images.get(image).attrs.get("Config") or {}).get("Labels") or {}
    except docker.errors.DockerException:
        return False
    return bool(labels.get("org.opencontainers.image.title") == EMULATOR_TITLE)


def reaper_image(client: docker.DockerClient, image: str) -> str:
    """The run's image when it is an emulator image, else the emulator image built here (a site's OpenEdge
    image has no Python to run the reaper)."""
    from oedr.harness.backends import images

    return image if is_emulator_image(client, image) else images.emulator_image(client)


def _read_until_ready(connection: Any, timeout: float) -> str:
    """The reaper's output (stdout and stderr, demultiplexed) up to its ready line or its end."""
    raw = getattr(connection, "_sock", connection)
    raw.settimeout(timeout)
    output = b""
    buffer = b""
    try:
        while READY.encode() not in output:
            chunk = raw.recv(65536)
            if not chunk:
                break
            buffer += chunk
            while len(buffer) >= 8:
                size = struct.unpack(">I", buffer[4:8])[0]
                if len(buffer) < 8 + size:
                    break
                output += buffer[8 : 8 + size]
                buffer = buffer[8 + size :]
    except TimeoutError:
        output += f"\n(no ready line within {timeout:.0f}s)".encode()
    raw.settimeout(None)
    return output.decode(errors="replace")


def remove_idle_reapers(
    client: docker.DockerClient, older_than: float = IDLE_REAPER_AGE, run_id: str = ""
) -> list[str]:
    """Remove reapers that never ran (their run was killed between creating and starting them); their names.

    A reaper that runs is watching a live run or reaping a dead one, and leaves by itself (``--rm``); one that
    was created but never started would stay. Young ones are left alone: their run may be starting them now.
    ``run_id`` limits this to the reaper of one run.
    """
    import docker.errors

    removed = []
    label = f"{REAPER_LABEL}={run_id}" if run_id else REAPER_LABEL
    for found in client.api.containers(all=True, filters={"label": label, "status": ["created", "exited", "dead"]}):
        if time.time() - float(found.get("Created", 0)) < older_than:
            continue
        try:
            client.api.remove_container(found["Id"], force=True, v=True)
        except docker.errors.APIError:  # removed meanwhile by another run
            continue
        removed.append(str((found.get("Names") or [found["Id"][:12]])[0]).lstrip("/"))
    return removed


def watch(client: docker.DockerClient, run_id: str, run_label: str, image: str = "") -> Reaper:
    """Start the reaper of ``run_id`` (once per run) and hold its connection; ReaperUnavailable if it fails.

    ``run_label`` is the label key every container of the run carries with the run id as its value;
    ``image`` is the run's image, used when it is an emulator image (a site's OpenEdge image is not).
    """
    import docker as docker_sdk

    with _lock:
        if run_id in _reapers:
            return _reapers[run_id]
        label = f"{run_label}={run_id}"
        remove_idle_reapers(client)
        chosen = reaper_image(client, image)
        # its own client: closing the run's clients must never close the connection the reaper watches
        own = docker_sdk.from_env(timeout=None, version=client.api.api_version)
        try:
            api = own.api
            # a Mount, not a bind string: a missing socket path is refused instead of created as a directory;
            # label=disable lets the reaper use the socket on an SELinux host (ignored elsewhere)
            socket_mount = docker_sdk.types.Mount(ENGINE_SOCKET_IN_REAPER, engine_socket(), type="bind")
            host_config = api.create_host_config(
                mounts=[socket_mount], network_mode="none", auto_remove=True, security_opt=["label=disable"]
            )
            created = api.create_container(
                chosen,
                ["python3", "-I", "-m", "oedr.harness.backends.reaper", label],
                user="0",
                stdin_open=True,
                detach=False,
                entrypoint=[],
                labels={REAPER_LABEL: run_id},
                host_config=host_config,
                name=f"oedr-reaper-{run_id}",
            )
            ident = str(created["Id"])
            connection = api.attach_socket(ident, params={"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1})
            raw = getattr(connection, "_sock", connection)
            if getattr(raw, "family", None) in (socket.AF_INET, socket.AF_INET6):  # remote: notice a silent peer
                raw.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
            try:
                api.start(ident)
            except docker_sdk.errors.DockerException:
                api.remove_container(ident, force=True)  # never started, so --rm does not remove it
                raise
        except docker_sdk.errors.DockerException as error:
            own.close()
            hint = f"; {_HOW_TO_FIX}" if "bind source path" in str(error) else ""
            raise ReaperUnavailable(f"the reaper of run {run_id} could not be started: {error}{hint}") from error
        said = _read_until_ready(connection, READY_TIMEOUT)
        if READY not in said:
            connection.close()
            own.close()
            raise ReaperUnavailable(
                f"the reaper of run {run_id} ({chosen}, engine socket {engine_socket()}) "
                f"did not start: {said.strip()[-500:]}; {_HOW_TO_FIX}"
            )
        _reapers[run_id] = Reaper(run_id, ident, connection, own)
        return _reapers[run_id]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

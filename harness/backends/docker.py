"""The Docker engine and this process's run: the session every container of a run is started through.

The docker backend is three modules, one job each: this one (the engine session and the cleanup of what
a run leaves), ``docker_host`` (one host as a container, with the faults only a container gives
truthfully) and ``docker_backend`` (the backend that creates those hosts).

Cleanup (shared/design.md "Nothing outside the sandbox"): every container carries the labels
``oedr.run=<run id>``, ``oedr.host``, ``oedr.pid``/``oedr.pid-start`` (the pytest process and its start
time), ``oedr.boot`` and ``oedr.machine``. ``Backend.close`` (a fixture finaliser, also run on Ctrl-C)
removes a scenario's containers; an ``atexit`` hook and a SIGTERM handler remove whatever this process
still owns; and the first backend of a process removes containers left by a run whose process is gone
(killed pytest, crashed worker, rebooted machine). No network or volume is created: containers run
with ``--network none`` and no volumes, and are removed with their anonymous volumes (``-v``).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import secrets
import signal
import socket
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import docker.errors
from testcontainers.core.config import testcontainers_config

import docker

RUN_LABEL, HOST_LABEL, PID_LABEL, PID_START_LABEL = "oedr.run", "oedr.host", "oedr.pid", "oedr.pid-start"
BOOT_LABEL, MACHINE_LABEL = "oedr.boot", "oedr.machine"
FOREIGN_RUN_MAX_AGE = timedelta(hours=24)
HOW_TO_GET_ONE = (
    "start one (`sudo .ci/docker-engine.sh` installs and starts dockerd) or point DOCKER_HOST at "
    "one; OEDR_REQUIRE_DOCKER=1 turns this skip into a failure"
)
ENGINE_TIMEOUT = 900  # seconds for one API call; every exec'd command is bounded by `timeout` in the host


class DockerUnavailable(RuntimeError):
    """No Docker engine answers; the message says why and how to get one."""


# --- the engine and this process's run ---------------------------------------------------------------
def _read(path: str) -> str:
    try:
        with open(path, encoding="ascii") as handle:
            return handle.read().strip()
    except OSError:
        return ""


def _process_start(pid: int) -> str:
    """The start time of a process in clock ticks since boot ("" if it does not exist): pid + this = identity."""
    stat = _read(f"/proc/{pid}/stat")
    return stat.rsplit(")", 1)[1].split()[19] if ")" in stat else ""


def machine_identity() -> tuple[str, str]:
    """(machine id, boot id) of this machine: together with a pid and its start time they name a process."""
    machine = _read("/etc/machine-id") or socket.gethostname()
    return machine, _read("/proc/sys/kernel/random/boot_id") or "unknown-boot"


def engine_problem() -> str | None:
    """None when a Docker engine answers a ping; else one line saying why not."""
    try:
        client = docker.from_env(timeout=10)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as exc:  # noqa: BLE001 - any failure means "no engine"; the reason is reported
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"no Docker engine answers ({first[:200]})"
    return None


@dataclass
class RunSession:
    """This process's run: its id, labels, a client, and the containers still to remove."""

    run_id: str
    labels: dict[str, str]
    client: docker.DockerClient
    live: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _streams: docker.DockerClient | None = None

    @property
    def streams(self) -> docker.DockerClient:
        """A client without a read timeout, for background jobs that may stay silent for minutes."""
        if self._streams is None:
            self._streams = docker.from_env(timeout=None, version=self.client.api.api_version)
        return self._streams

    def adopt(self, container_id: str) -> None:
        with self.lock:
            self.live.add(container_id)

    def forget(self, container_id: str) -> None:
        with self.lock:
            self.live.discard(container_id)


_session: RunSession | None = None
_session_lock = threading.Lock()


def session() -> RunSession:
    """The run of this process, set up on first use: Ryuk off, stale runs swept, exit hooks installed."""
    global _session
    with _session_lock:
        if _session is not None:
            return _session
        problem = engine_problem()
        if problem:
            raise DockerUnavailable(f"{problem}: {HOW_TO_GET_ONE}")
        # Ryuk would need a pull of testcontainers/ryuk; the oedr.* labels and the sweep replace it.
        os.environ["TESTCONTAINERS_RYUK_DISABLED"] = "true"
        testcontainers_config.ryuk_disabled = True
        machine, boot = machine_identity()
        pid = os.getpid()
        run_id = f"{machine[:8]}-{pid}-{secrets.token_hex(3)}"
        labels = {
            RUN_LABEL: run_id,
            PID_LABEL: str(pid),
            PID_START_LABEL: _process_start(pid),
            BOOT_LABEL: boot,
            MACHINE_LABEL: machine,
        }
        client = docker.from_env(timeout=ENGINE_TIMEOUT)
        _session = RunSession(run_id, labels, client)
        sweep_stale(client, own_run=run_id)
        atexit.register(remove_run_containers)
        _install_sigterm_cleanup()
        return _session


def _run_alive(labels: dict[str, str], created: str) -> bool:
    """Is the pytest process that labelled this container still running? Unknown machines: by age only."""
    machine, boot = machine_identity()
    if labels.get(MACHINE_LABEL) != machine:
        try:
            born = datetime.fromisoformat(created[:26].rstrip("Z") + "+00:00")
        except ValueError:
            return True
        return datetime.now(UTC) - born < FOREIGN_RUN_MAX_AGE
    if labels.get(BOOT_LABEL) != boot:
        return False
    pid = labels.get(PID_LABEL, "")
    return pid.isdigit() and _process_start(int(pid)) == labels.get(PID_START_LABEL)


def remove_container(container: Any) -> None:
    """``docker rm -f -v``, unpausing first: removing a paused container can hang the engine's kill."""
    with contextlib.suppress(docker.errors.NotFound):
        if container.status == "paused":
            container.unpause()
        container.remove(force=True, v=True)


def sweep_stale(client: docker.DockerClient, own_run: str = "") -> list[str]:
    """Remove containers labelled by an oedr run whose process is gone; returns their names."""
    removed = []
    for container in client.containers.list(all=True, filters={"label": RUN_LABEL}, ignore_removed=True):
        labels = container.labels
        if labels.get(RUN_LABEL) == own_run or _run_alive(labels, str(container.attrs.get("Created", ""))):
            continue
        with contextlib.suppress(docker.errors.APIError):  # the dead run's reaper may be removing it (409, 404)
            remove_container(container)
            removed.append(str(container.name))
    return removed


def remove_run_containers() -> list[str]:
    """Remove every container of this process's run (atexit, SIGTERM, and the end of a session)."""
    if _session is None:
        return []
    client = docker.from_env(timeout=60)
    removed = []
    try:
        for container in client.containers.list(all=True, filters={"label": f"{RUN_LABEL}={_session.run_id}"}):
            remove_container(container)
            removed.append(str(container.name))
            _session.forget(str(container.id))
    except docker.errors.DockerException:
        pass
    finally:
        client.close()
    return removed


def _install_sigterm_cleanup() -> None:
    """On SIGTERM (CI cancelling the job), remove this run's containers, then die of SIGTERM as usual."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, None):
        return

    def on_sigterm(signum: int, _frame: object) -> None:
        remove_run_containers()
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    signal.signal(signal.SIGTERM, on_sigterm)

"""One host of the docker backend: a long-lived container, and the faults only a container gives truthfully.

A host is a container of the backend's image (``docker/Dockerfile`` for the emulator) with its own host
name, its own disk (``/data/<host>``, owned by the image's user) and its own processes. Each DBA command is
one ``docker exec`` with the argv as typed, in the host's directory; its output, exit status and the
container id go into the ``CommandResult``. Files cross hosts the way a site moves them: a tar stream
out of one container and into the other, never through a shared directory that could hide a missed file.

Faults only a container can give truthfully are methods of ``DockerHost``: ``kill`` (``docker kill``: the
machine loses power), ``start_again``, ``pause``/``resume`` (the machine freezes) and ``limit_disk`` (the
host directory becomes a size-limited tmpfs, so writes fail with ENOSPC).
"""

from __future__ import annotations

import contextlib
import io
import os
import shlex
import signal
import socket
import tarfile
import threading
import time
import uuid
from collections.abc import Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import partial
from pathlib import PurePosixPath
from typing import Any, Protocol

import docker.errors
from docker.utils.socket import STDOUT, frames_iter
from testcontainers.core.container import DockerContainer
from testcontainers.core.wait_strategies import ExecWaitStrategy

import docker
from oedr.harness.backends.base import UNREACHABLE, Background, Host, check_sandbox, record_copy, utc_now
from oedr.harness.backends.docker import ENGINE_TIMEOUT, HOST_LABEL, RunSession, remove_container
from oedr.harness.evidence import hooks
from oedr.harness.result import CommandResult
from oedr.harness.waiting import poll_until

DEFAULT_OWNER = (1000, 1000)  # the emulator image's oedr user; a site image tells its own (`id -u`/`id -g`)
RUNTIME_DIR = "/dev/shm/oedr"  # the broker's sockets: "shared memory", gone when the machine restarts


class HostUnreachable(OSError):
    """The host's container is not running (killed) or frozen (paused): it cannot run anything."""


class HostsBackend(Protocol):
    """What a host needs of its backend (the docker backend, or the openedge one built on it)."""

    session: RunSession
    image: str
    image_id: str

    def start_box(
        self, host: str, root: str, disk_kb: int | None = None, owner: tuple[int, int] = DEFAULT_OWNER
    ) -> Future[OpenEdgeLikeContainer]: ...


# --- one host's container ------------------------------------------------------------------------------
class OpenEdgeLikeContainer(DockerContainer):
    """A long-lived "database host": ``sleep infinity`` under docker-init, the harness execs the tools into it.

    Example::

        with OpenEdgeLikeContainer("oedr-emulator:src-…", host="production", root="/data/production") as box:
            box.exec(["proutil", "sports", "-C", "busy"])
    """

    def __init__(
        self,
        image: str,
        *,
        host: str,
        root: str,
        labels: dict[str, str] | None = None,
        env: dict[str, str] | None = None,
        disk_kb: int | None = None,
        api_version: str | None = None,
        command: list[str] | None = None,
        owner: tuple[int, int] = DEFAULT_OWNER,
    ) -> None:
        client_kw: dict[str, Any] = {"timeout": ENGINE_TIMEOUT}
        if api_version:
            client_kw["version"] = api_version
        super().__init__(image, docker_client_kw=client_kw)
        self.host, self.root = host, root
        self._command = command or ["sleep", "infinity"]
        self._extra_env = env or {}
        self.with_kwargs(
            init=True, hostname=host, network="none", labels={**(labels or {}), HOST_LABEL: host}, entrypoint=[]
        )
        if disk_kb:
            self.tmpfs[root] = f"size={disk_kb}k,uid={owner[0]},gid={owner[1]},mode=0755"
        self.waiting_for(ExecWaitStrategy(["mkdir", "-p", root]))

    def _configure(self) -> None:
        self.with_envs(
            OEDR_HOST=self.host, OEDR_BANNER="no", OEDR_RUNTIME_DIR=RUNTIME_DIR, PYTHONUNBUFFERED="1", **self._extra_env
        )

    @property
    def workdir(self) -> str:
        """The host's directory: its disk, and where every command starts."""
        return self.root


def _signal_status(code: int | None) -> int:
    """exec reports 128+N for a process killed by signal N; the local backend's convention is -N.

    130 stays 130: the emulator itself exits 130 when interrupted (cli.run), and a process that dies of
    SIGINT without handling it is rare. An exit code the engine could not collect (the container died
    with the process) counts as SIGKILL.
    """
    if code is None:
        return -signal.SIGKILL
    if 128 < code < 160 and code != 130:
        return -(code - 128)
    return code


def _tar(entries: dict[str, bytes], mtime: float) -> bytes:
    """A tar of files at paths relative to the directory it will be extracted in."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for relative, data in entries.items():
            info = tarfile.TarInfo(str(PurePosixPath(relative)))
            info.size, info.mode, info.mtime = len(data), 0o644, int(mtime)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _feed(sock: Any, data: bytes, out: list[bytes], err: list[bytes]) -> None:
    """Write ``data`` to an attached exec's stdin, close it, and collect its demultiplexed output."""
    raw = getattr(sock, "_sock", sock)
    try:
        raw.sendall(data)
        raw.shutdown(socket.SHUT_WR)
        for stream, chunk in frames_iter(sock, tty=False):
            (out if stream == STDOUT else err).append(chunk)
    finally:
        sock.close()


@dataclass
class _Job:
    """A background command: its exec, the file holding its pid inside the container, its output so far."""

    exec_id: str
    argv: list[str]
    pidfile: str
    started: str
    clock: float
    out: list[bytes] = field(default_factory=list)
    err: list[bytes] = field(default_factory=list)
    reader: threading.Thread | None = None


class DockerHost(Host):
    """One machine of the site, as a container; see the module docstring for what each method does."""

    backend_name = "docker"

    def __init__(self, name: str, root: str, backend: HostsBackend) -> None:
        super().__init__(name, root)
        self.hostname = name
        self._backend = backend
        self._box_future: Future[OpenEdgeLikeContainer] = backend.start_box(name, root)
        self._box: OpenEdgeLikeContainer | None = None
        self.state = "running"
        self._jobs: list[Background] = []
        self._gate = threading.Lock()
        self._inflight: set[str] = set()

    # --- the container -------------------------------------------------------------------------------
    @property
    def box(self) -> OpenEdgeLikeContainer:
        """The host's container (started in the background when the host was created; waited for here)."""
        if self._box is None:
            self._box = self._box_future.result()
        return self._box

    @property
    def container_id(self) -> str:
        return self.box.get_container_id()

    @property
    def _api(self) -> docker.APIClient:
        return self._backend.session.client.api

    def _exec(
        self,
        argv: list[str],
        *,
        env: dict[str, str] | None = None,
        workdir: str | None = None,
        user: str = "",
        stdin: bytes | None = None,
    ) -> tuple[int, bytes, bytes]:
        """One ``docker exec``: (exit status as the engine reports it, stdout, stderr); ``stdin`` is fed to it."""
        out: list[bytes] = []
        err: list[bytes] = []
        exec_id = self._create_exec(argv, env=env, workdir=workdir, user=user, stdin=stdin is not None)
        try:
            if stdin is None:
                # streamed and joined once: docker-py's non-streamed demux concatenates frame by frame,
                # which is quadratic (16 s for a 32 MB tar of AI extents instead of 0.3 s)
                for chunk_out, chunk_err in self._api.exec_start(exec_id, stream=True, demux=True):
                    out.extend([chunk_out] if chunk_out else [])
                    err.extend([chunk_err] if chunk_err else [])
            else:
                _feed(self._api.exec_start(exec_id, socket=True), stdin, out, err)
            code = self._api.exec_inspect(exec_id)["ExitCode"]
        except docker.errors.APIError as error:
            if error.status_code == 409:
                raise HostUnreachable(f"host {self.name} does not answer: {error.explanation}") from error
            raise
        finally:
            self._inflight.discard(exec_id)
        return (code if code is not None else -1), b"".join(out), b"".join(err)

    def _create_exec(
        self,
        argv: list[str],
        *,
        env: dict[str, str] | None = None,
        workdir: str | None = None,
        user: str = "",
        stdin: bool = False,
    ) -> str:
        """Create an exec, unless the host is down; ``pause`` waits for every created exec to have started.

        An exec started into a frozen container never starts and blocks the engine's unpause (and rm):
        the gate keeps creation and the pause apart.
        """
        with self._gate:
            if self.state != "running":
                raise HostUnreachable(f"host {self.name} does not answer: its container is {self.state}")
            try:
                exec_id = str(
                    self._api.exec_create(
                        self.container_id,
                        argv,
                        stdout=True,
                        stderr=True,
                        stdin=stdin,
                        environment=env,
                        workdir=workdir or self.root,
                        user=user,
                    )["Id"]
                )
            except docker.errors.APIError as error:
                if error.status_code == 409:
                    raise HostUnreachable(f"host {self.name} does not answer: {error.explanation}") from error
                raise
            self._inflight.add(exec_id)
            return exec_id

    def _exec_started(self, exec_id: str) -> bool:
        try:
            info = self._api.exec_inspect(exec_id)
        except docker.errors.NotFound:
            return True
        return bool(info.get("Pid")) or (not info.get("Running") and info.get("ExitCode") is not None)

    def _abs(self, path: str) -> str:
        full = os.path.normpath(os.path.join(self.root, path))
        if full != self.root and not full.startswith(self.root + "/"):
            raise PermissionError(f"{path} is outside host {self.name}")
        return full

    # --- Host: commands ------------------------------------------------------------------------------
    def translate(self, argv: list[str]) -> list[str]:
        """The argv to exec for what the DBA typed (the emulator's tools are on PATH as typed)."""
        return argv

    def _execute(
        self, argv: list[str], command: str, cwd: str, stdin: str | None, env: dict[str, str], timeout: float
    ) -> CommandResult:
        started, clock = utc_now(), time.monotonic()
        exec_env = dict(env)
        wrapped = ["timeout", "-k", "5", f"{timeout:g}", *self.translate(argv)]
        if stdin is not None:
            exec_env["OEDR_STDIN"] = stdin
            wrapped = ["sh", "-c", 'printf %s "$OEDR_STDIN" | env -u OEDR_STDIN "$@"', "sh", *wrapped]
        try:
            code, out, err = self._exec(wrapped, env=exec_env, workdir=cwd)
            status = _signal_status(code)
        except HostUnreachable as exc:
            status, out, err = UNREACHABLE, b"", f"oedr: {exc}\n".encode()
        return CommandResult(
            self.name,
            command,
            argv,
            cwd,
            started,
            time.monotonic() - clock,
            status,
            out.decode(errors="replace"),
            err.decode(errors="replace"),
            backend=self.backend_name,
            container=self.container_id,
            extra={"hostname": self.hostname, "image": self._backend.image, "image_id": self._backend.image_id},
        )

    def start_background(self, command: str, env: dict[str, str] | None = None) -> Background:
        """Exec the command detached from the harness; its output is read by a thread until it ends."""
        argv = shlex.split(command)
        check_sandbox(argv, self.root, self.root)
        pidfile = f"/tmp/oedr-job-{uuid.uuid4().hex}.pid"
        wrapped = ["sh", "-c", 'echo $$ > "$0" && exec "$@"', pidfile, *self.translate(argv)]
        exec_id = self._create_exec(wrapped, env=env or {})
        job = _Job(exec_id, argv, pidfile, utc_now(), time.monotonic())
        try:
            stream = self._backend.session.streams.api.exec_start(exec_id, stream=True, demux=True)
            poll_until(lambda: self._exec_started(exec_id), timeout=30, interval=0.01, what=f"`{command}` to start")
        finally:
            self._inflight.discard(exec_id)
        job.reader = threading.Thread(target=_drain, args=(stream, job), daemon=True, name=f"oedr-job-{self.name}")
        job.reader.start()
        background = Background(self, command, job)
        self._jobs.append(background)
        return background

    def _signal_job(self, job: _Job, signame: str) -> None:
        with contextlib.suppress(HostUnreachable):
            self._exec(["sh", "-c", f'test -s "$0" && kill -{signame} "$(cat "$0")"', job.pidfile])

    def stop_background(self, job: Background) -> CommandResult:
        """SIGTERM the job (SIGKILL if it lingers), then give its result."""
        state = job.handle
        assert isinstance(state, _Job)
        assert state.reader is not None
        if state.reader.is_alive() and self.state == "running":
            with contextlib.suppress(Exception):
                poll_until(
                    lambda: self._exec(["test", "-s", state.pidfile])[0] == 0,
                    timeout=10,
                    interval=0.05,
                    what=f"the pid file of `{job.command}`",
                )
            self._signal_job(state, "TERM")
            state.reader.join(timeout=20)
            if state.reader.is_alive():
                self._signal_job(state, "KILL")
        state.reader.join(timeout=20)
        return self._finish(job, state)

    def wait_background(self, job: Background, timeout: float) -> CommandResult:
        state = job.handle
        assert isinstance(state, _Job)
        assert state.reader is not None
        state.reader.join(timeout=timeout)
        if state.reader.is_alive():
            raise TimeoutError(f"`{job.command}` on {self.name} still running after {timeout}s")
        return self._finish(job, state)

    def _finish(self, job: Background, state: _Job) -> CommandResult:
        try:
            code = self._api.exec_inspect(state.exec_id).get("ExitCode")
        except docker.errors.APIError:
            code = None
        if job in self._jobs:
            self._jobs.remove(job)
        result = CommandResult(
            self.name,
            job.command,
            state.argv,
            self.root,
            state.started,
            time.monotonic() - state.clock,
            _signal_status(code),
            b"".join(state.out).decode(errors="replace"),
            b"".join(state.err).decode(errors="replace"),
            backend=self.backend_name,
            container=self.container_id,
            extra={"hostname": self.hostname, "background": True},
        )
        hooks.record_command(result.as_record())
        return result

    # --- Host: files -----------------------------------------------------------------------------
    def read_file(self, path: str) -> bytes:
        """``cat`` in the container (the archive API would not see a tmpfs-mounted directory)."""
        code, out, err = self._exec(["cat", "--", self._abs(path)])
        if code != 0:
            problem = err.decode(errors="replace").strip()
            if "No such file" in problem:
                raise FileNotFoundError(f"{path} does not exist on host {self.name}")
            raise OSError(f"cannot read {path} on host {self.name}: {problem}")
        return out

    def write_file(self, path: str, data: bytes) -> None:
        self._put({os.path.relpath(self._abs(path), self.root): data})

    def _put(self, entries: dict[str, bytes], directory: str | None = None) -> None:
        """Extract files into a directory of the host as its user (``tar -x``), creating sub-directories."""
        self._untar_here(_tar(entries, time.time()), directory or self.root)

    def _untar_here(self, archive: bytes, directory: str) -> None:
        code, _out, err = self._exec(
            ["sh", "-c", 'mkdir -p -- "$0" && exec tar -xf - -C "$0"', directory], stdin=archive
        )
        if code != 0:
            problem = err.decode(errors="replace").strip()
            if "Wrote only" in problem or "No space left" in problem:
                raise OSError(28, f"No space left on device: host {self.name}: {problem}")
            raise OSError(f"cannot write into {directory} on host {self.name}: {problem}")

    def list_files(self, directory: str = ".") -> list[str]:
        code, out, _err = self._exec(
            ["find", self._abs(directory), "-mindepth", "1", "-maxdepth", "1", "-type", "f", "-printf", "%f\\n"]
        )
        return sorted(out.decode().splitlines()) if code == 0 else []

    def remove_file(self, path: str) -> None:
        self._exec(["rm", "-f", "--", self._abs(path)])

    def copy_files(
        self, names: Iterable[str], target: Host, directory: str = ".", target_directory: str = "."
    ) -> list[str]:
        """An OS copy to another container in one stream: ``tar -c`` here, extracted there."""
        if not isinstance(target, DockerHost):
            return super().copy_files(names, target, directory, target_directory)
        names = list(names)
        source_dir = self._abs(directory)
        for name in names:
            self._abs(os.path.join(directory, name))
        code, out, err = self._exec(["tar", "-cf", "-", "--", *names], workdir=source_dir)
        if code != 0:
            raise FileNotFoundError(f"copy from {self.name} failed: {err.decode(errors='replace').strip()}")
        target._untar_here(out, target._abs(target_directory))
        with tarfile.open(fileobj=io.BytesIO(out)) as tar:
            files = [
                (member.name, extracted.read())
                for member in tar.getmembers()
                if member.isfile() and (extracted := tar.extractfile(member)) is not None
            ]
        record_copy(self, target, files, directory, target_directory)
        return names

    # --- Host: cleanup and identity --------------------------------------------------------------------
    def kill_processes(self) -> None:
        """SIGKILL every process of the host except its init and main process (brokers, loads, clients)."""
        script = (
            'for p in /proc/[0-9]*; do p=${p#/proc/}; [ "$p" -gt 1 ] && [ "$p" != $$ ] || continue; '
            '[ "$(tr "\\0" " " < /proc/$p/cmdline 2>/dev/null)" = "sleep infinity " ] && continue; '
            'kill -KILL "$p" 2>/dev/null; done; true'
        )
        with contextlib.suppress(HostUnreachable):
            self._exec(["sh", "-c", script])

    def remove(self) -> None:
        """Remove the container (and its anonymous volumes); its processes die with it."""
        self._jobs.clear()
        try:
            box = self.box
        except Exception:  # noqa: BLE001 - a container that never started has nothing to remove
            return
        container = box.get_wrapped_container()
        with contextlib.suppress(docker.errors.NotFound):
            container.reload()
        remove_container(container)
        box.get_docker_client().client.close()
        self._backend.session.forget(box.get_container_id())

    # --- faults only a container can give truthfully -----------------------------------------------------
    def kill(self) -> None:
        """``docker kill``: every process of the host dies at once (power loss); the disk stays as it was."""
        container = self.box.get_wrapped_container()
        with self._gate:
            if self.state == "paused":
                container.unpause()  # killing a frozen container can hang the engine
            self.state = "killed"
            container.kill()
        poll_until(lambda: _status(container) == "exited", timeout=30, what=f"{self.name} to stop")
        self._fault(f"{self.name} killed (docker kill)")

    def start_again(self) -> None:
        """Boot the host again after ``kill``: same disk and host name, no process, empty shared memory."""
        container = self.box.get_wrapped_container()
        container.start()
        self.state = "running"
        poll_until(lambda: self._exec(["mkdir", "-p", self.root])[0] == 0, timeout=30, what=f"{self.name} to boot")
        self._fault(f"{self.name} started again")

    def pause(self) -> None:
        """``docker pause``: every process of the host freezes where it is; nothing can be run there."""
        with self._gate:
            self.state = "paused"
            for exec_id in list(self._inflight):
                poll_until(
                    partial(self._exec_started, exec_id),
                    timeout=30,
                    interval=0.01,
                    what="a command starting on the host to start before it is paused",
                )
            self.box.get_wrapped_container().pause()
        self._fault(f"{self.name} paused")

    def resume(self) -> None:
        """``docker unpause``: the frozen processes carry on as if nothing happened."""
        with self._gate:
            self.box.get_wrapped_container().unpause()
            self.state = "running"
        self._fault(f"{self.name} resumed")

    def limit_disk(self, free_kb: int) -> None:
        """Give the host a disk with only ``free_kb`` KB free: the same files on a size-limited tmpfs.

        A container's mounts are fixed when it is created, so the host is moved to a new container
        (same name, labels and files) whose directory is a tmpfs of the files' size plus ``free_kb``.
        Processes do not move: call it before the databases of the host are started.
        """
        if self._jobs:
            raise RuntimeError(f"{self.name} has background jobs running; limit its disk before starting them")
        code, archive, err = self._exec(["tar", "-cf", "-", "."])
        if code != 0:
            raise OSError(f"cannot read the disk of {self.name}: {err.decode(errors='replace').strip()}")
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            used_kb = sum(-(-member.size // 4096) * 4 + 4 for member in tar.getmembers())
        owner = self._user_ids()
        old = self.box
        self._box = self._backend.start_box(self.name, self.root, disk_kb=used_kb + free_kb, owner=owner).result()
        self._untar_here(archive, self.root)
        remove_container(old.get_wrapped_container())
        old.get_docker_client().client.close()
        self._backend.session.forget(old.get_container_id())
        self._fault(f"{self.name}: disk limited to {free_kb} KB free")

    def _user_ids(self) -> tuple[int, int]:
        """The uid and gid the image runs commands as: the tmpfs must belong to them, whatever the image."""
        code, out, err = self._exec(["sh", "-c", "id -u; id -g"])
        if code != 0:
            raise OSError(f"cannot tell the user of {self.name}: {err.decode(errors='replace').strip()}")
        uid, gid = out.decode().split()
        return int(uid), int(gid)

    def free_kb(self) -> int:
        """Free space of the host's directory in KB (``df``)."""
        code, out, err = self._exec(["df", "-k", "--output=avail", self.root])
        if code != 0:
            raise OSError(f"df failed on {self.name}: {err.decode(errors='replace').strip()}")
        return int(out.decode().split()[-1])

    def _fault(self, label: str) -> None:
        hooks.record_event({"kind": "fault", "host": self.name, "label": label, "seq": None, "time": utc_now()})


def _status(container: Any) -> str:
    container.reload()
    return str(container.status)


def _drain(stream: Iterable[tuple[bytes | None, bytes | None]], job: _Job) -> None:
    """Collect a background job's output until its exec ends (or its container dies)."""
    try:
        for out, err in stream:
            if out:
                job.out.append(out)
            if err:
                job.err.append(err)
    except Exception:  # noqa: BLE001 - a killed container cuts the stream; the exit code tells the rest
        return

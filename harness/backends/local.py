"""The embedded local backend: each host is a private directory on this machine, commands are subprocesses.

Hosts are real hosts even here (shared/design.md): each runs its commands with its own OEDR_HOST, so a
.lk copied from production refuses startup on the DR host exactly as between two machines.
"""

from __future__ import annotations

import contextlib
import io
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from oedr.harness.backends.base import Backend, Background, Host, check_sandbox, utc_now
from oedr.harness.dba import embedded
from oedr.harness.dba.emulator import lock_holder, pid_alive
from oedr.harness.evidence import hooks
from oedr.harness.result import CommandResult
from oedr.harness.waiting import poll_until

BIN = str(Path(sys.executable).parent)
_IN_PROCESS = threading.Lock()


def _run_in_process(argv: list[str], cwd: str, stdin: str | None, env: dict[str, str]) -> tuple[int, str]:
    """Run an emulated utility inside this process, as its console script would (same code, same output).

    Much faster than a subprocess per command; the subprocess path stays for fault injection and for
    OEDR_LOCAL_SUBPROCESS=1, which runs every command through the installed console scripts.
    """
    with _IN_PROCESS:
        saved_env, saved_cwd, saved_stdin = dict(os.environ), os.getcwd(), sys.stdin
        out = io.StringIO()
        try:
            os.environ.clear()
            os.environ.update(env)
            os.chdir(cwd)
            sys.stdin = io.StringIO(stdin or "")
            with contextlib.redirect_stdout(out):
                status = embedded.run_utility(argv[0], argv[1:])
        finally:
            sys.stdin = saved_stdin
            os.chdir(saved_cwd)
            os.environ.clear()
            os.environ.update(saved_env)
    return status, out.getvalue()


class LocalHost(Host):
    backend_name = "local"

    def __init__(self, name: str, root: str, run_id: str, in_process: bool = True) -> None:
        super().__init__(name, root)
        self.in_process = in_process
        self.hostname = f"{name}.{run_id}"
        self.runtime = os.path.join(root, ".shm")
        os.makedirs(self.runtime, mode=0o700, exist_ok=True)
        self._jobs: list[subprocess.Popen[str]] = []

    def environment(self, extra: dict[str, str]) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OEDR_FAULT", "PYTEST_"))}
        env.update(
            {
                "OEDR_HOST": self.hostname,
                "OEDR_RUNTIME_DIR": self.runtime,
                "OEDR_BANNER": "no",
                "PATH": BIN + os.pathsep + env.get("PATH", ""),
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(extra)
        return env

    def _execute(
        self, argv: list[str], command: str, cwd: str, stdin: str | None, env: dict[str, str], timeout: float
    ) -> CommandResult:
        started, clock = utc_now(), time.monotonic()
        if self.in_process and argv[0] in embedded.UTILITIES and not any(k.startswith("OEDR_FAULT") for k in env):
            status, out = _run_in_process(argv, cwd, stdin, self.environment(env))
            return CommandResult(
                self.name,
                command,
                argv,
                cwd,
                started,
                time.monotonic() - clock,
                status,
                out,
                "",
                backend="local",
                extra={"hostname": self.hostname, "mode": "in-process"},
            )
        try:
            proc = subprocess.run(
                argv,
                cwd=cwd,
                input=stdin,
                capture_output=True,
                text=True,
                timeout=timeout,
                env=self.environment(env),
                check=False,
            )
            status, out, err = proc.returncode, proc.stdout, proc.stderr
        except FileNotFoundError:
            status, out, err = 127, "", f"{argv[0]}: command not found\n"
        except subprocess.TimeoutExpired as exc:
            status, out, err = 124, str(exc.stdout or ""), f"timed out after {timeout}s\n"
        return CommandResult(
            self.name,
            command,
            argv,
            cwd,
            started,
            time.monotonic() - clock,
            status,
            out,
            err,
            backend="local",
            extra={"hostname": self.hostname},
        )

    def start_background(self, command: str, env: dict[str, str] | None = None) -> Background:
        argv = shlex.split(command)
        check_sandbox(argv, self.root, self.root)
        started, clock = utc_now(), time.monotonic()
        proc = subprocess.Popen(
            argv,
            cwd=self.root,
            env=self.environment(env or {}),
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        self._jobs.append(proc)
        return Background(self, command, proc, started=started, clock=clock)

    def _finish(self, job: Background, proc: subprocess.Popen[str], timeout: float | None = None) -> CommandResult:
        out, err = proc.communicate(timeout=timeout)  # reads while waiting: a long load fills any pipe
        result = CommandResult(
            self.name,
            job.command,
            list(proc.args),  # type: ignore[arg-type]
            self.root,
            job.started,
            time.monotonic() - job.clock,
            proc.returncode,
            out,
            err,
            backend="local",
            extra={"hostname": self.hostname, "mode": "background"},
        )
        hooks.record_command(result.as_record())
        return result

    def stop_background(self, job: Background) -> CommandResult:
        proc = job.handle
        assert isinstance(proc, subprocess.Popen)
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        return self._finish(job, proc)

    def wait_background(self, job: Background, timeout: float) -> CommandResult:
        proc = job.handle
        assert isinstance(proc, subprocess.Popen)
        return self._finish(job, proc, timeout)

    def _abs(self, path: str) -> str:
        full = os.path.normpath(os.path.join(self.root, path))
        if full != self.root and not full.startswith(self.root + "/"):
            raise PermissionError(f"{path} is outside host {self.name}")
        return full

    def read_file(self, path: str) -> bytes:
        return Path(self._abs(path)).read_bytes()

    def write_file(self, path: str, data: bytes) -> None:
        target = Path(self._abs(path))
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            target.chmod(0o644)
        target.write_bytes(data)

    def list_files(self, directory: str = ".") -> list[str]:
        base = Path(self._abs(directory))
        return sorted(p.name for p in base.iterdir() if p.is_file()) if base.is_dir() else []

    def remove_file(self, path: str) -> None:
        Path(self._abs(path)).unlink(missing_ok=True)

    def kill_processes(self) -> None:
        for proc in self._jobs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        for lk in Path(self.root).rglob("*.lk"):
            holder = lock_holder(lk)
            if holder and holder[1] == self.hostname and pid_alive(holder[0]):
                os.kill(holder[0], signal.SIGKILL)

                def dead(pid: int = holder[0]) -> bool:
                    return not pid_alive(pid)

                poll_until(dead, timeout=10, what="broker to die")


class LocalBackend(Backend):
    """Hosts under one short temporary root (short, because broker sockets live there)."""

    name = "local"

    def __init__(self) -> None:
        self.root = tempfile.mkdtemp(prefix="oedr-")
        self.run_id = os.path.basename(self.root).removeprefix("oedr-")
        self.hosts: list[LocalHost] = []

    def create_host(self, name: str) -> LocalHost:
        root = os.path.join(self.root, name)
        os.makedirs(root, exist_ok=True)
        host = LocalHost(name, root, self.run_id, in_process=os.environ.get("OEDR_LOCAL_SUBPROCESS") != "1")
        self.hosts.append(host)
        return host

    def close(self) -> None:
        for host in self.hosts:
            host.kill_processes()
        shutil.rmtree(self.root, ignore_errors=True)

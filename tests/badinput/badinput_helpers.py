"""What the bad-input tests share: a database to refuse things to, file hashes, and running a console script
as a DBA does, with standard fds closed or as an unprivileged user."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from oedr.harness.backends.local import LocalHost

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ST = 'b .\nd "Schema Area":6,32;1 .\nd "Data":7,32;1 .\na .\na .\n'
UNPRIVILEGED = "nobody"


def ok(host: LocalHost, command: str, env: dict[str, str] | None = None) -> str:
    result = host.run(command, env=env)
    assert result.exit_status == 0, result.describe()
    return result.output


def make_db(host: LocalHost, db: str = "sports", st: str = ST) -> None:
    """A closed database with after-imaging on and 3 records committed."""
    host.write_file(f"{db}.st", st.encode())
    ok(host, f"prostrct create {db} {db}.st")
    ok(host, f"procopy empty {db}")
    ok(host, f"rfutil {db} -C mark backedup")
    ok(host, f"rfutil {db} -C aimage begin")
    ok(host, f"oeclient {db} commit --count 3")


def hashes(root: str | Path, skip_log: bool = True) -> dict[str, str]:
    """sha256 of every file under ``root`` (the .lg left out by default: a refusal is logged)."""
    base = Path(root)
    return {
        str(p.relative_to(base)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(base.rglob("*"))
        if p.is_file() and not str(p.relative_to(base)).startswith(".shm") and not (skip_log and p.suffix == ".lg")
    }


def run_script(
    host: LocalHost, command: list[str], closed: tuple[int, ...] = (), stdin: str = "", user: str | None = None
) -> subprocess.CompletedProcess[str]:
    """A console script in a subprocess, with the given standard fds closed before it starts, optionally as
    another user (through runuser, with the system interpreter: the project's may live under /root)."""

    def close_fds() -> None:
        for fd in closed:
            os.close(fd)

    env = host.environment({})
    if user is None:
        argv = [str(BIN / command[0]), *command[1:]]
    else:
        env["PYTHONPATH"] = str(ROOT)
        argv = [
            "runuser",
            "-u",
            user,
            "--",
            unprivileged_python() or "python3",
            "-m",
            "oedr.harness.openedge.cli",
            *command,
        ]
    return subprocess.run(
        argv,
        cwd=host.root,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=close_fds if closed else None,
        check=False,
    )


def unprivileged_python() -> str | None:
    """An interpreter the unprivileged user can run that imports the emulator (stdlib only), or None."""
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        return None
    for candidate in (
        sys.executable,
        f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}",
        "/usr/bin/python3",
    ):
        probe = subprocess.run(
            ["runuser", "-u", UNPRIVILEGED, "--", candidate, "-c", "import oedr.harness.openedge.cli"],
            env={"PYTHONPATH": str(ROOT), "PATH": os.environ.get("PATH", "")},
            cwd="/",
            capture_output=True,
            check=False,
        )
        if probe.returncode == 0:
            return candidate
    return None

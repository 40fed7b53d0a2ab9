"""The harness leaves no container behind: after a failing scenario, after Ctrl-C (SIGINT) or SIGTERM of
pytest, and a run killed outright (SIGKILL) is swept by the next one."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import docker
from harness.backends.docker import (
    BOOT_LABEL,
    MACHINE_LABEL,
    PID_LABEL,
    PID_START_LABEL,
    RUN_LABEL,
    machine_identity,
    sweep_stale,
)
from harness.openedge.waiting import poll_until

pytestmark = pytest.mark.docker
ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("_child_scenarios.py")


def _child(test: str, tmp_path: Path) -> subprocess.Popen[str]:
    """pytest on one child scenario, with the docker backend, in its own process (and process group)."""
    env = {**os.environ, "OEDR_EVIDENCE": "0", "OEDR_CHILD_READY": str(tmp_path / "ready"),
           "TESTCONTAINERS_RYUK_DISABLED": "true"}
    env.pop("PYTEST_XDIST_WORKER", None)
    argv = [sys.executable, "-m", "pytest", f"{CHILD}::{test}", "--oe-backend", "docker", "-p",
            "harness.backends.selection", "-q", "-p", "no:randomly", "--rootdir", str(ROOT)]
    return subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _containers_of(client: docker.DockerClient, pid: int) -> list[str]:
    return [str(c.id) for c in client.containers.list(all=True, filters={"label": f"{PID_LABEL}={pid}"})]


def _interrupted(client: docker.DockerClient, tmp_path: Path, signum: int) -> tuple[int, str, list[str]]:
    child = _child("test_a_scenario_that_waits_to_be_interrupted", tmp_path)
    try:
        poll_until(lambda: (tmp_path / "ready").exists() or child.poll() is not None, timeout=180,
                   what="the child's hosts to be up")
        assert child.poll() is None, child.communicate()[0]
        assert len(_containers_of(client, child.pid)) == 2
        child.send_signal(signum)
        output, _ = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    return child.returncode, output, _containers_of(client, child.pid)


def test_a_failing_scenario_leaves_no_container(client: docker.DockerClient, tmp_path: Path) -> None:
    child = _child("test_a_failing_scenario", tmp_path)
    output, _ = child.communicate(timeout=300)
    assert child.returncode == 1, output
    assert "this scenario fails on purpose" in output
    assert (tmp_path / "ready").exists()
    assert _containers_of(client, child.pid) == []


def test_ctrl_c_of_pytest_leaves_no_container(client: docker.DockerClient, tmp_path: Path) -> None:
    status, output, left = _interrupted(client, tmp_path, signal.SIGINT)
    assert status == 2, output  # pytest's "interrupted"
    assert left == [], output


def test_sigterm_of_pytest_leaves_no_container(client: docker.DockerClient, tmp_path: Path) -> None:
    status, output, left = _interrupted(client, tmp_path, signal.SIGTERM)
    assert status == -signal.SIGTERM, output
    assert left == [], output


def test_a_killed_run_is_swept_by_the_next_one(client: docker.DockerClient, tmp_path: Path) -> None:
    status, _output, left = _interrupted(client, tmp_path, signal.SIGKILL)
    assert status == -signal.SIGKILL
    assert len(left) == 2  # nothing could clean up: the process died at once
    (tmp_path / "ready").unlink()
    next_run = _child("test_a_failing_scenario", tmp_path)  # any run that starts a docker session sweeps
    output, _ = next_run.communicate(timeout=300)
    assert (tmp_path / "ready").exists(), output
    remaining = {str(c.id) for c in client.containers.list(all=True)}
    assert [container_id for container_id in left if container_id in remaining] == [], output


def test_the_sweep_keeps_containers_of_live_runs(client: docker.DockerClient) -> None:
    machine, boot = machine_identity()
    pid = os.getpid()
    start = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    alive = {RUN_LABEL: "alive-run", PID_LABEL: str(pid), PID_START_LABEL: start, BOOT_LABEL: boot,
             MACHINE_LABEL: machine}
    dead = {**alive, RUN_LABEL: "dead-run", PID_START_LABEL: "1"}  # same pid, another process start: gone
    image = client.images.list(filters={"label": "oedr.image=emulator"})[0].id
    made = [client.containers.create(image, ["true"], labels=labels) for labels in (alive, dead)]
    try:
        sweep_stale(client)
        remaining = {str(c.id) for c in client.containers.list(all=True, filters={"label": RUN_LABEL})}
        assert (made[0].id in remaining, made[1].id in remaining) == (True, False)
    finally:
        for container in made:
            with contextlib.suppress(docker.errors.NotFound):
                container.remove(force=True)

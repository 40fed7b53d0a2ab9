"""The harness leaves no container behind: after a failing scenario, after Ctrl-C (SIGINT) or SIGTERM of
pytest; a run killed outright (SIGKILL of its whole process group) is cleaned up within seconds by its
reaper, and, should its reaper be gone too, swept by the next run."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import docker
from oedr.harness.backends import images, reaper
from oedr.harness.backends.docker import (
    BOOT_LABEL,
    MACHINE_LABEL,
    PID_LABEL,
    PID_START_LABEL,
    RUN_LABEL,
    machine_identity,
    sweep_stale,
)
from oedr.harness.backends.reaper import REAPER_LABEL
from oedr.harness.openedge.waiting import poll_until

pytestmark = pytest.mark.docker
ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("_child_scenarios.py")


def _child(test: str, tmp_path: Path, *options: str) -> subprocess.Popen[str]:
    """pytest on one child scenario, with the docker backend, in its own process (and process group)."""
    env = {
        **os.environ,
        "OEDR_EVIDENCE": "0",
        "OEDR_CHILD_READY": str(tmp_path / "ready"),
        "TESTCONTAINERS_RYUK_DISABLED": "true",
    }
    env.pop("PYTEST_XDIST_WORKER", None)
    argv = [
        sys.executable,
        "-m",
        "pytest",
        f"{CHILD}::{test}",
        "--oe-backend",
        "docker",
        "-p",
        "oedr.harness.backends.selection",
        "-q",
        "-p",
        "no:randomly",
        "--rootdir",
        str(ROOT),
        *options,
    ]
    return subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )


def _ready_runs(client: docker.DockerClient, child: subprocess.Popen[str], tmp_path: Path, runs: int) -> set[str]:
    """Once ``runs`` processes of the child have their hosts up: their run ids (from their hosts' labels)."""

    def written() -> list[str]:
        if child.poll() is not None:
            raise AssertionError(child.communicate()[0])
        ids = [path.read_text() for path in tmp_path.glob("ready*")]
        return ids if len(ids) == runs and all(ids) else []

    ids = poll_until(written, timeout=300, what=f"the hosts of {runs} child run(s) to be up")
    return {str(client.containers.get(container_id).labels[RUN_LABEL]) for container_id in ids}


def _of_run(client: docker.DockerClient, run_id: str, label: str = RUN_LABEL) -> list[str]:
    """Names of the run's host containers (``RUN_LABEL``) or of its reaper (``REAPER_LABEL``)."""
    found = client.api.containers(all=True, filters={"label": f"{label}={run_id}"})  # no inspect: no 404 race
    return [str(c["Names"][0]).lstrip("/") for c in found]


def _kill_group(child: subprocess.Popen[str]) -> None:
    """SIGKILL the child's whole process group (pytest and its xdist workers), as a CI runner's end does."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signal.SIGKILL)
    child.communicate()


def _containers_of(client: docker.DockerClient, pid: int) -> list[str]:
    return [str(c.id) for c in client.containers.list(all=True, filters={"label": f"{PID_LABEL}={pid}"})]


def _interrupted(client: docker.DockerClient, tmp_path: Path, signum: int) -> tuple[int, str, list[str]]:
    child = _child("test_a_scenario_that_waits_to_be_interrupted", tmp_path)
    try:
        poll_until(
            lambda: (tmp_path / "ready").exists() or child.poll() is not None,
            timeout=180,
            what="the child's hosts to be up",
        )
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


def test_a_killed_run_leaves_no_container_within_seconds(client: docker.DockerClient, tmp_path: Path) -> None:
    child = _child("test_scenarios_in_two_workers_that_wait_to_be_killed", tmp_path, "-n", "2")
    try:
        runs = _ready_runs(client, child, tmp_path, 2)  # each xdist worker is a run with its own reaper
        assert [(len(_of_run(client, run)), len(_of_run(client, run, REAPER_LABEL))) for run in runs] == [(2, 1)] * 2
    finally:
        _kill_group(child)
    assert child.returncode == -signal.SIGKILL
    poll_until(
        lambda: not any(_of_run(client, run) + _of_run(client, run, REAPER_LABEL) for run in runs),
        timeout=10,
        interval=0.1,
        what=f"the reapers to remove every container of the runs {sorted(runs)}",
    )


def test_a_killed_run_whose_reaper_is_gone_is_swept_by_the_next_one(
    client: docker.DockerClient, tmp_path: Path
) -> None:
    child = _child("test_a_scenario_that_waits_to_be_interrupted", tmp_path)
    try:
        (run,) = _ready_runs(client, child, tmp_path, 1)
        (reaper,) = client.containers.list(filters={"label": f"{REAPER_LABEL}={run}"})
        reaper.kill()  # the first line of defence lost: the reaper dies before it can do its work
        poll_until(lambda: not _of_run(client, run, REAPER_LABEL), timeout=30, what="the reaper to be gone")
    finally:
        _kill_group(child)
    assert child.returncode == -signal.SIGKILL
    left = _of_run(client, run)
    assert len(left) == 2  # nothing could clean up: the process and its reaper died at once
    (tmp_path / "ready").unlink()
    next_run = _child("test_a_failing_scenario", tmp_path)  # any run that starts a docker session sweeps
    output, _ = next_run.communicate(timeout=300)
    assert (tmp_path / "ready").exists(), output
    assert _of_run(client, run) == [], output


@pytest.mark.parametrize("socket_path", ["missing", "not-a-socket"])
def test_a_reaper_without_the_engines_socket_is_refused_with_how_to_fix_it(
    client: docker.DockerClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, socket_path: str
) -> None:
    (tmp_path / "not-a-socket").write_text("")
    monkeypatch.setenv("TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE", str(tmp_path / socket_path))
    run = f"no-socket-{os.getpid()}-{socket_path}"
    with pytest.raises(reaper.ReaperUnavailable, match="set TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE") as refused:
        reaper.watch(client, run, RUN_LABEL, images.emulator_image(client))
    said = {"missing": "bind source path does not exist", "not-a-socket": "cannot reach the Docker engine"}
    assert said[socket_path] in str(refused.value)
    assert not (tmp_path / "missing").exists()  # refused, not created as a directory
    poll_until(lambda: not _of_run(client, run, REAPER_LABEL), timeout=30, what="the failed reaper to be removed")


def test_a_reaper_that_was_never_started_is_removed_by_the_next_run(client: docker.DockerClient) -> None:
    image, runs = images.emulator_image(client), (f"never-started-{os.getpid()}", f"watching-{os.getpid()}")
    never = client.containers.create(image, ["true"], labels={REAPER_LABEL: runs[0]})
    watching = client.containers.run(
        image, ["sleep", "600"], labels={REAPER_LABEL: runs[1]}, detach=True, network_mode="none"
    )
    try:  # at any age (older_than=0), but only these two: another run may be starting its reaper right now
        removed = [name for run in runs for name in reaper.remove_idle_reapers(client, older_than=0, run_id=run)]
        assert removed == [str(never.name)]
        remaining = {str(c["Id"]) for c in client.api.containers(all=True, filters={"label": REAPER_LABEL})}
        assert (never.id in remaining, watching.id in remaining) == (False, True)  # a running reaper is working
    finally:
        for container in (never, watching):
            with contextlib.suppress(docker.errors.NotFound):
                container.remove(force=True)


def test_the_sweep_keeps_containers_of_live_runs(client: docker.DockerClient) -> None:
    machine, boot = machine_identity()
    pid = os.getpid()
    start = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    alive = {
        RUN_LABEL: "alive-run",
        PID_LABEL: str(pid),
        PID_START_LABEL: start,
        BOOT_LABEL: boot,
        MACHINE_LABEL: machine,
    }
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

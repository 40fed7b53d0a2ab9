"""Which scenarios run where: @docker_only skips on the local backend, and without a Docker engine, or with
an engine that cannot build the emulator image, the Docker-backed run skips with one line saying how to fix
it (or fails under OEDR_REQUIRE_DOCKER=1)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NO_ENGINE = "unix:///nonexistent/docker.sock"
NO_BASE = "oedr-test-no-such-base:never"  # in no registry, and never on the engine: the image cannot be built


def _pytest(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "OEDR_EVIDENCE": "0", **env}
    environment.pop("PYTEST_XDIST_WORKER", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "features", "-q", "-p", "no:xdist", "-rs", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_docker_only_scenarios_skip_on_the_local_backend_before_their_background_runs() -> None:
    run = _pytest("-k", "midload or full_disk", "--oe-backend", "local")
    assert run.returncode == 0, run.stdout
    assert "3 skipped" in run.stdout, run.stdout
    assert "@docker_only: needs a container (run with --oe-backend docker); this run uses local" in run.stdout


def test_without_an_engine_the_docker_run_skips_with_how_to_get_one() -> None:
    run = _pytest("-k", "documented_restore", "--oe-backend", "docker", DOCKER_HOST=NO_ENGINE, OEDR_REQUIRE_DOCKER="0")
    assert run.returncode == 0, run.stdout
    assert "1 skipped" in run.stdout, run.stdout
    assert "no Docker engine answers" in run.stdout
    assert "`sudo .ci/docker-engine.sh` installs and starts dockerd" in run.stdout


def test_with_docker_required_a_missing_engine_fails_the_run() -> None:
    run = _pytest("-k", "documented_restore", "--oe-backend", "docker", DOCKER_HOST=NO_ENGINE, OEDR_REQUIRE_DOCKER="1")
    assert run.returncode == 1, run.stdout
    assert "1 error" in run.stdout, run.stdout
    assert "OEDR_REQUIRE_DOCKER=1 and no Docker engine answers" in run.stdout


def _pytest_without_a_base(required: str) -> subprocess.CompletedProcess[str]:
    """A scenario and a backend test, in two xdist workers as `make test` runs them, on an engine without a base."""
    environment = {**os.environ, "OEDR_EVIDENCE": "0", "OEDR_BASE_IMAGE": NO_BASE, "OEDR_REQUIRE_DOCKER": required}
    environment.pop("PYTEST_XDIST_WORKER", None)
    argv = [
        sys.executable,
        "-m",
        "pytest",
        "features",
        "tests/docker/test_containers.py",
        "-q",
        "-n",
        "2",
        "-k",
        "documented_restore or in_each_hosts_own_container",
        "--oe-backend",
        "docker",
    ]
    return subprocess.run(argv, cwd=ROOT, env=environment, capture_output=True, text=True, check=False, timeout=300)


@pytest.mark.docker
def test_an_engine_that_cannot_build_the_image_skips_with_one_line_saying_how_to_fix_it() -> None:
    run = _pytest_without_a_base("0")
    assert run.returncode == 0, run.stdout
    assert "2 skipped" in run.stdout, run.stdout
    (line,) = [line for line in run.stdout.splitlines() if "docker/build-base-image.sh" in line]
    assert line.startswith(
        f"2 Docker-backed tests skipped: the emulator image cannot be built: its base {NO_BASE} "
        "is not on this engine and was not pulled ("
    ), line
    assert line.endswith(
        "set OEDR_BASE_IMAGE to a base image the engine has; OEDR_REQUIRE_DOCKER=1 turns this skip into a failure"
    ), line


@pytest.mark.docker
def test_with_docker_required_an_image_that_cannot_be_built_fails_the_run() -> None:
    run = _pytest_without_a_base("1")
    assert run.returncode == 1, run.stdout
    assert "2 errors" in run.stdout, run.stdout
    assert f"OEDR_REQUIRE_DOCKER=1 and the emulator image cannot be built: its base {NO_BASE}" in run.stdout

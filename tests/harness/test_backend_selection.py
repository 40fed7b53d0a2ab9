"""Which scenarios run where: @docker_only skips on the local backend, and without a Docker engine the
Docker-backed run skips with one line saying how to get one (or fails under OEDR_REQUIRE_DOCKER=1)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NO_ENGINE = "unix:///nonexistent/docker.sock"


def _pytest(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "OEDR_EVIDENCE": "0", **env}
    environment.pop("PYTEST_XDIST_WORKER", None)
    return subprocess.run([sys.executable, "-m", "pytest", "features", "-q", "-p", "no:xdist", "-rs", *args],
                          cwd=ROOT, env=environment, capture_output=True, text=True, check=False, timeout=300)


def test_docker_only_scenarios_skip_on_the_local_backend_before_their_background_runs() -> None:
    run = _pytest("-k", "midload or full_disk", "--oe-backend", "local")
    assert run.returncode == 0, run.stdout
    assert "3 skipped" in run.stdout, run.stdout
    assert "@docker_only: needs a container (run with --oe-backend docker); this run uses local" in run.stdout


def test_without_an_engine_the_docker_run_skips_with_how_to_get_one() -> None:
    run = _pytest("-k", "documented_restore", "--oe-backend", "docker", DOCKER_HOST=NO_ENGINE,
                  OEDR_REQUIRE_DOCKER="0")
    assert run.returncode == 0, run.stdout
    assert "1 skipped" in run.stdout, run.stdout
    assert "no Docker engine answers" in run.stdout
    assert "`sudo .ci/docker-engine.sh` installs and starts dockerd" in run.stdout


def test_with_docker_required_a_missing_engine_fails_the_run() -> None:
    run = _pytest("-k", "documented_restore", "--oe-backend", "docker", DOCKER_HOST=NO_ENGINE,
                  OEDR_REQUIRE_DOCKER="1")
    assert run.returncode == 1, run.stdout
    assert "1 error" in run.stdout, run.stdout
    assert "OEDR_REQUIRE_DOCKER=1 and no Docker engine answers" in run.stdout


def test_an_engine_that_cannot_build_the_image_skips_with_how_to_fix_it() -> None:
    from harness.backends.docker import engine_problem

    if engine_problem() is not None:
        pytest.skip("needs a Docker engine that answers (this test makes its image build fail)")
    run = _pytest("-k", "documented_restore", "--oe-backend", "docker", OEDR_REQUIRE_DOCKER="0",
                  OEDR_BASE_IMAGE="oedr-no-such-base:missing")
    assert run.returncode == 0, run.stdout
    assert "1 skipped" in run.stdout, run.stdout
    assert "the Docker engine answers but the emulator image cannot be built" in run.stdout
    assert "sudo docker/build-base-image.sh" in run.stdout

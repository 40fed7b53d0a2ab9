"""pytest plugin: which tests run on which backend, and what happens when no Docker engine answers.

* ``@docker_only`` scenarios (faults only a container gives truthfully) are skipped unless the run uses a
  container backend (``--oe-backend docker`` or ``openedge``); ``@local_only`` ones unless it uses ``local``.
* ``@emulator_only`` scenarios (an assertion on a message number the emulator assigned, 90000 and up, or an
  emulator facility: a clock shift, an injected fault) are skipped on ``openedge``: a real OpenEdge cannot pass them.
* Docker-backed tests are the scenarios of a container-backend run and every test marked ``docker``.
  Without a reachable engine, or when it answers but cannot build the emulator's image (no registry, no local
  base), they are skipped with one line saying why and how to fix it; with
  ``OEDR_REQUIRE_DOCKER=1`` (this project's CI) they fail with that line instead.
"""

from __future__ import annotations

import os

import pytest

from harness.bdd import EXAMPLE_PARAM

CONTAINER_BACKENDS = ("docker", "openedge")
_MISSING = pytest.StashKey[str]()
EMULATOR_ONLY_REASON = ("@emulator_only: relies on the emulator (a message number it assigned, 90000 and up, or one "
                        "of its facilities), which a real OpenEdge does not have")  # fmt: skip


def _option(config: pytest.Config, name: str, default: str = "") -> str:
    try:
        return str(config.getoption(name) or default)
    except ValueError:  # a project that does not load oedr's plugin
        return default


def _backend(config: pytest.Config) -> str:
    return _option(config, "--oe-backend", "local")


def _needs_docker(item: pytest.Item, backend: str) -> bool:
    """Marked ``docker``, or run on a container backend through the site (every Gherkin scenario does)."""
    if item.get_closest_marker("docker") is not None:
        return True
    names = getattr(item, "fixturenames", ())
    return backend in CONTAINER_BACKENDS and ("site" in names or EXAMPLE_PARAM in names)


def _skipped(item: pytest.Item) -> bool:
    return any(mark.name == "skip" for mark in item.iter_markers())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip scenarios tagged for another backend; skip (or fail) Docker-backed tests without an engine."""
    backend = _backend(config)
    for item in items:
        if item.get_closest_marker("docker_only") is not None and backend not in CONTAINER_BACKENDS:
            item.add_marker(pytest.mark.skip(
                reason=f"@docker_only: needs a container (run with --oe-backend docker); this run uses {backend}"))
        elif item.get_closest_marker("local_only") is not None and backend != "local":
            item.add_marker(pytest.mark.skip(reason=f"@local_only: runs on --oe-backend local, not {backend}"))
        elif item.get_closest_marker("emulator_only") is not None and backend == "openedge":
            item.add_marker(pytest.mark.skip(reason=EMULATOR_ONLY_REASON))
    wanted = [item for item in items if _needs_docker(item, backend) and not _skipped(item)]
    if not wanted:
        return
    from harness.backends.docker import HOW_TO_GET_ONE, engine_problem

    problem = engine_problem()
    reason = f"{problem}: {HOW_TO_GET_ONE}"
    if problem is None and backend != "openedge" and not _option(config, "--oe-image"):
        from harness.backends.images import HOW_TO_BUILD, image_problem

        problem = image_problem()  # the emulator's image: the docker backend and the docker tests need it
        reason = f"{problem}: {HOW_TO_BUILD}"
    if problem is None:
        return
    required = os.environ.get("OEDR_REQUIRE_DOCKER", "") == "1"
    for item in wanted:
        if required:
            item.stash[_MISSING] = f"OEDR_REQUIRE_DOCKER=1 and {reason}"
        else:
            item.add_marker(pytest.mark.skip(reason=reason))


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Fail a Docker-backed test up front when an engine is required but missing."""
    reason = item.stash.get(_MISSING, None)
    if reason:
        pytest.fail(reason, pytrace=False)

"""pytest plugin: which tests run on which backend, and what happens when no Docker engine answers.

* ``@docker_only`` scenarios (faults only a container gives truthfully) are skipped unless the run uses a
  container backend (``--oe-backend docker`` or ``openedge``); ``@local_only`` ones unless it uses ``local``.
* ``@emulator_only`` scenarios (an assertion on a message number the emulator assigned, 90000 and up, or an
  emulator facility: a clock shift, an injected fault) are skipped on ``openedge``: a real OpenEdge cannot pass them.
* Docker-backed tests are the scenarios of a container-backend run and every test marked ``docker``.
  Without a reachable engine, or when the emulator image cannot be built (no local base image and no
  registry), they are skipped with one line saying why and how to fix it; with ``OEDR_REQUIRE_DOCKER=1``
  (this project's CI) they fail with that line instead.
"""

from __future__ import annotations

import os

import pytest

from oedr.harness.bdd import EXAMPLE_PARAM

CONTAINER_BACKENDS = ("docker", "openedge")
_MISSING = pytest.StashKey[str]()
EMULATOR_ONLY_REASON = (
    "@emulator_only: relies on the emulator (a message number it assigned, 90000 and up, or one "
    "of its facilities), which a real OpenEdge does not have"
)


def _option(config: pytest.Config, name: str, default: str = "") -> str:
    try:
        return str(config.getoption(name) or default)
    except ValueError:  # a project that does not load oedr's plugin
        return default


_HOW_TO_REQUIRE = "OEDR_REQUIRE_DOCKER=1 turns this skip into a failure"  # ends every reason given here


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
            item.add_marker(
                pytest.mark.skip(
                    reason=f"@docker_only: needs a container (run with --oe-backend docker); this run uses {backend}"
                )
            )
        elif item.get_closest_marker("local_only") is not None and backend != "local":
            item.add_marker(pytest.mark.skip(reason=f"@local_only: runs on --oe-backend local, not {backend}"))
        elif item.get_closest_marker("emulator_only") is not None and backend == "openedge":
            item.add_marker(pytest.mark.skip(reason=EMULATOR_ONLY_REASON))
    wanted = [item for item in items if _needs_docker(item, backend) and not _skipped(item)]
    if not wanted:
        return
    from oedr.harness.backends.docker import HOW_TO_GET_ONE, engine_problem

    problem = engine_problem()
    if problem is not None:
        _skip_or_fail(wanted, f"{problem}: {HOW_TO_GET_ONE}")
        return
    building = _needing_the_emulator_image(config, backend, wanted)
    reason = _image_problem() if building else None
    if reason is not None:
        _skip_or_fail(building, reason)


def _needing_the_emulator_image(config: pytest.Config, backend: str, wanted: list[pytest.Item]) -> list[pytest.Item]:
    """Tests that need the emulator image built here: for their hosts, or for the run's reaper.

    A scenario given an emulator image (``--oe-image`` on the docker backend) runs its hosts and reaper from it;
    a site's OpenEdge image has no reaper, and the backend's own tests always build.
    """
    try:
        image = str(config.getoption("--oe-image"))
    except ValueError:
        image = ""
    given = False
    if image and backend == "docker":
        import docker
        from oedr.harness.backends import reaper

        client = docker.from_env(timeout=60)
        try:
            given = reaper.is_emulator_image(client, image)
        finally:
            client.close()
    return [item for item in wanted if item.get_closest_marker("docker") is not None or not given]


def _image_problem() -> str | None:
    """None when the emulator image is there or can be built, else one line saying why not and how to fix it."""
    import docker
    from oedr.harness.backends import images

    client = docker.from_env(timeout=900)
    try:
        return images.build_problem(client)
    finally:
        client.close()


def _skip_or_fail(items: list[pytest.Item], reason: str) -> None:
    """Skip the items with ``reason``; under OEDR_REQUIRE_DOCKER=1 fail them with it instead."""
    required = os.environ.get("OEDR_REQUIRE_DOCKER", "") == "1"
    for item in items:
        if required:
            item.stash[_MISSING] = f"OEDR_REQUIRE_DOCKER=1 and {reason}"
        else:
            item.add_marker(pytest.mark.skip(reason=reason))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line per reason the Docker-backed tests were skipped (no engine, no image), however quiet the run."""
    reasons: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = getattr(report, "longrepr", None)
        if isinstance(longrepr, tuple | list) and len(longrepr) == 3 and _HOW_TO_REQUIRE in str(longrepr[2]):
            reason = str(longrepr[2]).removeprefix("Skipped: ")
            reasons[reason] = reasons.get(reason, 0) + 1
    for reason, count in reasons.items():
        terminalreporter.write_line(f"{count} Docker-backed test{'s' * (count != 1)} skipped: {reason}")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Fail a Docker-backed test up front when an engine is required but missing."""
    reason = item.stash.get(_MISSING, None)
    if reason:
        pytest.fail(reason, pytrace=False)

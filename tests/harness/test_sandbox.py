"""Nothing runs outside the sandbox: a host refuses a command that names, or runs in, a directory
outside its own, and the site turns that into a step failure that says why (shared/design.md)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from oedr.harness.backends.base import SandboxError
from oedr.harness.backends.local import LocalBackend
from oedr.harness.openedge.dbfiles import lockfile
from oedr.harness.openedge.hostinfo import pid_alive
from oedr.harness.openedge.waiting import poll_until
from oedr.harness.site import Site, StepFailure


@pytest.fixture
def site() -> Iterator[Site]:
    made = Site(LocalBackend())
    try:
        yield made
    finally:
        made.close()


@pytest.mark.parametrize(
    "command",
    [
        "prostrct create /tmp/escaped",
        "prodb ../escaped empty",
        "proutil ../../x -C busy",
        "probkup sports /var/tmp/out.bck",
    ],
)
def test_a_path_outside_the_host_is_refused(site: Site, command: str) -> None:
    host = site.host("production")
    with pytest.raises(SandboxError, match="outside this host's directory"):
        host.run(command)


def test_an_absolute_working_directory_outside_the_host_is_refused(site: Site, tmp_path: Path) -> None:
    host = site.host("production")
    with pytest.raises(SandboxError, match="would run in"):
        host.run("prodb escaped empty", cwd=str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_a_relative_working_directory_that_climbs_out_is_a_step_failure(site: Site) -> None:
    with pytest.raises(StepFailure, match=r"not run on production: .*would run in"):
        site.run("production", "prodb escaped empty", cwd="../../elsewhere")


def test_a_background_job_outside_the_host_is_refused(site: Site) -> None:
    with pytest.raises(SandboxError):
        site.host("production").start_background("oeclient /tmp/x load --seconds 1")


def test_a_working_directory_inside_the_host_is_allowed(site: Site) -> None:
    result = site.run("production", "prodb sports empty", cwd="scripts")
    assert result.exit_status == 0, result.describe()
    assert site.file_exists("production", "scripts/sports.db")


def test_deleting_a_file_that_is_not_there_fails_the_step(site: Site) -> None:
    site.host("dr")
    with pytest.raises(StepFailure, match=r"sports\.lk does not exist on dr"):
        site.delete_file("dr", "sports.lk")


def test_closing_the_site_stops_its_brokers_even_after_a_failed_step(site: Site) -> None:
    site.must("production", "prodb sports empty")
    site.must("production", "proserve sports")
    with pytest.raises(StepFailure):
        site.must("production", "proserve sports")  # a second broker is refused: the step fails
    root = Path(site.host("production").root)
    lock = lockfile.read(root / "sports.lk")
    assert lock is not None
    assert pid_alive(lock.pid)
    site.close()
    poll_until(lambda: not pid_alive(lock.pid), timeout=10, what="the broker to be gone")
    assert not root.exists()

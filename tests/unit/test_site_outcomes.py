"""The Site's checks of the last command's outcome: what the "then" steps call, each one call."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from oedr.harness.backends.local import LocalBackend
from oedr.harness.site import Site, StepFailure


@pytest.fixture
def site() -> Iterator[Site]:
    made = Site(LocalBackend())
    try:
        yield made
    finally:
        made.close()


def test_with_no_command_run_every_check_fails(site):
    for check in (
        site.expect_success,
        lambda: site.expect_failure_with(1006),
        lambda: site.expect_message(1006),
        lambda: site.expect_message_line(1006, "x"),
        lambda: site.expect_exit_status(0),
        lambda: site.expect_unreachable("production"),
    ):
        with pytest.raises(StepFailure):
            check()


def test_a_refusal_passes_the_failure_checks_and_fails_success(site):
    site.run("production", "proutil ghost -C busy")
    numbers = site.last_result().message_numbers()
    assert numbers, site.last_result().describe()
    site.expect_failure_with(numbers[0])
    site.expect_message(numbers[0])
    site.expect_exit_status(site.last_result().exit_status)
    line = site.last_result().message_line(numbers[0])
    assert line is not None
    site.expect_message_line(numbers[0], line)
    with pytest.raises(StepFailure, match="expected success") as failed:
        site.expect_success()
    assert failed.value.result is site.last
    with pytest.raises(StepFailure, match=r"expected failure with message \(99999\)"):
        site.expect_failure_with(99999)
    with pytest.raises(StepFailure, match=r"expected message \(99999\)"):
        site.expect_message(99999)
    with pytest.raises(StepFailure, match="expected exit status 0"):
        site.expect_exit_status(0)
    with pytest.raises(StepFailure, match="expected the line"):
        site.expect_message_line(numbers[0], line + " (not this)")
    with pytest.raises(StepFailure, match="not to answer"):
        site.expect_unreachable("production")  # it answered, with a refusal


def test_a_success_passes_success_and_fails_the_failure_check(site):
    site.host("production").write_file("sports.st", b"b .\nd .\n")
    site.run("production", "prostrct create sports sports.st")
    site.expect_success()
    site.expect_exit_status(0)
    numbers = site.last_result().message_numbers()
    with pytest.raises(StepFailure, match="expected failure"):
        site.expect_failure_with(numbers[0] if numbers else 1006)


def test_a_message_line_is_compared_with_placeholders_filled_in(site):
    site.run("production", "proutil ghost -C busy")
    site.expect_message_line(43, "** Cannot find or open file {dir}/ghost.db, errno = 2. (43)")
    with pytest.raises(StepFailure, match="expected the line"):
        site.expect_message_line(43, "** Cannot find or open file {dir}/other.db, errno = 2. (43)")

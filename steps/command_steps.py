"""Running commands verbatim on a host, and what their outcome must be."""

from __future__ import annotations

import pytest
from pytest_bdd import parsers, then, when

from oedr.harness.checked import reads_last_command, require_checked
from oedr.harness.site import Site
from oedr.steps.parse_types import EXTRA_TYPES


@when(parsers.parse("I run `{command}` on {host:Host}", extra_types=EXTRA_TYPES))
def run_command(request: pytest.FixtureRequest, site: Site, command: str, host: str) -> None:
    """Run one command line exactly as written (placeholders such as {dir} are filled in); a failure that no
    step right after it checks fails here."""
    require_checked(site.run(host, command), getattr(request.node, "oedr_steps_after", []))


@when(parsers.parse('I run `{command}` in "{directory:Name}" on {host:Host}', extra_types=EXTRA_TYPES))
def run_command_in(request: pytest.FixtureRequest, site: Site, command: str, directory: str, host: str) -> None:
    """Run a command from a sub-directory of the host (created if needed), as a DBA in their scripts dir."""
    require_checked(site.run(host, command, cwd=directory), getattr(request.node, "oedr_steps_after", []))


@when(
    parsers.parse(
        "the roll forward `{command}` on {host:Host} is killed after {notes:d} AI notes", extra_types=EXTRA_TYPES
    )
)
def roll_forward_killed(site: Site, command: str, host: str, notes: int) -> None:
    """Emulator fault injection: the roll forward process gets SIGKILL after N notes (a crash mid-way)."""
    site.run_killed(host, command, f"rollforward:{notes}")


@when(parsers.parse("I run these commands on {host:Host}, each succeeding:", extra_types=EXTRA_TYPES))
def run_commands(site: Site, host: str, datatable: list[list[str]]) -> None:
    """Run each command of the table in order; stop at the first that fails."""
    for row in datatable[1:]:
        site.must(host, row[0])


@then("it succeeds")
@reads_last_command
def it_succeeds(site: Site) -> None:
    """The last command exited 0."""
    site.expect_success()


@then(parsers.parse("it fails with message {number:d}"))
@reads_last_command
def it_fails_with(site: Site, number: int) -> None:
    """The last command exited non-zero and printed message (number)."""
    site.expect_failure_with(number)


@then(parsers.parse("the output shows message {number:d}"))
@reads_last_command
def output_shows(site: Site, number: int) -> None:
    """The last command printed message (number), whatever its exit status."""
    site.expect_message(number)


@then(parsers.parse('message {number:d} reads "{text}"'))
@reads_last_command
def message_reads(site: Site, number: int, text: str) -> None:
    """The line carrying message (number) is exactly this text (with {dir} filled in)."""
    site.expect_message_line(number, text)


@then(parsers.parse("the exit status is {status:d}"))
@reads_last_command
def exit_status_is(site: Site, status: int) -> None:
    """The last command's exact exit status (busy 0/6, holder 0/14/16, proquiet 2..16)."""
    site.expect_exit_status(status)

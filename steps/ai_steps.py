"""After-imaging: counters, and rolling archived AI files forward in order."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from oedr.harness.site import Site, StepFailure
from oedr.steps.parse_types import EXTRA_TYPES


@when(
    parsers.parse(
        'I roll forward "{db:Name}" on {host:Host} with the archived AI files from sequence {first:d}',
        extra_types=EXTRA_TYPES,
    )
)
def roll_forward_archive(site: Site, db: str, host: str, first: int) -> None:
    """rfutil -C roll forward -a archive/<file> for every archived file from that sequence on, in order."""
    site.roll_forward_archive(host, db, first)


@when(
    parsers.parse(
        'I write "{list_name:Name}" on {host:Host} listing the archived AI files of "{db:Name}" from '
        "sequence {first:d}",
        extra_types=EXTRA_TYPES,
    )
)
def write_ai_list(site: Site, list_name: str, host: str, db: str, first: int) -> None:
    """A list for rfutil -C roll forward -ailist: one archived file per line, newest first."""
    site.write_ai_list(host, db, list_name, first)


@then(
    parsers.parse(
        '"{db:Name}" on {host:Host} expects AI file {expected:d} and is writing AI file {current:d}',
        extra_types=EXTRA_TYPES,
    )
)
def counters_are(site: Site, db: str, host: str, expected: int, current: int) -> None:
    """The master block's expected and current AI sequence (proutil -C describe)."""
    values = site.counters(host, db)
    actual = (values.expected_ai_seq, values.current_ai_seq)
    if actual != (expected, current):
        raise StepFailure(
            f"{db} on {host}: expected AI sequence {actual[0]}, current {actual[1]}; "
            f"the runbook says {expected} and {current}"
        )


@then(parsers.parse('"{db:Name}" on {host:Host} expects AI file {expected:d}', extra_types=EXTRA_TYPES))
def expects_file(site: Site, db: str, host: str, expected: int) -> None:
    """The master block's expected AI sequence alone."""
    values = site.counters(host, db)
    if values.expected_ai_seq != expected:
        raise StepFailure(f"{db} on {host} expects AI file {values.expected_ai_seq}, not {expected}")


@then(parsers.parse('after-imaging is {state} for "{db:Name}" on {host:Host}', extra_types=EXTRA_TYPES))
def ai_state(site: Site, state: str, db: str, host: str) -> None:
    """ "enabled" or "disabled", as proutil -C describe reports it."""
    values = site.counters(host, db)
    if values.ai_state != state:
        raise StepFailure(f"after-imaging is {values.ai_state} for {db} on {host}, not {state}")

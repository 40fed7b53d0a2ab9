"""AI File Management: the after-image manager's archives, and rolling a whole archive directory forward."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from oedr.harness import archive_dir
from oedr.harness.site import Site, StepFailure
from oedr.steps.parse_types import EXTRA_TYPES


@given(
    parsers.parse('the archiver has archived AI file {seq:d} of "{db:Name}" on {host:Host}', extra_types=EXTRA_TYPES)
)
@when(parsers.parse('the archiver has archived AI file {seq:d} of "{db:Name}" on {host:Host}', extra_types=EXTRA_TYPES))
@then(parsers.parse('the archiver has archived AI file {seq:d} of "{db:Name}" on {host:Host}', extra_types=EXTRA_TYPES))
def archiver_archived(site: Site, seq: int, db: str, host: str) -> None:
    """Wait (with a deadline) until <db>.archival.log records AI file <seq> as archived."""
    archive_dir.wait_archived(site, host, db, seq)


@when(
    parsers.parse(
        'I roll forward "{db:Name}" on {host:Host} with every file in the archive directory "{directory:Name}"',
        extra_types=EXTRA_TYPES,
    )
)
def roll_forward_directory(site: Site, db: str, host: str, directory: str) -> None:
    """rfutil -C roll forward -a for each archive, by the sequence in its name, from the expected one on."""
    archive_dir.roll_forward_directory(site, host, db, directory)


@when(
    parsers.parse(
        'I copy the archive directory "{directory:Name}" from {source:Host} to {target:Host}', extra_types=EXTRA_TYPES
    )
)
def copy_archive_directory(site: Site, directory: str, source: str, target: str) -> None:
    """Every file of the archive directory, byte for byte, to the same directory on the other host."""
    names = site.host(source).list_files(directory)
    site.host(source).copy_files(names, site.host(target), directory=directory, target_directory=directory)


@when(
    parsers.parse(
        'I delete the archive of AI file {seq:d} of "{db:Name}" from "{directory:Name}" on {host:Host}',
        extra_types=EXTRA_TYPES,
    )
)
def delete_archive(site: Site, seq: int, db: str, directory: str, host: str) -> None:
    """Lose one archived file (the mistake a site makes when it cleans the directory by hand)."""
    site.delete_file(host, archive_dir.archive_of(site, host, db, directory, seq))


@then(
    parsers.parse(
        'the archive directory "{directory:Name}" on {host:Host} holds AI files {first:d} to {last:d} of "{db:Name}"',
        extra_types=EXTRA_TYPES,
    )
)
def archive_holds(site: Site, directory: str, host: str, first: int, last: int, db: str) -> None:
    """Exactly these file numbers, each once, named as OpenEdge names them."""
    found = [seq for seq, _name in archive_dir.archived_files(site, host, db, directory)]
    if found != list(range(first, last + 1)):
        raise StepFailure(f"{directory}/ on {host} holds AI files {found} of {db}, not {first} to {last}")


@when(
    parsers.parse('the archiver has archived every full AI file of "{db:Name}" on {host:Host}', extra_types=EXTRA_TYPES)
)
@then(
    parsers.parse('the archiver has archived every full AI file of "{db:Name}" on {host:Host}', extra_types=EXTRA_TYPES)
)
def archiver_caught_up(site: Site, db: str, host: str) -> None:
    """Wait (with a deadline) until no AI extent is FULL: every closed file has been archived."""
    archive_dir.wait_caught_up(site, host, db)


@then(parsers.parse('the database log of "{db:Name}" on {host:Host} shows message {number:d}', extra_types=EXTRA_TYPES))
def log_shows(site: Site, db: str, host: str, number: int) -> None:
    """Wait (with a deadline) for the message in <db>.lg: the broker's after-image manager logs as it works."""
    archive_dir.wait_logged(site, host, db, number)


@then(parsers.parse('AI extent {number:d} of "{db:Name}" on {host:Host} is {state}', extra_types=EXTRA_TYPES))
def extent_is(site: Site, number: int, db: str, host: str, state: str) -> None:
    """FULL, EMPTY, BUSY, LOCKED or ARCHIVED, as rfutil -C aimage list shows it."""
    actual = archive_dir.extent_state(site, host, db, number)
    if actual != state.upper():
        raise StepFailure(f"AI extent {number} of {db} on {host} is {actual}, not {state}")


@then(
    parsers.parse(
        'the archive directory "{directory:Name}" on {host:Host} holds no AI file of "{db:Name}"',
        extra_types=EXTRA_TYPES,
    )
)
def archive_empty(site: Site, directory: str, host: str, db: str) -> None:
    """Nothing archived: no extent was copied (and so none may have been emptied)."""
    found = archive_dir.archived_files(site, host, db, directory)
    if found:
        raise StepFailure(f"{directory}/ on {host} holds {[name for _seq, name in found]}")

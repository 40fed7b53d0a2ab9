"""AI File Management: the after-image manager's archives, and rolling a whole archive directory forward."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from harness import archive_dir
from harness.site import Site, StepFailure
from steps.parse_types import EXTRA_TYPES


@given(parsers.parse('the archiver has archived AI file {seq:d} of "{db:Name}" on {host:Host}',
                     extra_types=EXTRA_TYPES))
@when(parsers.parse('the archiver has archived AI file {seq:d} of "{db:Name}" on {host:Host}',
                    extra_types=EXTRA_TYPES))
@then(parsers.parse('the archiver has archived AI file {seq:d} of "{db:Name}" on {host:Host}',
                    extra_types=EXTRA_TYPES))
def archiver_archived(site: Site, seq: int, db: str, host: str) -> None:
    """Wait (with a deadline) until <db>.archival.log records AI file <seq> as archived."""
    archive_dir.wait_archived(site, host, db, seq)


@when(parsers.parse('I roll forward "{db:Name}" on {host:Host} with every file in the archive directory '
                    '"{directory:Name}"', extra_types=EXTRA_TYPES))
def roll_forward_directory(site: Site, db: str, host: str, directory: str) -> None:
    """rfutil -C roll forward -a for each archive, by the sequence in its name, from the expected one on."""
    archive_dir.roll_forward_directory(site, host, db, directory)


@when(parsers.parse('I copy the archive directory "{directory:Name}" from {source:Host} to {target:Host}',
                    extra_types=EXTRA_TYPES))
def copy_archive_directory(site: Site, directory: str, source: str, target: str) -> None:
    """Every file of the archive directory, byte for byte, to the same directory on the other host."""
    names = site.host(source).list_files(directory)
    site.host(source).copy_files(names, site.host(target), directory=directory, target_directory=directory)


@when(parsers.parse('I delete the archive of AI file {seq:d} of "{db:Name}" from "{directory:Name}" on {host:Host}',
                    extra_types=EXTRA_TYPES))
def delete_archive(site: Site, seq: int, db: str, directory: str, host: str) -> None:
    """Lose one archived file (the mistake a site makes when it cleans the directory by hand)."""
    site.delete_file(host, archive_dir.archive_of(site, host, db, directory, seq))


@then(parsers.parse('the archive directory "{directory:Name}" on {host:Host} holds AI files {first:d} to {last:d} '
                    'of "{db:Name}"', extra_types=EXTRA_TYPES))
def archive_holds(site: Site, directory: str, host: str, first: int, last: int, db: str) -> None:
    """Exactly these file numbers, each once, named as OpenEdge names them."""
    found = [seq for seq, _name in archive_dir.archived_files(site, host, db, directory)]
    if found != list(range(first, last + 1)):
        raise StepFailure(f"{directory}/ on {host} holds AI files {found} of {db}, not {first} to {last}")


@when(parsers.parse('the archiver has archived every full AI file of "{db:Name}" on {host:Host}',
                    extra_types=EXTRA_TYPES))
@then(parsers.parse('the archiver has archived every full AI file of "{db:Name}" on {host:Host}',
                    extra_types=EXTRA_TYPES))
def archiver_caught_up(site: Site, db: str, host: str) -> None:
    """Wait (with a deadline) until no AI extent is FULL: every closed file has been archived."""
    archive_dir.wait_caught_up(site, host, db)

"""Load, and comparing the data of two databases as of a point."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from oedr.harness.site import Site, StepFailure
from oedr.steps.parse_types import EXTRA_TYPES


@given(parsers.parse('{count:d} transactions are committed to "{db:Name}" on {host:Host}', extra_types=EXTRA_TYPES))
@when(parsers.parse('{count:d} transactions are committed to "{db:Name}" on {host:Host}', extra_types=EXTRA_TYPES))
def commit_transactions(site: Site, count: int, db: str, host: str) -> None:
    """N transactions, one record each, through the broker if served, single-user otherwise."""
    site.commit(host, db, count)


@when(
    parsers.parse(
        '{count:d} transactions are committed to "{db:Name}" on {host:Host} {hours:d} hours later',
        extra_types=EXTRA_TYPES,
    )
)
def commit_later(site: Site, count: int, db: str, host: str, hours: int) -> None:
    """Commits stamped hours later (the emulator's clock is shifted: emulator only)."""
    site.commit(host, db, count, offset_seconds=hours * 3600)


@when(
    parsers.parse(
        'load runs against "{db:Name}" on {host:Host} at {rate:d} transactions a second', extra_types=EXTRA_TYPES
    )
)
@when(parsers.parse('load runs against "{db:Name}" on {host:Host}', extra_types=EXTRA_TYPES), converters={"rate": int})
def start_load(site: Site, db: str, host: str, rate: int = 0) -> None:
    """A background client committing transactions (as fast as it can, or at a rate) until it is stopped."""
    site.start_load(host, db, seconds=600, rate=rate)


@then(parsers.parse("the load committed transactions both before `{first}` began and after `{last}` ended"))
def load_spans(site: Site, first: str, last: str) -> None:
    """The load really ran across these commands: it committed before the first and after the last."""
    before, _between, after = site.load_commits_around(first, last)
    if not (before and after):
        raise StepFailure(f"the load committed {before} transactions before `{first}` and {after} after `{last}`")


@then(parsers.parse("the load committed nothing between `{first}` and `{last}`"))
def load_held(site: Site, first: str, last: str) -> None:
    """Writers were held: no load transaction committed after the first command ended and before the last."""
    _before, between, _after = site.load_commits_around(first, last)
    if between:
        raise StepFailure(f"the load committed {between} transactions between `{first}` and `{last}`")


@when("the load is stopped")
def stop_load(site: Site) -> None:
    """Stop every background load; each must have ended without error."""
    site.stop_loads()


@then(
    parsers.parse(
        '"{db:Name}" on {target:Host} holds exactly the data of "{source_db:Name}" on {source:Host} as of '
        "the last AI file applied",
        extra_types=EXTRA_TYPES,
    )
)
def same_data_as_of_last_file(site: Site, db: str, target: str, source_db: str, source: str) -> None:
    """Digest of the target equals the source's digest up to the last transaction of the last AI file applied."""
    upto = site.last_trid_applied(target, db)
    _compare(site, db, target, source_db, source, upto)


@then(
    parsers.parse(
        '"{db:Name}" on {target:Host} holds exactly the data of "{source_db:Name}" on {source:Host} up to '
        "transaction {n:d}",
        extra_types=EXTRA_TYPES,
    )
)
def same_data_up_to(site: Site, db: str, target: str, source_db: str, source: str, n: int) -> None:
    """Digest of the target equals the source's digest over its first n transactions of this scenario."""
    _compare(site, db, target, source_db, source, site.nth_trid(source, source_db, n))


@then(
    parsers.parse(
        '"{db:Name}" on {target:Host} holds exactly the data of "{source_db:Name}" on {source:Host}',
        extra_types=EXTRA_TYPES,
    )
)
def same_data(site: Site, db: str, target: str, source_db: str, source: str) -> None:
    """Digest of the target equals the source's digest over everything committed."""
    _compare(site, db, target, source_db, source, None)


def _compare(site: Site, db: str, target: str, source_db: str, source: str, upto: int | None) -> None:
    expected = site.digest(source, source_db, upto)
    actual = site.digest(target, db)
    if actual != expected:
        raise StepFailure(
            f"{db} on {target} has {actual[0]} records (sha256 {actual[1][:16]}…); "
            f"{source_db} on {source} had {expected[0]} (sha256 {expected[1][:16]}…)"
            + (f" up to transaction {upto}" if upto is not None else "")
        )


@when(parsers.parse('I flip a byte in "{path:Name}" on {host:Host}', extra_types=EXTRA_TYPES))
def flip_byte(site: Site, path: str, host: str) -> None:
    """Damage one byte in the middle of a file's content."""
    site.flip_byte(host, path)


@when(parsers.parse('I note the files of "{db:Name}" on {host:Host}', extra_types=EXTRA_TYPES))
def note_files(site: Site, db: str, host: str) -> None:
    """Remember every file's content hash, to prove later that a refused command changed nothing."""
    site.snapshot(host, db)


@then(parsers.parse('no file of "{db:Name}" exists on {host:Host}', extra_types=EXTRA_TYPES))
def no_files(site: Site, db: str, host: str) -> None:
    """The database was never created on that host (a refused restore wrote nothing)."""
    files = site.database_files(host, db)
    if files:
        raise StepFailure(f"{db} on {host} has files: {', '.join(files)}")


@then(parsers.parse('there is no "{file_name:Name}" on {host:Host}', extra_types=EXTRA_TYPES))
def file_absent(site: Site, file_name: str, host: str) -> None:
    """The file does not exist on the host (an offline copy carries no .lk, say)."""
    if site.file_exists(host, file_name):
        raise StepFailure(f"{file_name} exists on {host}")


@then(parsers.parse('no file of "{db:Name}" on {host:Host} has changed', extra_types=EXTRA_TYPES))
def files_unchanged(site: Site, db: str, host: str) -> None:
    """Every file noted earlier is byte-identical (the .lg may only grow)."""
    site.assert_unchanged(host, db)

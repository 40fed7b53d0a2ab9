"""Moving files between hosts, the way a site copies a database: all of it, part of it, or under load."""

from __future__ import annotations

from pytest_bdd import parsers, when

from oedr.harness.site import Site
from oedr.steps.parse_types import EXTRA_TYPES


@when(parsers.parse('I copy every file of "{db:Name}" from {source:Host} to {target:Host}', extra_types=EXTRA_TYPES))
def copy_all(site: Site, db: str, source: str, target: str) -> None:
    """An OS copy of every file of the database (control area, extents, .lk, .lg, .st)."""
    site.copy_database(source, db, target)


@when(
    parsers.parse(
        'I copy every file of "{db:Name}" except "{left_out:Name}" from {source:Host} to {target:Host}',
        extra_types=EXTRA_TYPES,
    )
)
def copy_all_but(site: Site, db: str, left_out: str, source: str, target: str) -> None:
    """An OS copy that misses one file (comma-separated names for several)."""
    site.copy_database(source, db, target, except_files=tuple(n.strip() for n in left_out.split(",")))


@when(
    parsers.parse(
        'I copy every file of "{db:Name}" from {source:Host} to {target:Host} while {count:d} '
        "transactions commit between the files",
        extra_types=EXTRA_TYPES,
    )
)
def copy_while_writing(site: Site, db: str, source: str, target: str, count: int) -> None:
    """An OS copy of a database in use: the BI first, then commits, then the rest (a torn copy)."""
    site.copy_database_while_writing(source, db, target, count)


@when(parsers.parse('I copy "{file_name:Name}" from {source:Host} to {target:Host}', extra_types=EXTRA_TYPES))
def copy_one(site: Site, file_name: str, source: str, target: str) -> None:
    """Copy one file (a backup volume, say) byte for byte to the same name on another host."""
    site.host(source).copy_files([n.strip() for n in file_name.split(",")], site.host(target))


@when(parsers.parse('I delete "{file_name:Name}" on {host:Host}', extra_types=EXTRA_TYPES))
def delete_file(site: Site, file_name: str, host: str) -> None:
    """Delete a file on a host (the .lk of a copied database, say); it must be there to be deleted."""
    site.delete_file(host, file_name)


@when(
    parsers.parse(
        'I write "{file_name:Name}" on {host:Host} listing every extent of "{db:Name}" with its full path',
        extra_types=EXTRA_TYPES,
    )
)
def write_full_path_structure(site: Site, file_name: str, host: str, db: str) -> None:
    """A .st naming every extent of the copy at its fully qualified path on this host."""
    site.write_structure(host, db, file_name)


@when(
    parsers.parse(
        'I write "{file_name:Name}" on {host:Host} listing every extent of "{db:Name}" with relative paths',
        extra_types=EXTRA_TYPES,
    )
)
def write_relative_structure(site: Site, file_name: str, host: str, db: str) -> None:
    """A .st naming every extent as ./file: what the KBs warn against."""
    site.write_structure(host, db, file_name, relative=True)


@when(
    parsers.parse(
        'I archive the full AI extents of "{db:Name}" from {source:Host} to {target:Host}', extra_types=EXTRA_TYPES
    )
)
def archive_full_extents(site: Site, db: str, source: str, target: str) -> None:
    """Copy every FULL AI extent to the target's archive/ as <db>.<seq>.<file>, then empty it on the source."""
    site.archive_full_extents(source, db, target)

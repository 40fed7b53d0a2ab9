"""Hosts and databases: the starting state of a scenario."""

from __future__ import annotations

import os

import pytest
from pytest_bdd import given, parsers

from oedr.harness.site import Site, standard_structure
from oedr.steps.parse_types import EXTRA_TYPES


@given("a production host and a DR host")
def production_and_dr(site: Site) -> None:
    """Two hosts, each with its own directory and host name."""
    site.host("production")
    site.host("dr")


@given(parsers.parse('on {host:Host} a database "{db:Name}" with this structure:', extra_types=EXTRA_TYPES))
def database_from_structure(site: Site, host: str, db: str, docstring: str) -> None:
    """prostrct create from the .st given as a docstring, then the empty schema (procopy empty)."""
    site.create_database(host, db, docstring)


@given(
    parsers.parse(
        'on {host:Host} a database "{db:Name}" with the structure in "{st_file:Name}"', extra_types=EXTRA_TYPES
    )
)
def database_from_structure_file(site: Site, host: str, db: str, st_file: str, request: pytest.FixtureRequest) -> None:
    """prostrct create from a site's own .st file (a path relative to the feature file)."""
    site.create_database_from_file(host, db, st_file, getattr(request.node, "oedr_feature_dir", "") or os.getcwd())


@given(
    parsers.parse(
        'on {host:Host} a database "{db:Name}" with {areas:d} data areas and {count:d} {kind:Kind} AI extents',
        extra_types=EXTRA_TYPES,
    )
)
@given(
    parsers.parse(
        'on {host:Host} a database "{db:Name}" with {count:d} {kind:Kind} AI extents', extra_types=EXTRA_TYPES
    ),
    converters={"areas": int},
)
def database_with_ai_extents(site: Site, host: str, db: str, count: int, kind: bool, areas: int = 1) -> None:
    """A schema area, N data areas (two extents each) and N after-image extents (fixed 8 MB each, or variable)."""
    site.create_database(host, db, standard_structure(areas, count, kind))


@given(parsers.parse('after-imaging is enabled for "{db:Name}" on {host:Host}', extra_types=EXTRA_TYPES))
def after_imaging_enabled(site: Site, db: str, host: str) -> None:
    """rfutil -C mark backedup then rfutil -C aimage begin."""
    site.enable_after_imaging(host, db)


@given(parsers.parse('"{db:Name}" is served on {host:Host}', extra_types=EXTRA_TYPES))
def database_served(site: Site, db: str, host: str) -> None:
    """proserve: a broker owns the database."""
    site.must(host, f"proserve {db}")


@given(
    parsers.parse(
        'an offline OS copy of "{db:Name}" was taken on {source:Host} and copied to {target:Host}',
        extra_types=EXTRA_TYPES,
    )
)
def offline_copy_taken(site: Site, db: str, source: str, target: str) -> None:
    """The KB-P115048 offline procedure (proshut, truncate bi, aimage new, copy, mark backedup, proserve)."""
    site.offline_os_copy(source, db, target)


@given(parsers.parse('"{db:Name}" is a replication source on {host:Host}', extra_types=EXTRA_TYPES))
def replication_source(site: Site, db: str, host: str) -> None:
    """proutil -C enablesitereplication source (needs after-imaging)."""
    site.must(host, f"proutil {db} -C enablesitereplication source")

"""The disaster, and what the DR runbook achieved after it: measured RPO and RTO (oedr.harness.disaster)."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from oedr.harness import disaster
from oedr.harness.site import Site
from oedr.steps.parse_types import EXTRA_TYPES


@when(parsers.parse("{host:Host} is lost", extra_types=EXTRA_TYPES))
def host_lost(site: Site, host: str) -> None:
    """Its load stops, its processes die, its files go (local: the directory; docker: container and volumes)."""
    disaster.lose(site, host)


@then("no acknowledged transaction is lost")
def nothing_lost(site: Site) -> None:
    """The DR database holds every transaction production acknowledged before it was lost."""
    disaster.assert_rpo(site, 0)


@then(parsers.parse("at most {minutes:d} minutes of acknowledged transactions are lost"))
def at_most_lost(site: Site, minutes: int) -> None:
    """Lost acknowledged transactions, if any, all committed within the last ``minutes`` before the disaster."""
    disaster.assert_rpo(site, minutes * 60)


@then(parsers.parse("the DR database serves within {duration} of the disaster"))
def serves_within(site: Site, duration: str) -> None:
    """From the disaster to the end of the first successful proserve of the database on DR."""
    disaster.assert_rto(site, disaster.seconds_of(duration))


@then("acknowledged transactions are lost")
def some_lost(site: Site) -> None:
    """The plan loses data here: at least one acknowledged transaction is missing on DR (the measure is not blind)."""
    disaster.assert_some_lost(site)

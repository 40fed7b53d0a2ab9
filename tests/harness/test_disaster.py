"""The disaster on the local backend: production's files are gone and nothing more runs on it; the RPO and RTO
are measured against the ledger of what it acknowledged."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from oedr.harness import disaster
from oedr.harness.backends import get_backend
from oedr.harness.site import Site, StepFailure, standard_structure


@pytest.fixture
def site() -> Iterator[Site]:
    site = Site(get_backend("local"))
    try:
        yield site
    finally:
        site.close()


def test_production_lost_leaves_only_what_dr_was_sent(site: Site) -> None:
    site.create_database("production", "sports", standard_structure(1, 2, fixed=False))
    site.commit("production", "sports", 5)
    site.must("production", "probkup sports sports.bck")
    site.host("production").copy_files(["sports.bck"], site.host("dr"))
    site.commit("production", "sports", 3)  # never sent to DR
    root = site.host("production").root
    disaster.lose(site, "production")
    assert os.listdir(root) == []
    with pytest.raises(StepFailure, match="production was lost in the disaster"):
        site.run("production", "oeclient sports digest")
    site.must("dr", "prorest sports sports.bck")
    found = disaster.measure_rpo(site, "sports", "dr")
    assert (found.acknowledged, found.recovered, found.lost, found.first_lost_trid) == (
        8,
        5,
        3,
        site.ledger.commits["production:sports"][5].trid,
    )
    with pytest.raises(StepFailure, match="was not served on dr after the disaster"):
        disaster.measure_rto(site, "sports", "dr")
    site.must("dr", "proserve sports")
    rto = disaster.measure_rto(site, "sports", "dr")
    assert [p.name for p in rto.phases][-2:] == ["proserve", "transfer and checks"]
    assert rto.seconds >= sum(p.seconds for p in rto.phases) - 0.01


def test_no_disaster_no_measure(site: Site) -> None:
    with pytest.raises(StepFailure, match="no disaster was declared"):
        disaster.measure_rpo(site, "sports", "dr")


@pytest.mark.parametrize(("text", "seconds"), [("90 seconds", 90), ("5 minutes", 300), ("1 hour", 3600)])
def test_durations(text: str, seconds: float) -> None:
    assert disaster.seconds_of(text) == seconds


def test_a_duration_without_a_unit_is_refused() -> None:
    with pytest.raises(StepFailure, match="not a duration"):
        disaster.seconds_of("5 fortnights")

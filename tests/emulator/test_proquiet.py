"""proquiet through the console script: commits wait while quiet, the AI switch, the KB-P41028 return codes."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from backup_helpers import AI_ST, Site, finished, make_site, message_numbers

from harness.openedge.engine import broker
from harness.openedge.errors import StateError
from harness.openedge.waiting import Timeout, poll_until


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    yield from make_site(tmp_path)


def test_proquiet_blocks_commits_until_disabled(site: Site) -> None:
    site.make_db("prod")
    site.ok("proserve", "prod")
    site.commit("prod", 2)
    assert message_numbers(site.ok("proquiet", "prod", "enable")) == [5583]

    waiting = site.start("oeclient", "prod", "commit")
    with pytest.raises(Timeout):  # the commit started while quiet must not complete
        poll_until(lambda: waiting.poll() is not None, timeout=1.5, what="a commit during the quiet point")
    assert site.describe("prod")["Records"] == "2"

    assert message_numbers(site.ok("proquiet", "prod", "disable")) == [5584]
    assert finished(waiting, timeout=30) == 0
    assert "committed trid=3" in site.output_of(waiting)
    assert site.describe("prod")["Records"] == "3"
    log = (site.root / "prod.lg").read_text()
    assert all(f"({n})" in log for n in (5569, 5583, 5584, 5570))


def test_proquiet_enable_switches_ai_but_not_with_nolock(site: Site) -> None:
    site.make_db("prod", AI_ST)
    site.ok("proserve", "prod")
    site.enable_ai("prod")
    assert site.describe("prod")["Current AI Sequence"] == "1"
    site.ok("proquiet", "prod", "enable")
    assert site.describe("prod")["Current AI Sequence"] == "2"
    site.ok("proquiet", "prod", "disable")
    site.ok("proquiet", "prod", "enable", "nolock")
    assert site.describe("prod")["Current AI Sequence"] == "2"
    online = site.run("probkup", "online", "prod", "full.bck")  # no online backup in a nolock quiet point
    assert online.returncode != 0
    assert message_numbers(online.stdout) == [90104]
    site.ok("proquiet", "prod", "disable")


def test_proquiet_disable_markbackedup(site: Site) -> None:
    site.make_db("prod")
    site.ok("proserve", "prod")
    site.commit("prod", 1)
    site.ok("proquiet", "prod", "enable")
    site.ok("proquiet", "prod", "disable", "markbackedup")
    facts = site.describe("prod")
    assert (facts["Backup Counter"], facts["Changed Since Backup"]) == ("1", "no")


def test_proquiet_bithreshold(site: Site) -> None:
    site.make_db("prod")
    site.ok("proserve", "prod")
    assert message_numbers(site.ok("proquiet", "prod", "bithreshold", "200")) == [90075]


def test_proquiet_return_codes(site: Site) -> None:
    site.make_db("prod", "b .\nd .\na .\na .\n")
    assert site.run("proquiet", "prod", "enable").returncode == 16  # no broker
    site.ok("proserve", "prod")
    assert site.run("proquiet", "prod", "disable").returncode == 7
    site.ok("proquiet", "prod", "enable")
    assert site.run("proquiet", "prod", "enable").returncode == 6
    site.ok("proquiet", "prod", "disable")
    site.enable_ai("prod")
    site.ok("proquiet", "prod", "enable")  # switch 1 -> 2: extent 1 FULL
    site.ok("proquiet", "prod", "disable")
    failed = site.run("proquiet", "prod", "enable")  # extent 1 not EMPTY: the switch fails
    assert failed.returncode == 5
    assert message_numbers(failed.stdout) == [90073]
    assert site.run("proquiet", "prod", "disable").returncode == 7  # and nothing was left enabled


def test_proquiet_single_ai_extent_returns_2(site: Site) -> None:
    site.make_db("prod", "b .\nd .\na .\n")
    site.ok("proserve", "prod")
    site.enable_ai("prod")
    result = site.run("proquiet", "prod", "enable")
    assert result.returncode == 2
    assert message_numbers(result.stdout) == [90070]


def test_proquiet_already_requested_returns_4() -> None:
    """Code 4 cannot be reached from outside (the broker requests and enables under one lock): call the op."""
    stub = SimpleNamespace(quiet=broker.REQUESTED, cond=threading.Condition(threading.RLock()), db=None)
    with pytest.raises(StateError) as refused:
        broker.OPERATIONS["quiet_enable"](stub, {})  # type: ignore[arg-type]
    assert refused.value.exit_status == 4


@pytest.mark.parametrize("argv", [["prod"], ["prod", "enable", "now"], ["prod", "bithreshold"], ["-C", "enable"]])
def test_proquiet_usage(site: Site, argv: list[str]) -> None:
    result = site.run("proquiet", *argv)
    assert result.returncode != 0
    assert message_numbers(result.stdout) == [90010]

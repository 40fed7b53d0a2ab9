"""proquiet through the console script: commits wait while quiet, the AI switch, the BI threshold, the KB-P41028
return codes and the .lg lines of each request."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from backup_helpers import AI_ST, Site, finished, make_site, message_numbers

from oedr.harness.openedge.waiting import Timeout, poll_until

BI_MB = 1 << 20
_LOG_LINE = re.compile(r"^\[[^]]+\] P-\d+ T-\d+ ([IWEF]) (\w+) \d*: \((\d+)\) ", re.MULTILINE)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    yield from make_site(tmp_path)


def log_lines(site: Site, db: str = "prod") -> list[tuple[str, str, int]]:
    """(severity, process, number) of every numbered .lg line."""
    return [(sev, proc, int(n)) for sev, proc, n in _LOG_LINE.findall((site.root / f"{db}.lg").read_text())]


def logged_since(site: Site, mark: int) -> list[int]:
    return [number for _sev, _proc, number in log_lines(site)[mark:]]


def test_proquiet_blocks_commits_until_disabled(site: Site) -> None:
    site.make_db("prod")
    site.ok("proserve", "prod")
    site.commit("prod", 2)
    mark = len(log_lines(site))
    assert message_numbers(site.ok("proquiet", "prod", "enable")) == [5583]

    waiting = site.start("oeclient", "prod", "commit")
    with pytest.raises(Timeout):  # the commit started while quiet must not complete
        poll_until(lambda: waiting.poll() is not None, timeout=1.5, what="a commit during the quiet point")
    assert site.describe("prod")["Records"] == "2"

    assert message_numbers(site.ok("proquiet", "prod", "disable")) == [5584]
    assert finished(waiting, timeout=30) == 0
    assert "committed trid=3" in site.output_of(waiting)
    assert site.describe("prod")["Records"] == "3"
    # each proquiet is a request session of its own: login, what the broker did, logout
    # the waiting client's login (452) falls wherever its process start does; it logs out (453) once committed
    lines = log_lines(site)[mark:]
    assert [line for line in lines if line[1] != "ABL"] == [
        ("I", "QUIET", 5569),
        ("I", "BROKER", 5583),
        ("I", "QUIET", 5570),
        ("I", "QUIET", 5569),
        ("I", "BROKER", 5584),
        ("I", "QUIET", 5570),
    ]
    assert [line for line in lines if line[1] == "ABL"] == [("I", "ABL", 452), ("I", "ABL", 453)]
    assert lines[-1] == ("I", "ABL", 453)
    # with their user numbers (semantics §1.5): the broker is 0, a connected proquiet 1 or more
    users = re.findall(r" I (\w+) (\d+): \((5569|5583|5584)\) ", (site.root / "prod.lg").read_text())[-4:]
    assert [(process, number) for process, _user, number in users] == [
        ("QUIET", "5569"),
        ("BROKER", "5583"),
        ("QUIET", "5569"),
        ("BROKER", "5584"),
    ]
    assert [int(user) > 0 for process, user, _n in users] == [True, False, True, False]


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


def test_proquiet_bithreshold_is_set_during_a_quiet_point_only(site: Site) -> None:
    site.make_db("prod")
    site.ok("proserve", "prod")
    outside = site.run("proquiet", "prod", "bithreshold", "200")
    assert (outside.returncode, message_numbers(outside.stdout)) == (1, [90077])
    zero = site.run("proquiet", "prod", "bithreshold", "0")  # says the range, not "needs a whole number"
    assert (zero.returncode, zero.stdout.strip()) == (
        1,
        "proquiet: bithreshold must be a whole number from 3 to 4294967295, not '0'. (90015)",
    )

    site.ok("proquiet", "prod", "enable")
    assert message_numbers(site.ok("proquiet", "prod", "bithreshold", "200")) == [90075]
    assert message_numbers(site.ok("proquiet", "prod", "-bithreshold", "300")) == [90075]  # DOC's spelling
    site.ok("proquiet", "prod", "disable")
    assert [n for _s, _p, n in log_lines(site)].count(90075) == 2


def _load_until_the_bi_threshold(site: Site) -> subprocess.Popen[str]:
    """Start a load that writes well past 3 MB of BI (4 KB records: about 4 KB of notes each)."""
    return site.start("oeclient", "prod", "commit", "--count", "1500", "--bytes", "4000")


def test_bi_threshold_with_bistall_quiets_the_database_until_raised(site: Site) -> None:
    site.make_db("prod")
    site.ok("proserve", "prod", "-bithold", "3", "-bistall")
    assert [n for _s, _p, n in log_lines(site)][-2:] == [90075, 90079]  # the threshold, the stall enabled
    load = _load_until_the_bi_threshold(site)
    poll_until(lambda: ("W", "BROKER", 90082) in log_lines(site), timeout=60, what="the BI threshold stall")
    bi_size = (site.root / "prod.b1").stat().st_size
    assert bi_size >= 3 * BI_MB
    assert load.poll() is None  # the load waits: the database is quiet
    stalled_at = site.describe("prod")["Records"]

    for action in (["disable"], ["enable"]):  # KB-P41028 code 3: raise the threshold first
        refused = site.run("proquiet", "prod", *action)
        assert (refused.returncode, message_numbers(refused.stdout)) == (3, [90078]), action
    too_low = site.run("proquiet", "prod", "bithreshold", "3")  # not down to the BI's size
    assert (too_low.returncode, message_numbers(too_low.stdout)) == (1, [90076])
    assert site.describe("prod")["Records"] == stalled_at

    site.ok("proquiet", "prod", "bithreshold", "40")
    assert load.poll() is None  # raised, but still quiet until disabled
    assert message_numbers(site.ok("proquiet", "prod", "disable")) == [5584]
    assert finished(load, timeout=120) == 0
    assert site.describe("prod")["Records"] == "1500"


def test_bi_threshold_without_bistall_shuts_the_database_down(site: Site) -> None:
    site.make_db("prod")
    site.ok("proserve", "prod", "-bithold", "3")
    load = _load_until_the_bi_threshold(site)
    assert finished(load, timeout=120) == 1
    output = site.output_of(load)
    assert output.splitlines()[-1] == "There is no server for database prod. (1423)"
    assert ("F", "BROKER", 90083) in log_lines(site)
    assert not site.is_served("prod")
    assert site.describe("prod")["Database State"].startswith("crashed")
    acknowledged = len(re.findall(r"committed trid=", output))
    assert 500 < acknowledged < 1500
    assert site.digest("prod").startswith(f"records={acknowledged} ")  # crash recovery keeps every one


@pytest.mark.parametrize(("value", "number"), [("x", 90013), ("4294967296", 90015)])
def test_proserve_refuses_a_bad_bithold(site: Site, value: str, number: int) -> None:
    site.make_db("prod")
    result = site.run("proserve", "prod", "-bithold", value)
    assert (result.returncode, message_numbers(result.stdout)) == (1, [number])
    assert not site.is_served("prod")


def test_bithold_below_3_mb_means_3_mb(site: Site) -> None:
    site.make_db("prod")
    site.ok("proserve", "prod", "-bithold", "1")
    assert "(90075) BI threshold set to 3 MB." in (site.root / "prod.lg").read_text()


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
    mark = len(log_lines(site))
    failed = site.run("proquiet", "prod", "enable")  # extent 1 not EMPTY: the switch fails
    assert failed.returncode == 5
    assert message_numbers(failed.stdout) == [90073]
    assert log_lines(site)[mark:] == [("I", "QUIET", 5569), ("E", "QUIET", 90073), ("I", "QUIET", 5570)]
    assert site.run("proquiet", "prod", "disable").returncode == 7  # and nothing was left enabled


def test_proquiet_single_ai_extent_returns_2(site: Site) -> None:
    site.make_db("prod", "b .\nd .\na .\n")
    site.ok("proserve", "prod")
    site.enable_ai("prod")
    result = site.run("proquiet", "prod", "enable")
    assert result.returncode == 2
    assert message_numbers(result.stdout) == [90070]


def test_a_second_enable_while_the_first_waits_returns_4(site: Site) -> None:
    """A transaction stalled for an EMPTY AI extent holds the AI latch: the first enable waits (REQUESTED)."""
    site.make_db("prod", "b .\nd .\na . f 64\na . f 64\na . f 64\n")
    site.ok("proserve", "prod", "-aistall")
    site.enable_ai("prod")
    site.ok("rfutil", "prod", "-C", "aimage", "new")
    site.ok("rfutil", "prod", "-C", "aimage", "new")  # extents 1 and 2 FULL, 3 BUSY (sequence 3)
    site.start("oeclient", "prod", "load", "--seconds", "600", "--bytes", "2000")
    poll_until(lambda: ("W", "BROKER", 12288) in log_lines(site), timeout=60, what="the AI stall")

    first = site.start("proquiet", "prod", "enable")
    poll_until(
        lambda: [n for _s, _p, n in log_lines(site)].count(5569) == 1,
        timeout=30,
        what="the first enable to be requested",
    )
    second = site.run("proquiet", "prod", "enable")
    assert (second.returncode, message_numbers(second.stdout)) == (4, [90071])
    assert first.poll() is None

    site.ok("rfutil", "prod", "-C", "aimage", "extent", "empty", "2")  # still stalled: extent 1 comes next
    assert first.poll() is None
    site.ok("rfutil", "prod", "-C", "aimage", "extent", "empty", "1")
    assert finished(first, timeout=60) == 0
    assert message_numbers(site.output_of(first)) == [5583]
    # the stalled transaction waits for the quiet point, so the enable's own switch (3 -> 4) took extent 1
    facts = site.describe("prod")
    assert (facts["Current AI Sequence"], facts["Busy AI Extent"]) == ("4", "1")
    site.ok("proquiet", "prod", "disable")


def test_proquiet_on_a_database_that_does_not_exist(site: Site) -> None:
    before = sorted(p.name for p in site.root.iterdir())
    result = site.run("proquiet", "nosuch", "enable")
    assert (result.returncode, result.stdout.strip()) == (
        1,
        f"** Cannot find or open file {site.root / 'nosuch.db'}, errno = 2. (43)",
    )
    assert sorted(p.name for p in site.root.iterdir()) == before


@pytest.mark.parametrize(
    ("argv", "number"),
    [
        (["prod"], 90010),
        (["prod", "enable", "now"], 90010),
        (["prod", "bithreshold"], 90010),
        (["-C", "enable"], 90010),
        (["prod", "bithreshold", "ten"], 90013),
        (["prod", "bithreshold", "2"], 90015),
    ],
)
def test_proquiet_usage(site: Site, argv: list[str], number: int) -> None:
    site.make_db("prod")
    before = site.hashes("prod*")
    result = site.run("proquiet", *argv)
    assert result.returncode != 0
    assert message_numbers(result.stdout) == [number]
    assert site.hashes("prod*") == before

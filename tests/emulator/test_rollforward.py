"""rfutil -C roll forward [retry] [endtime | endtrans]: its checks, its refusals and its recovery (§5, §6.6).

One production history is built per module (``chain``): an offline OS copy taken after ``aimage new``
(the KB-P115048 baseline) and AI files 3, 4, 5 after it, plus the odd files the refusals need. Each test
restores the baseline on a DR host of its own, so the tests are independent and cheap.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from oedr.harness.backends.local import LocalHost
from oedr.harness.openedge.dbfiles import aifile
from oedr.harness.site import Site

FIRST = [663, 648, 659, 846]  # the first roll forward disables after-imaging on the target (KB-P115048)
# A successful first roll forward ends with FIRST (KB-P115048 §5.3a); a refused one starts with it.
HEADER = [17047, 1633, 1640, 1641, 1642, 1643]
TOTALS = [1634, 3785, 1635, 11138, 1636]


@dataclass
class Chain:
    """Production's history, and the files a DR site would hold from it."""

    site: Site
    prod: LocalHost
    oe: type
    baseline: dict[str, bytes] = field(default_factory=dict)  # the OS copy, file 3 BUSY and empty
    spanning: dict[str, bytes] = field(default_factory=dict)  # an OS copy with file 2 BUSY holding notes
    files: dict[int, bytes] = field(default_factory=dict)  # FULL AI files of the chain, by sequence
    busy: bytes = b""  # file 6 while still BUSY
    empty: bytes = b""  # an EMPTY extent
    other: bytes = b""  # file 4 of another database
    other3: bytes = b""  # file 3 of that other database
    rebased: bytes = b""  # file 4 of production after a new AIMAGE BEGIN (another baseline)
    digests: dict[int, tuple[int, str]] = field(default_factory=dict)  # production digest --upto trid
    midpoint: datetime = field(default_factory=datetime.now)  # between trid 12 and trid 13 (an hour later)
    _names: Iterator[int] = field(default_factory=itertools.count)

    def dr(self, copy: str = "baseline", sequence: bool = True) -> LocalHost:
        """A new DR host with the copy restored (repair with full paths, then ``sequence``) and the archive."""
        host = self.site.host(f"dr{next(self._names)}")
        for name, data in getattr(self, copy).items():
            host.write_file(name, data)
        for seq, data in self.files.items():
            host.write_file(f"arch/sports.{seq}", data)
        for name in ("busy", "empty", "other", "other3", "rebased"):
            host.write_file(f"arch/{name}", getattr(self, name))
        self.oe.repair(host, "sports", self.prod.root)
        if sequence:
            self.oe.ok(host, "rfutil sports -C sequence")
        return host


def _snapshot(host: LocalHost, oe: type) -> dict[str, bytes]:
    return {name: host.read_file(name) for name in oe.db_files(host, "sports")}


def _build(chain: Chain) -> None:
    prod, oe = chain.prod, chain.oe
    oe.make_db(prod)
    assert oe.commit(prod, "sports", 2) == [1, 2]
    oe.ok(prod, "rfutil sports -C aimage new")
    oe.commit(prod, "sports", 2)  # 3, 4 in file 2
    chain.spanning = _snapshot(prod, oe)
    oe.ok(prod, "proutil sports -C truncate bi")
    oe.ok(prod, "rfutil sports -C aimage new")  # file 3 BUSY and empty: the copy's clean boundary
    chain.baseline = _snapshot(prod, oe)
    oe.ok(prod, "rfutil sports -C mark backedup")
    oe.commit(prod, "sports", 3)  # 5, 6, 7 in file 3
    oe.ok(prod, "rfutil sports -C aimage new")
    oe.commit(prod, "sports", 3)  # 8, 9, 10 in file 4
    for seq in (1, 2, 3):
        chain.files[seq] = prod.read_file(f"sports.a{seq}")
        oe.ok(prod, "rfutil sports -C aimage extent empty")
    oe.ok(prod, "rfutil sports -C aimage new")  # file 5 in a1
    first = oe.ok(prod, "oeclient sports commit --count 2")  # 11, 12
    oe.commit(prod, "sports", 2, offset_seconds=3600)  # 13, 14, an hour later
    chain.midpoint = datetime.fromtimestamp(oe.commit_times(first)[-1] / 1e6) + timedelta(minutes=30)
    oe.ok(prod, "rfutil sports -C aimage new")  # file 6 in a2
    oe.commit(prod, "sports", 1)  # 15 in file 6
    chain.files[4], chain.files[5] = prod.read_file("sports.a4"), prod.read_file("sports.a1")
    chain.busy, chain.empty = prod.read_file("sports.a2"), prod.read_file("sports.a3")
    chain.digests = {trid: oe.digest(prod, "sports", upto=trid) for trid in (7, 10, 12, 14)}
    oe.make_db(prod, "other")
    oe.commit(prod, "other", 1)
    for _ in range(3):
        oe.ok(prod, "rfutil other -C aimage new")
    oe.commit(prod, "other", 2)
    oe.ok(prod, "rfutil other -C aimage extent empty")
    oe.ok(prod, "rfutil other -C aimage new")
    chain.other, chain.other3 = prod.read_file("other.a4"), prod.read_file("other.a3")
    oe.ok(prod, "rfutil sports -C aimage end")
    oe.ok(prod, "rfutil sports -C mark backedup")
    oe.ok(prod, "rfutil sports -C aimage begin")
    for _ in range(3):
        oe.commit(prod, "sports", 1)
        oe.ok(prod, "rfutil sports -C aimage new")
    oe.commit(prod, "sports", 2)
    oe.ok(prod, "rfutil sports -C aimage extent empty")
    oe.ok(prod, "rfutil sports -C aimage new")
    chain.rebased = prod.read_file("sports.a4")


@pytest.fixture(scope="module")
def chain(oe) -> Iterator[Chain]:
    with oe.new_site() as site:
        built = Chain(site, site.host("production"), oe)
        _build(built)
        yield built


def _rolled(host, oe, seq: int, extra: str = "") -> list[int]:
    return oe.numbers(oe.ok(host, f"rfutil sports -C roll forward {extra}-a arch/sports.{seq}".replace("  ", " ")))


def test_the_chain_rolls_forward_in_order(chain, oe):
    dr = chain.dr()
    assert oe.counters(dr, "sports") == ("enabled", 3, 3)
    assert _rolled(dr, oe, 3) == HEADER + TOTALS + FIRST
    assert oe.counters(dr, "sports") == ("disabled", 0, 4)
    assert oe.records(dr, "sports") == 7
    assert _rolled(dr, oe, 4) == HEADER + TOTALS
    result = oe.ok(dr, "rfutil sports -C roll forward verbose -a arch/sports.5")
    assert oe.numbers(result) == HEADER + [12528] * 4 + TOTALS
    assert result.stdout.splitlines()[0] == "***Beginning processing of After-image extent arch/sports.5 (17047)"
    assert "4 notes were processed. (1634)" in result.stdout.splitlines()
    assert oe.counters(dr, "sports") == ("disabled", 0, 6)
    assert oe.log_numbers(dr, "sports").count(17047) == 3
    assert oe.digest(dr, "sports") == chain.digests[14]


def test_the_same_file_twice_is_refused_and_changes_nothing(chain, oe):
    dr = chain.dr()
    _rolled(dr, oe, 3)
    before = oe.hashes(dr, "sports")
    result = oe.refused(dr, "rfutil sports -C roll forward -a arch/sports.3", [8019, 11014])
    assert result.stdout.splitlines() == [
        "Expected ai file number 4 but file specified is 3 in sequence. (8019)",
        "roll forward open arch/sports.3 error: -1. (11014)",
    ]
    assert oe.hashes(dr, "sports") == before
    assert _rolled(dr, oe, 4) == HEADER + TOTALS


def test_a_skipped_file_is_refused_and_changes_nothing(chain, oe):
    dr = chain.dr()
    _rolled(dr, oe, 3)
    before = oe.hashes(dr, "sports")
    result = oe.refused(dr, "rfutil sports -C roll forward -a arch/sports.5", [8019, 11014])
    assert result.stdout.splitlines()[0] == "Expected ai file number 4 but file specified is 5 in sequence. (8019)"
    assert oe.hashes(dr, "sports") == before


@pytest.mark.parametrize("stranger", ["other", "rebased"])
def test_a_file_from_another_database_or_baseline_is_refused_by_its_dates(chain, oe, stranger):
    dr = chain.dr()
    _rolled(dr, oe, 3)
    before = oe.hashes(dr, "sports")
    result = oe.refused(dr, f"rfutil sports -C roll forward -a arch/{stranger}", [831, 832, 833, 11014])
    lines = result.stdout.splitlines()
    assert lines[0].startswith("** The database was last changed ")
    assert lines[1].startswith("** The after-image file expected ")
    assert lines[2] == "** Those dates don't match, so you have the wrong copy of one of them. (833)"
    assert oe.hashes(dr, "sports") == before
    assert _rolled(dr, oe, 4) == HEADER + TOTALS  # the refusal left the target usable


def test_the_ai_file_spanning_the_copy_is_refused_by_its_dates(chain, oe):
    dr = chain.dr(copy="spanning", sequence=False)
    assert oe.ok(dr, "rfutil sports -C sequence").stdout == "Ai sequence 1 changed to 2 (12428)\n"
    records = oe.records(dr, "sports")
    extents = {k: v for k, v in oe.hashes(dr, "sports").items() if k != "sports.db"}
    oe.refused(dr, "rfutil sports -C roll forward -a arch/sports.2", [*FIRST, 831, 832, 833, 11014])
    assert {k: v for k, v in oe.hashes(dr, "sports").items() if k != "sports.db"} == extents
    assert oe.counters(dr, "sports") == ("disabled", 0, 2)  # even a refused first attempt ends AI (F2)
    assert oe.records(dr, "sports") == records
    oe.refused(dr, "rfutil sports -C sequence", [90041])


@pytest.mark.parametrize(
    ("file", "damage", "numbers"),
    [
        ("empty", None, [90050, 11014]),
        ("busy", None, [90057, 11014]),
        ("sports.4", "flip-note", [90054, 11014]),
        ("sports.4", "flip-header", [90052, 11014]),
        ("sports.4", "truncate", [90051, 11014]),
        ("sports.4", "extend", [90054, 11014]),
        ("../sports.d1", None, [90052, 11014]),
        ("nowhere", None, [43, 11014]),
    ],
)
def test_bad_files_are_refused_before_the_database_is_touched(chain, oe, file, damage, numbers):
    dr = chain.dr()
    _rolled(dr, oe, 3)
    path = f"arch/{file}"
    if damage:
        data = bytearray(dr.read_file(path))
        if damage == "flip-note":
            data[4096 + 20] ^= 0x01
        elif damage == "flip-header":
            data[30] ^= 0x01
        elif damage == "truncate":
            data = data[: len(data) - 7]
        else:
            data += b"\x07" * 12
        dr.write_file(path, bytes(data))
    before = oe.hashes(dr, "sports")
    result = oe.refused(dr, f"rfutil sports -C roll forward -a {path}", numbers)
    assert result.stdout.splitlines()[-1] == f"roll forward open {path} error: -1. (11014)"
    assert oe.hashes(dr, "sports") == before
    assert oe.counters(dr, "sports") == ("disabled", 0, 4)


def test_a_refused_first_roll_forward_changes_no_data_but_spends_the_copy(chain, oe):
    """Semantics §6.6 F2 (confirmed): after a failed first roll forward `sequence` is impossible; re-copy.

    The refused file changes no extent; only the control area records that after-imaging is now off."""
    dr = chain.dr(sequence=False)
    before = oe.hashes(dr, "sports")
    oe.refused(dr, "rfutil sports -C roll forward -a arch/sports.3", [*FIRST, 8019, 11014])
    after = oe.hashes(dr, "sports")
    assert {n for n in before if before[n] != after[n]} == {"sports.db"}
    assert oe.counters(dr, "sports")[0] == "disabled"
    # the .lg: the session, AI turned off (information), the refusal as errors like every other refusal (E)
    assert [(sev, n) for sev, _p, _u, n in oe.log_lines(dr, "sports")[-8:]] == [
        ("I", 451),
        *[("I", n) for n in FIRST],
        ("E", 8019),
        ("E", 11014),
        ("I", 334),
    ]
    oe.refused(dr, "rfutil sports -C sequence", [90041])
    assert [(sev, n) for sev, _p, _u, n in oe.log_lines(dr, "sports")[-3:]] == [("I", 451), ("E", 90041), ("I", 334)]


def test_a_bad_first_file_leaves_after_imaging_on(chain, oe):
    dr = chain.dr()
    before = oe.hashes(dr, "sports")
    oe.refused(dr, "rfutil sports -C roll forward -a arch/empty", [90050, 11014])
    oe.refused(dr, "rfutil sports -C roll forward -a arch/busy", [90057, 11014])
    assert oe.hashes(dr, "sports") == before
    assert oe.counters(dr, "sports") == ("enabled", 3, 3)  # file-level refusals come before the open


def test_roll_forward_usage_and_state_refusals(chain, oe):
    dr = chain.dr()
    result = oe.refused(dr, "rfutil sports -C roll forward", [90058])  # its own message, not the generic usage
    assert result.stdout == "roll forward needs an after-image file: -a <file>. (90058)\n"
    oe.refused(dr, "rfutil sports -C roll forward retry", [90058])
    result = oe.refused(dr, "rfutil sports -C roll forward -a arch", [43, 11014])  # a directory: EISDIR
    assert result.stdout.splitlines()[0] == "** Cannot find or open file arch, errno = 21. (43)"
    oe.refused(dr, "rfutil sports -C roll forward -a", [90010])
    oe.refused(dr, "rfutil sports -C roll forward endtrans 0 -a arch/sports.3", [90013])
    oe.refused(dr, "rfutil sports -C roll forward endtime yesterday -a arch/sports.3", [90010])
    oe.refused(dr, "rfutil sports -C roll forward endtrans 5 endtime 2020:01:01:00:00:00 -a arch/sports.3", [90010])
    oe.refused(dr, "rfutil sports -C roll forward -ailist list.txt", [43])  # the list itself is missing
    oe.refused(dr, "rfutil sports -C roll forward -ailist list.txt -a arch/sports.3", [90010])
    oe.refused(dr, "rfutil sports -C roll forward -a arch/sports.3 sideways", [90010])
    oe.ok(dr, "proserve sports")
    oe.refused(dr, "rfutil sports -C roll forward -a arch/sports.3", [276])
    oe.ok(dr, "proshut sports -by")


def test_an_interrupted_roll_forward_is_finished_with_retry(chain, oe):
    dr = chain.dr()
    _rolled(dr, oe, 3)
    killed = dr.run("rfutil sports -C roll forward -a arch/sports.4", env={"OEDR_FAULT": "rollforward:2"})
    assert killed.exit_status == -9
    assert oe.describe(dr, "sports")["Roll Forward In Progress"] == "4"
    for seq in (4, 5):
        result = oe.refused(dr, f"rfutil sports -C roll forward -a arch/sports.{seq}", [90055, 11014])
        assert result.stdout.splitlines()[0] == (
            "A roll forward of after-image file number 4 was interrupted. Complete it with rfutil sports -C roll "
            "forward retry -a <that file>. (90055)"
        )
    oe.refused(dr, "rfutil sports -C roll forward retry -a arch/sports.5", [8019, 11014])
    assert oe.numbers(oe.ok(dr, "rfutil sports -C roll forward retry -a arch/sports.4")) == HEADER + TOTALS
    assert oe.describe(dr, "sports")["Roll Forward In Progress"] == "no"
    assert oe.records(dr, "sports") == 10
    assert _rolled(dr, oe, 5) == HEADER + TOTALS
    assert oe.digest(dr, "sports") == chain.digests[14]


def test_an_interrupted_first_roll_forward_is_retried(chain, oe):
    dr = chain.dr()
    killed = dr.run("rfutil sports -C roll forward -a arch/sports.3", env={"OEDR_FAULT": "rollforward:1"})
    assert killed.exit_status == -9
    oe.refused(dr, "rfutil sports -C roll forward -a arch/sports.3", [90055, 11014])
    oe.refused(dr, "rfutil sports -C sequence", [90041])  # AI is already off; refused without opening it
    oe.ok(dr, "rfutil sports -C roll forward retry -a arch/sports.3")
    oe.refused(dr, "rfutil sports -C sequence", [90041])
    _rolled(dr, oe, 4)
    _rolled(dr, oe, 5)
    assert oe.digest(dr, "sports") == chain.digests[14]


def test_endtrans_stops_there_and_ends_the_roll_forward(chain, oe):
    dr = chain.dr()
    _rolled(dr, oe, 3)
    _rolled(dr, oe, 4)
    result = oe.ok(dr, "rfutil sports -C roll forward endtrans 13 -a arch/sports.5")
    assert oe.numbers(result) == HEADER + TOTALS + [17923]
    assert "2 notes were processed. (1634)" in result.stdout.splitlines()
    assert result.stdout.splitlines()[-1].startswith("Roll Forward to ")
    oe.refused(dr, "rfutil sports -C roll forward -a arch/sports.5", [17923, 11014])
    oe.refused(dr, "rfutil sports -C roll forward retry -a arch/sports.5", [17923, 11014])
    assert oe.digest(dr, "sports") == chain.digests[12]


def test_endtime_stops_there_and_ends_the_roll_forward(chain, oe):
    dr = chain.dr()
    _rolled(dr, oe, 3)
    _rolled(dr, oe, 4)
    endtime = chain.midpoint.strftime("%Y:%m:%d:%H:%M:%S")
    result = oe.ok(dr, f"rfutil sports -C roll forward endtime {endtime} -a arch/sports.5")
    assert oe.numbers(result) == HEADER + TOTALS + [17923]
    assert result.stdout.splitlines()[-1] == (
        f"Roll Forward to {chain.midpoint.replace(microsecond=0).strftime('%a %b %e %H:%M:%S %Y')} has been located, "
        "further roll forward operations are invalid. (17923)"
    )
    before = oe.hashes(dr, "sports")
    refused = oe.refused(dr, "rfutil sports -C roll forward -a arch/sports.5", [17923, 11014])
    assert refused.stdout.splitlines()[0] == result.stdout.splitlines()[-1]
    assert oe.hashes(dr, "sports") == before
    assert oe.digest(dr, "sports") == chain.digests[12]


def test_endtime_after_the_last_note_applies_the_whole_file(chain, oe):
    dr = chain.dr()
    later = (chain.midpoint + timedelta(hours=3)).strftime("%Y:%m:%d:%H:%M:%S")
    assert oe.numbers(oe.ok(dr, f"rfutil sports -C roll forward endtime {later} -a arch/sports.3")) == (
        HEADER + TOTALS + FIRST
    )
    _rolled(dr, oe, 4)
    assert oe.digest(dr, "sports") == chain.digests[10]


def test_retry_with_nothing_interrupted_is_a_plain_roll_forward(chain, oe):
    """A fresh restore: retry checks the dates like a roll forward, so another database's file is refused."""
    dr = chain.dr()
    before = oe.hashes(dr, "sports")
    result = oe.refused(dr, "rfutil sports -C roll forward retry -a arch/other3", [*FIRST, 831, 832, 833, 11014])
    assert result.stdout.splitlines()[-1] == "roll forward open arch/other3 error: -1. (11014)"
    assert oe.records(dr, "sports") == 4
    assert {k: v for k, v in oe.hashes(dr, "sports").items() if k != "sports.db"} == {
        k: v for k, v in before.items() if k != "sports.db"
    }  # only the master block: AI now off (F2)
    dr = chain.dr()
    _rolled(dr, oe, 3)
    for stranger in ("other", "rebased"):
        oe.refused(dr, f"rfutil sports -C roll forward retry -a arch/{stranger}", [831, 832, 833, 11014])
    assert oe.numbers(oe.ok(dr, "rfutil sports -C roll forward retry -a arch/sports.4")) == HEADER + TOTALS
    assert oe.digest(dr, "sports") == chain.digests[10]


def test_retry_of_the_interrupted_file_refuses_another_databases_file(chain, oe):
    dr = chain.dr()
    _rolled(dr, oe, 3)
    killed = dr.run("rfutil sports -C roll forward -a arch/sports.4", env={"OEDR_FAULT": "rollforward:1"})
    assert killed.exit_status == -9
    data = ("sports.d1", "sports_7.d1", "sports.a1", "sports.a2", "sports.a3", "sports.a4")
    before = {name: dr.read_file(name) for name in data}
    records = oe.records(dr, "sports")
    # The other database's file 4 has the sequence the retry expects, and retry skips the date check.
    result = oe.refused(dr, "rfutil sports -C roll forward retry -a arch/other", [90053, 11014])
    assert result.stdout.splitlines()[0] == "AI file cannot be used with this database (90053)"
    assert {name: dr.read_file(name) for name in data} == before  # none of its notes was applied
    assert (oe.records(dr, "sports"), oe.describe(dr, "sports")["Roll Forward In Progress"]) == (records, "4")
    oe.ok(dr, "rfutil sports -C roll forward retry -a arch/sports.4")
    _rolled(dr, oe, 5)
    assert oe.digest(dr, "sports") == chain.digests[14]


@pytest.mark.parametrize("field", ["db_id", "blksize"])
def test_a_file_written_by_another_database_is_refused_by_a_plain_roll_forward(chain, oe, field):
    """Sequence and dates match (production's own file 3, its header claiming another database)."""
    dr = chain.dr()
    path = dr.path("arch/sports.3")
    head = aifile.read_header(Path(path))
    setattr(head, field, "f" * 32 if field == "db_id" else head.blksize * 2)
    aifile.write_header(Path(path), head)
    result = oe.refused(dr, "rfutil sports -C roll forward -a arch/sports.3", [*FIRST, 90053, 11014])
    assert result.stdout.splitlines()[len(FIRST)] == "AI file cannot be used with this database (90053)"
    assert oe.records(dr, "sports") == 4


def test_an_interrupted_roll_forward_under_oplock_keeps_every_other_opener_out(chain, oe):
    dr = chain.dr()
    assert oe.numbers(oe.ok(dr, "rfutil sports -C roll forward oplock -a arch/sports.3")) == (
        [90131, *HEADER, *TOTALS, *FIRST]
    )
    killed = dr.run("rfutil sports -C roll forward -a arch/sports.4", env={"OEDR_FAULT": "rollforward:2"})
    assert killed.exit_status == -9
    oe.ok(dr, "rm sports.lk")  # the killed rfutil's lock is stale anyway
    before = oe.hashes(dr, "sports")
    for opener in (
        "proserve sports",
        "oeclient sports digest",
        "oeclient sports commit",
        "proutil sports -C truncate bi",
        "rfutil sports -C mark backedup",
    ):
        result = oe.refused(dr, opener, [90131, 90132])
        assert result.stdout == (
            "Target database has been locked during roll forward process. (90131)\n"
            "Please wait until the roll forward process is finished or use the rfutil -C roll opunlock option "
            "to disable the protection. (90132)\n"
        )
    assert oe.hashes(dr, "sports") == before  # nothing rolled back what the retry must finish
    assert oe.describe(dr, "sports")["Roll Forward In Progress"] == "4"
    oe.ok(dr, "rfutil sports -C roll forward retry -a arch/sports.4")
    _rolled(dr, oe, 5)
    oe.refused(dr, "proserve sports", [90131, 90132])  # the protection outlives the roll forwards
    assert oe.ok(dr, "rfutil sports -C roll opunlock").stdout == (
        "Target database has been unlocked during roll forward process. (90133)\n"
        "Roll forward process has been stopped with the opunlock option. (90134)\n"
    )
    assert oe.digest(dr, "sports") == chain.digests[14]
    oe.ok(dr, "proserve sports")
    oe.ok(dr, "proshut sports -by")

"""A damaged BUSY after-image extent is noticed before anything is appended to it or acknowledged.

The master block records where the BUSY extent's notes end, how many there are and their running checksum
(mb_aiwrtloc / mb_aictr, semantics §2). The broker, a single-user client, crash recovery and every switch
check the extent against it first (engine/aicheck.py) and refuse with 90151, changing nothing; ``aimage
scan`` reports the damage and roll forward refuses a damaged file before applying any of it. Each case of
the report is here: one flipped bit, a cut in the middle of a note, and a cut exactly at a note boundary
(which no note checksum can see, only the recorded write position).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from oedr.harness.openedge.dbfiles import aifile
from oedr.harness.openedge.dbfiles.framing import read_frames
from oedr.harness.openedge.waiting import poll_until

DAMAGED = [90151]


def _note_ends(data: bytes) -> list[int]:
    return [offset + 8 + len(payload) for offset, payload in read_frames(data, aifile.HEADER_SIZE)]


def _flip(data: bytes) -> bytes:
    """One bit flipped at byte 40000 (inside a note), as in the report."""
    damaged = bytearray(data)
    damaged[40000] ^= 0x01
    return bytes(damaged)


def _cut(data: bytes) -> bytes:
    """Cut at byte 40000 (inside a note)."""
    return data[:40000]


def _cut_at_note(data: bytes) -> bytes:
    """Cut after the fifth note: every note left is intact; only the write position says some are missing."""
    return data[: _note_ends(data)[4]]


DAMAGE: dict[str, Callable[[bytes], bytes]] = {"bit-flip": _flip, "cut": _cut, "cut-at-note": _cut_at_note}
SCAN_SAYS = {"bit-flip": 90054, "cut": 90054, "cut-at-note": 90151}
DB_ST = 'b .\nd "Schema Area":6,32;1 .\nd "Data":7,32;1 .\na .\na .\na .\na .\n'


@pytest.fixture
def served_history(prod, oe):
    """The report's production: AI on, a full backup, 10 transactions of 7000 bytes (8 KB blocks)."""
    prod.write_file("sports.st", DB_ST.encode())
    oe.ok(prod, "prostrct create sports sports.st -blocksize 8192")
    oe.ok(prod, "procopy empty sports")
    oe.ok(prod, "rfutil sports -C mark backedup")
    oe.ok(prod, "rfutil sports -C aimage begin")
    oe.ok(prod, "probkup sports full.bak")
    oe.ok(prod, "proserve sports")
    oe.ok(prod, "oeclient sports commit --count 10 --bytes 7000")
    return prod


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_busy_extent_is_refused_by_every_writer_and_changes_nothing(served_history, oe, damage):
    prod = served_history
    oe.ok(prod, "proshut sports -by")
    assert len(_note_ends(prod.read_file("sports.a1"))) == 10
    prod.write_file("sports.a1", DAMAGE[damage](prod.read_file("sports.a1")))
    before = oe.hashes(prod, "sports")
    oe.refused(prod, "proserve sports", DAMAGED)
    oe.refused(prod, "oeclient sports commit --count 3 --bytes 7000", DAMAGED)
    oe.refused(prod, "rfutil sports -C aimage new", DAMAGED)
    assert oe.hashes(prod, "sports") == before
    assert "sports.lk" not in prod.list_files()
    # A note that fails its checksum is 90054 to scan whatever the file; a cut at a note boundary only this
    # database's master block can tell (90151).
    oe.refused(prod, "rfutil sports -C aimage scan -a sports.a1", [SCAN_SAYS[damage]])
    # The way out still works: after-imaging ended, a backup, after-imaging begun again.
    oe.ok(prod, "rfutil sports -C aimage end")
    oe.ok(prod, "probkup sports new.bak")
    oe.ok(prod, "rfutil sports -C aimage begin")
    oe.ok(prod, "proserve sports")
    oe.commit(prod, "sports", 1)
    assert oe.digest(prod, "sports")[0] == 11
    oe.ok(prod, "proshut sports -by")


def _past_the_last_write(host, name: str) -> None:
    """Wait until the file system's clock has moved past the file's last write, so that a change made now shows
    in its modification time (which has the resolution of a clock tick): what the running writer looks at."""
    last = os.stat(host.path(name)).st_mtime_ns
    probe = Path(host.path("tick.probe"))

    def ticked() -> bool:
        probe.write_bytes(b"")
        return os.stat(probe).st_mtime_ns > last

    poll_until(ticked, timeout=5, what=f"the file system clock to pass the last write of {name}")


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damage_while_the_broker_runs_is_refused_before_the_commit(served_history, oe, damage):
    prod = served_history
    _past_the_last_write(prod, "sports.a1")
    prod.write_file("sports.a1", DAMAGE[damage](prod.read_file("sports.a1")))
    before = oe.hashes(prod, "sports")
    result = oe.refused(prod, "oeclient sports commit --count 3 --bytes 7000", DAMAGED)
    assert oe.trids(result) == []
    oe.refused(prod, "rfutil sports -C aimage new", DAMAGED)
    assert oe.digest(prod, "sports")[0] == 10  # reads go on; nothing was committed or switched
    assert oe.hashes(prod, "sports") == before
    assert ("E", "BROKER", 0, 90151) in oe.log_lines(prod, "sports")
    oe.ok(prod, "proshut sports -by")


def test_the_report_case_on_dr_no_longer_ends_with_fewer_records(served_history, dr, oe):
    """The report's sequence: the damage is refused where it used to be buried, and a file damaged after its
    switch is refused by roll forward before any of it is applied (never "applied as far as it goes")."""
    prod = served_history
    oe.ok(prod, "rfutil sports -C aimage new")  # file 1 switched intact, with the 10 transactions
    oe.ok(prod, "proshut sports -by")
    dr.write_file("full.bak", prod.read_file("full.bak"))
    dr.write_file("s.1.a1", _flip(prod.read_file("sports.a1")))  # damaged on its way to DR
    oe.ok(dr, "prorest sports full.bak")
    before = oe.hashes(dr, "sports")
    oe.refused(dr, "rfutil sports -C roll forward -a s.1.a1", [90054, 11014])
    assert oe.hashes(dr, "sports") == before
    assert oe.digest(dr, "sports")[0] == 0
    dr.write_file("s.1.a1", prod.read_file("sports.a1"))  # the intact copy is then applied whole
    oe.ok(dr, "rfutil sports -C roll forward -a s.1.a1")
    assert oe.digest(dr, "sports") == oe.digest(prod, "sports")


def test_scan_of_a_switched_file_cut_at_a_note_boundary_is_refused(served_history, oe):
    prod = served_history
    oe.ok(prod, "rfutil sports -C aimage new")
    oe.ok(prod, "proshut sports -by")
    prod.write_file("sports.a1", _cut_at_note(prod.read_file("sports.a1")))
    oe.refused(prod, "rfutil sports -C aimage scan -a sports.a1", [90051])


def test_a_commit_killed_at_any_write_leaves_an_extent_the_next_writer_accepts(prod, oe):
    """No false alarm: a crash between the AI note and the master block leaves one more note than the master
    records (or a torn one), which the next writer accepts and continues after."""
    oe.make_db(prod)
    oe.commit(prod, "sports", 2)
    crashed_from = {name: prod.read_file(name) for name in oe.db_files(prod, "sports")}
    committed = 0
    for n in range(1, 200):
        for name in oe.db_files(prod, "sports"):
            if name not in crashed_from:
                prod.remove_file(name)
        for name, data in crashed_from.items():
            prod.write_file(name, data)
        run = prod.run("oeclient sports commit", env={"OEDR_FAULT": f"write:{n}"})
        assert "Traceback" not in run.output, run.describe()
        oe.commit(prod, "sports", 1)  # crash recovery, the AI check and a commit after it
        records = oe.digest(prod, "sports")[0]
        assert records in (3, 4), (n, run.describe())
        oe.ok(prod, "rfutil sports -C aimage new")
        assert len(oe.scan_trids(prod, "sports", "sports.a1")) == records  # every commit is in the AI
        if run.exit_status == 0:
            committed = records
            break
    else:
        pytest.fail("the commit was still being killed after 199 writes")
    assert committed == 4
    assert n > 5

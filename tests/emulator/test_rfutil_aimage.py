"""rfutil -C aimage begin | end | new | list | query | extent list/empty/full | scan (semantics §3.4, §4)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from oedr.harness.openedge.dbfiles import aifile
from oedr.harness.openedge.dbfiles.framing import read_frames

TWO_AI = "b .\nd .\na .\na .\n"


def _flip_note(data: bytes) -> bytes:
    """The AI file with one byte of its first note flipped (its header intact)."""
    where = aifile.HEADER_SIZE + 20
    return data[:where] + bytes([data[where] ^ 0xFF]) + data[where + 1 :]


def _states(host) -> list[str]:
    return [aifile.read_header(Path(host.path(f"sports.a{n}"))).state for n in (1, 2, 3, 4)]


def test_aimage_begin_is_refused_until_the_database_is_backed_up(prod, oe):
    oe.make_db(prod, ai=False)
    refused = oe.refused(prod, "rfutil sports -C aimage begin", [90042])
    assert refused.stdout.startswith("The database sports has been changed since it was last backed up.")
    assert oe.counters(prod, "sports") == ("disabled", 0, 1)
    oe.ok(prod, "rfutil sports -C mark backedup")
    begun = oe.ok(prod, "rfutil sports -C aimage begin")
    assert begun.stdout == "After-imaging enabled for database sports; this is after-image file number 1. (90040)\n"
    assert oe.counters(prod, "sports") == ("enabled", 1, 1)
    assert [(n, status, seq) for n, status, _path, seq in oe.ai_extents(prod, "sports")] == [
        (1, "BUSY", 1),
        (2, "EMPTY", 0),
        (3, "EMPTY", 0),
        (4, "EMPTY", 0),
    ]
    assert oe.log_numbers(prod, "sports")[-3:] == [451, 90040, 334]
    oe.refused(prod, "rfutil sports -C aimage begin", [830])


def test_aimage_begin_refusals(prod, oe):
    oe.make_db(prod, "noai", st="b .\nd .\n", ai=False)
    oe.ok(prod, "rfutil noai -C mark backedup")
    oe.refused(prod, "rfutil noai -C aimage begin", [90043])
    oe.make_db(prod, ai=False)
    oe.ok(prod, "rfutil sports -C mark backedup")
    oe.refused(prod, "rfutil sports -C aimage begin now", [90010])
    oe.ok(prod, "proserve sports")
    oe.refused(prod, "rfutil sports -C aimage begin", [276])
    oe.ok(prod, "proshut sports -by")
    assert oe.describe(prod, "sports")["After Imaging"] == "disabled"
    assert oe.ok(prod, "rfutil sports -C aimage begin -G 0").stdout.endswith("(90040)\n")


def test_aimage_end_disables_ai_and_empties_every_extent(prod, oe):
    oe.make_db(prod)
    oe.commit(prod, "sports", 2)
    oe.ok(prod, "rfutil sports -C aimage new")
    oe.commit(prod, "sports", 1)
    assert _states(prod) == ["FULL", "BUSY", "EMPTY", "EMPTY"]
    oe.ok(prod, "proserve sports")
    oe.refused(prod, "rfutil sports -C aimage end", [276])
    oe.ok(prod, "proshut sports -by")
    assert oe.ok(prod, "rfutil sports -C aimage end").stdout == "After-image disabled. (846)\n"
    assert _states(prod) == ["EMPTY"] * 4
    assert oe.counters(prod, "sports") == ("disabled", 0, 1)
    assert oe.ok(prod, "rfutil sports -C aimage list").stdout == (
        "After-imaging is not enabled for database sports; there is no extent information. (90059)\n"
    )
    oe.refused(prod, "rfutil sports -C aimage end", [90041])
    oe.refused(prod, "rfutil sports -C aimage begin", [90042])  # changed since the last backup
    oe.ok(prod, "rfutil sports -C mark backedup")
    oe.ok(prod, "rfutil sports -C aimage begin")
    assert oe.counters(prod, "sports") == ("enabled", 1, 1)


def test_aimage_new_offline_switches_to_the_next_extent(prod, oe):
    oe.make_db(prod)
    oe.commit(prod, "sports", 2)
    result = oe.ok(prod, "rfutil sports -C aimage new")
    assert result.stdout.splitlines() == [
        f"Switched to ai extent {prod.root}/sports.a2. (3777)",
        "This is after-image file number 2 since the last AIMAGE BEGIN. (3778)",
    ]
    assert oe.counters(prod, "sports") == ("enabled", 2, 1)  # expected is not moved by a switch
    assert [(status, seq) for _n, status, _p, seq in oe.ai_extents(prod, "sports")] == [
        ("FULL", 1),
        ("BUSY", 2),
        ("EMPTY", 0),
        ("EMPTY", 0),
    ]
    assert oe.scan_trids(prod, "sports", "sports.a1") == [1, 2]
    oe.commit(prod, "sports", 1)
    assert oe.scan_trids(prod, "sports", "sports.a2") == [3]


def test_aimage_new_online_goes_through_the_broker(prod, oe):
    oe.make_db(prod)
    oe.ok(prod, "proserve sports")
    oe.commit(prod, "sports", 2)
    result = oe.ok(prod, "rfutil sports -C aimage new")
    assert oe.numbers(result) == [3777, 3778]
    assert oe.commit(prod, "sports", 1) == [3]
    oe.ok(prod, "rfutil sports -C aimage new")
    assert oe.counters(prod, "sports") == ("enabled", 3, 1)
    assert oe.log_numbers(prod, "sports")[-6:] == [3777, 3778, 452, 453, 3777, 3778]  # the commit's client between
    assert "BROKER 0: (3777) Switched to ai extent" in prod.read_file("sports.lg").decode()
    oe.refused(prod, "proutil sports -C busy", [276], status=6)
    oe.ok(prod, "proshut sports -by")
    assert oe.scan_trids(prod, "sports", "sports.a1") == [1, 2]
    assert oe.scan_trids(prod, "sports", "sports.a2") == [3]


def test_aimage_new_is_refused_when_the_next_extent_is_not_empty(prod, oe):
    oe.make_db(prod, st=TWO_AI)
    oe.ok(prod, "rfutil sports -C aimage new")
    before = oe.hashes(prod, "sports")
    result = oe.refused(prod, "rfutil sports -C aimage new", [3773, 3774])  # semantics §4.4's texts
    assert result.stdout.splitlines() == [
        f"Can't switch to after-image extent {prod.root}/sports.a1 it is full. (3773)",
        "Backup after-image extent and mark it as empty. (3774)",
    ]
    assert oe.hashes(prod, "sports") == before
    # the refused switch is an rfutil session in the .lg, its refusal logged as errors
    assert oe.log_lines(prod, "sports")[-4:] == [
        ("I", "RFUTIL", None, 451),
        ("E", "RFUTIL", None, 3773),
        ("E", "RFUTIL", None, 3774),
        ("I", "RFUTIL", None, 334),
    ]
    oe.ok(prod, "proserve sports")
    oe.refused(prod, "rfutil sports -C aimage new", [3773, 3774])
    oe.refused(prod, "proutil sports -C busy", [276], status=6)  # a failed aimage new is not fatal to the broker
    oe.ok(prod, "rfutil sports -C aimage extent empty 1")
    assert oe.numbers(oe.ok(prod, "rfutil sports -C aimage new")) == [3777, 3778]
    oe.ok(prod, "proshut sports -by")
    assert oe.counters(prod, "sports") == ("enabled", 3, 1)


def test_aimage_new_needs_after_imaging(prod, oe):
    oe.make_db(prod, ai=False)
    oe.refused(prod, "rfutil sports -C aimage new", [90041])
    oe.refused(prod, "rfutil sports -C aimage new please", [90010])
    oe.ok(prod, "proserve sports")
    oe.refused(prod, "rfutil sports -C aimage new", [90041])
    oe.ok(prod, "proshut sports -by")


def test_aimage_list_and_extent_list(prod, oe):
    oe.make_db(prod, st="b .\nd .\na . f 128\na .\n")
    oe.commit(prod, "sports", 3)
    oe.ok(prod, "rfutil sports -C aimage new")
    listing = oe.ok(prod, "rfutil sports -C aimage list").stdout
    assert oe.ok(prod, "rfutil sports -C aimage extent list").stdout == listing
    date = r"\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}"
    pattern = "\n".join(
        [
            "Extent:  1",
            "Status:  Full",
            "  Type:  Fixed Length",
            f"  Path:  {re.escape(prod.root)}/sports.a1",
            "  Size:  128",
            r"  Used:  \d+",
            f" Start:  {date}",
            "LastOp:  N/A",
            " Seqno:  1",
            "",
            "Extent:  2",
            "Status:  Busy",
            "  Type:  Variable Length",
            f"  Path:  {re.escape(prod.root)}/sports.a2",
            "  Size:  4",
            "  Used:  0",
            f" Start:  {date}",
            f"LastOp:  {date}",
            " Seqno:  2",
            "",
            "",
        ]
    )
    assert re.fullmatch(pattern, listing), listing
    oe.ok(prod, "proserve sports")
    assert oe.ok(prod, "rfutil sports -C aimage list").stdout.count("Extent:") == 2  # online too
    oe.ok(prod, "proshut sports -by")


def test_aimage_query(prod, oe):
    oe.make_db(prod)
    oe.ok(prod, "rfutil sports -C aimage new")
    assert oe.ok(prod, "rfutil sports -C aimage query status by extnum 1").stdout == "Full\n"
    assert oe.ok(prod, "rfutil sports -C aimage query sequence by name sports.a2").stdout == "2\n"
    assert oe.ok(prod, "rfutil sports -C aimage query name by sequence 2").stdout == f"{prod.root}/sports.a2\n"
    assert oe.ok(prod, "rfutil sports -C aimage query TYPE BY EXTNUM 3").stdout == "Variable Length\n"
    everything = oe.ok(prod, "rfutil sports -C aimage query all by extnum 3").stdout
    assert everything.startswith("3  Empty  Variable Length  ")
    oe.refused(prod, "rfutil sports -C aimage query status by extnum 9", [90047])
    oe.refused(prod, "rfutil sports -C aimage query colour by extnum 1", [90010])
    oe.refused(prod, "rfutil sports -C aimage query status for extnum 1", [90010])
    oe.refused(prod, "rfutil sports -C aimage query status by extnum", [90010])


def test_aimage_extent_full_and_empty(prod, oe):
    oe.make_db(prod)
    oe.refused(prod, "rfutil sports -C aimage extent full", [90046])
    oe.refused(prod, "rfutil sports -C aimage extent empty", [90046])
    oe.ok(prod, "rfutil sports -C aimage new")
    oe.ok(prod, "rfutil sports -C aimage new")
    assert oe.ok(prod, "rfutil sports -C aimage extent full").stdout == f"{prod.root}/sports.a1\n"
    oe.refused(prod, "rfutil sports -C aimage extent empty 3", [90045])
    oe.refused(prod, "rfutil sports -C aimage extent empty 7", [90047])
    oe.refused(prod, "rfutil sports -C aimage extent empty 1 2", [90010])
    result = oe.ok(prod, "rfutil sports -C aimage extent empty")
    assert result.stdout == f"Marked after-image extent {prod.root}/sports.a1 EMPTY. (3789)\n"
    assert oe.ok(prod, "rfutil sports -C aimage extent full").stdout == f"{prod.root}/sports.a2\n"
    oe.ok(prod, "proserve sports")
    online = oe.ok(prod, "rfutil sports -C aimage empty sports.a2")
    assert online.stdout == f"Marked after-image extent {prod.root}/sports.a2 EMPTY. (3789)\n"
    oe.ok(prod, "proshut sports -by")
    assert [status for _n, status, _p, _s in oe.ai_extents(prod, "sports")] == ["EMPTY", "EMPTY", "BUSY", "EMPTY"]
    log = prod.read_file("sports.lg").decode()
    assert re.findall(r" I (\w+ \d*): \(3789\) Marked after-image extent (\S+) EMPTY\.$", log, re.M) == [
        ("RFUTIL ", f"{prod.root}/sports.a1"),
        ("BROKER 0", f"{prod.root}/sports.a2"),
    ]  # offline and online
    oe.refused(prod, "rfutil sports -C aimage extent full", [90046])


def test_aimage_extent_empty_refuses_a_locked_extent(prod, oe):
    """A replication source's switched extent is LOCKED until replicated: not FULL, so never emptied (DOC)."""
    oe.make_db(prod)
    oe.ok(prod, "proutil sports -C enablesitereplication source")
    oe.ok(prod, "rfutil sports -C aimage new")
    assert [status for _n, status, _p, _s in oe.ai_extents(prod, "sports")][:2] == ["LOCKED", "BUSY"]
    before = oe.hashes(prod, "sports")
    locked = (
        f"After-image extent {prod.root}/sports.a1 is LOCKED by OpenEdge Replication (not yet replicated) "
        "and cannot be marked empty. (90130)"
    )
    for command in (
        "rfutil sports -C aimage extent empty 1",
        "rfutil sports -C aimage extent empty",
        "rfutil sports -C aimage empty sports.a1",
    ):
        assert oe.refused(prod, command, [90130]).stdout.splitlines()[-1] == locked
    oe.refused(prod, "rfutil sports -C aimage extent full", [90046])  # LOCKED is not FULL either
    assert oe.hashes(prod, "sports") == before
    oe.ok(prod, "proserve sports")
    oe.refused(prod, "rfutil sports -C aimage extent empty 1", [90130])  # online, through the broker
    oe.ok(prod, "proshut sports -by")
    assert oe.hashes(prod, "sports")["sports.a1"] == before["sports.a1"]
    assert [status for _n, status, _p, _s in oe.ai_extents(prod, "sports")][:2] == ["LOCKED", "BUSY"]


def test_aimage_scan(prod, oe):
    oe.make_db(prod)
    oe.commit(prod, "sports", 2)
    oe.ok(prod, "rfutil sports -C aimage new")
    oe.commit(prod, "sports", 1)
    oe.ok(prod, "rfutil sports -C aimage new")
    first = oe.ok(prod, "rfutil sports -C aimage scan -a sports.a1")
    assert oe.numbers(first) == [1633, 1640, 1642, 1643, 1634, 3785, 1635, 11138, 1636]
    lines = first.stdout.splitlines()
    assert lines[0] == "After-image dates for this after-image file: (1633)"
    assert lines[2] == "    This is aimage file number 1 since the last AIMAGE BEGIN. (1642)"
    assert lines[4:] == [
        "2 notes were processed. (1634)",
        "0 in-flight transactions. (3785)",
        "2 transactions were started. (1635)",
        "2 transactions were completed. (11138)",
        "At the end of the .ai file, 0 transactions were still active. (1636)",
    ]
    second = oe.ok(prod, "rfutil sports -C aimage scan verbose -a sports.a2")
    assert oe.numbers(second) == [1633, 1640, 1641, 1642, 1643, 12528, 12529, 1634, 3785, 1635, 11138, 1636]
    assert re.search(r"^Trid: 3 code = RL_TXN version = 1 commit time .* blocks 1 \(12528\)$", second.stdout, re.M)
    assert re.search(r"^Trid: 3 area = 7 dbkey = 1 update counter = 3 \(12529\)$", second.stdout, re.M)


def test_aimage_scan_refusals(prod, oe):
    oe.make_db(prod)
    oe.commit(prod, "sports", 3)
    oe.ok(prod, "rfutil sports -C aimage new")
    data = prod.read_file("sports.a1")
    last = [offset for offset, _payload in read_frames(data, aifile.HEADER_SIZE)][-1]
    prod.write_file("cut.a1", data[:last])  # cut at a note boundary: only the header's eof tells
    result = oe.refused(prod, "rfutil sports -C aimage scan -a cut.a1", [90051])
    assert result.stdout == f"Incomplete ai file detected, expected {len(data)}, got {last}. (90051)\n"
    oe.refused(prod, "rfutil sports -C aimage scan", [90010])
    oe.refused(prod, "rfutil sports -C aimage scan -a nowhere.a1", [43])
    # not an after-image file at all: what roll forward says of it (semantics §5.2 item 3), not "damaged"
    for other in ("sports.d1", "sports.db"):
        result = oe.refused(prod, f"rfutil sports -C aimage scan -a {other}", [90052])
        assert result.stdout == f"The file {other} is not the correct after-image file (90052)\n"
    prod.write_file("flipped.a1", _flip_note(data))  # an AI file whose notes are damaged is
    oe.refused(prod, "rfutil sports -C aimage scan -a flipped.a1", [90054])
    Path(prod.path("adir")).mkdir()
    result = oe.refused(prod, "rfutil sports -C aimage scan -a adir", [43])
    assert result.stdout == "** Cannot find or open file adir, errno = 21. (43)\n"  # EISDIR, the real errno
    oe.ok(prod, "proserve sports")
    oe.refused(prod, "rfutil sports -C aimage scan -a sports.a1", [276])
    oe.ok(prod, "proshut sports -by")


@pytest.mark.parametrize("qualifier", ["aimage frobnicate", "aimage", "roll backward", "mark", "aimage extent"])
def test_rfutil_unknown_qualifiers(prod, oe, qualifier):
    oe.make_db(prod)
    oe.refused(prod, f"rfutil sports -C {qualifier}", [90011])

"""Torn copies (semantics §6.6 F4): files of a running database copied at different moments are refused.

The refusal is 90001 (emulator-assigned: OpenEdge's own symptom is crash-recovery failure) and the copy is
left exactly as it was, so the DBA can take a proper copy instead.
"""

from __future__ import annotations

import pytest

from oedr.harness.openedge.dbfiles import extents

OPENERS = [
    "proutil sports -C truncate bi",
    "oeclient sports digest",
    "proserve sports",
    "rfutil sports -C sequence",
    "rfutil sports -C mark backedup",
    "proutil sports -C enablesitereplication target",
]


def _served_with_data(prod, oe) -> None:
    oe.make_db(prod)
    oe.ok(prod, "proserve sports")
    oe.commit(prod, "sports", 5)


def _assert_refused_unchanged(dr, oe) -> None:
    before = oe.hashes(dr, "sports")
    for command in OPENERS:
        result = oe.refused(dr, command, [90001])
        assert "the files were copied while the database was being written" in result.stdout
        assert oe.hashes(dr, "sports") == before, command
    assert "sports.lk" not in dr.list_files()


def test_bi_copied_before_more_commits_is_a_torn_copy(prod, dr, oe):
    _served_with_data(prod, oe)
    oe.copy_db(prod, dr, "sports", names=["sports.b1"])
    oe.commit(prod, "sports", 3)
    rest = [n for n in oe.db_files(prod, "sports") if n not in ("sports.b1", "sports.lk")]
    oe.copy_db(prod, dr, "sports", names=rest)
    oe.repair(dr, "sports", prod.root)  # repair does no crash recovery, so it does not notice
    _assert_refused_unchanged(dr, oe)
    oe.ok(prod, "proshut sports -by")


def test_a_block_torn_in_the_copy_is_refused(prod, dr, oe):
    _served_with_data(prod, oe)
    oe.copy_db(prod, dr, "sports")
    oe.repair(dr, "sports", prod.root)
    data = bytearray(dr.read_file("sports_7.d1"))
    block = extents.decode_block(bytes(data[4096:8192]), 1, 7)
    data[4096 + block.used() - 3] ^= 0xFF  # a half-written block: its checksum no longer matches
    dr.write_file("sports_7.d1", bytes(data))
    _assert_refused_unchanged(dr, oe)
    oe.ok(prod, "proshut sports -by")


@pytest.mark.parametrize("late", ["sports.db", "sports_7.d1"])
def test_a_file_copied_after_more_commits_is_refused(prod, dr, oe, late):
    _served_with_data(prod, oe)
    oe.copy_db(prod, dr, "sports", names=[n for n in oe.db_files(prod, "sports") if n not in (late, "sports.lk")])
    oe.commit(prod, "sports", 2)
    oe.copy_db(prod, dr, "sports", names=[late])
    oe.repair(dr, "sports", prod.root)
    _assert_refused_unchanged(dr, oe)
    oe.ok(prod, "proshut sports -by")


def test_a_copy_of_an_idle_running_database_recovers(prod, dr, oe):
    _served_with_data(prod, oe)
    expected = oe.digest(prod, "sports")
    oe.copy_db(prod, dr, "sports")  # nothing was written during the copy: consistent, just not closed
    oe.ok(prod, "proshut sports -by")
    oe.repair(dr, "sports", prod.root)
    assert oe.describe(dr, "sports")["Database State"] == "crashed (needs crash recovery)"
    assert oe.numbers(oe.ok(dr, "proutil sports -C truncate bi")) == [1526, 90031]
    assert oe.digest(dr, "sports") == expected

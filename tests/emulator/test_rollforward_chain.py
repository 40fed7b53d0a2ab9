"""A roll forward chain is spent by any other open (§5.3, §6.6 F5); oplock / opunlock; -ailist (§3.4).

Built on the history of test_rollforward (``chain``): a baseline OS copy whose files 3, 4, 5 follow it.
"""

from __future__ import annotations

import pytest
from test_rollforward import FIRST, HEADER, TOTALS, _rolled, chain  # noqa: F401 - chain is a fixture

DATES = [831, 832, 833, 11014]


@pytest.mark.parametrize(
    "opener",
    [
        "proserve sports",  # a broker started and shut down, no update made
        "oeclient sports digest",  # a single-user client that only reads
        "proutil sports -C truncate bi",
        "rfutil sports -C mark backedup",
    ],
)
def test_an_open_between_two_roll_forwards_spends_the_chain(chain, oe, opener):  # noqa: F811
    dr = chain.dr()
    _rolled(dr, oe, 3)
    oe.ok(dr, opener)
    if opener.startswith("proserve"):
        oe.ok(dr, "proshut sports -by")
    data = {k: v for k, v in oe.hashes(dr, "sports").items() if k != "sports.db"}
    result = oe.refused(dr, "rfutil sports -C roll forward -a arch/sports.4", DATES)
    assert result.stdout.splitlines()[-1] == "roll forward open arch/sports.4 error: -1. (11014)"
    oe.refused(dr, "rfutil sports -C roll forward retry -a arch/sports.4", DATES)  # no way round it
    assert {k: v for k, v in oe.hashes(dr, "sports").items() if k != "sports.db"} == data
    assert oe.digest(dr, "sports") == chain.digests[7]  # what file 3 gave, nothing more


def test_the_restored_copy_may_be_opened_before_its_first_roll_forward(chain, oe):  # noqa: F811
    """The chain begins with the first file applied: reading the restored copy first spends nothing."""
    dr = chain.dr()
    oe.ok(dr, "oeclient sports digest")
    _rolled(dr, oe, 3)
    _rolled(dr, oe, 4)
    assert oe.digest(dr, "sports") == chain.digests[10]


def test_after_the_last_file_the_database_is_started_and_a_new_chain_begins(chain, oe):  # noqa: F811
    """The failover of §6.4 step 6 still works: the spend does not leave the database changed since backup."""
    dr = chain.dr()
    _rolled(dr, oe, 3)
    _rolled(dr, oe, 4)
    oe.ok(dr, "rfutil sports -C mark backedup")
    oe.ok(dr, "rfutil sports -C aimage begin")
    oe.ok(dr, "proserve sports")
    oe.commit(dr, "sports", 1)
    oe.ok(dr, "proshut sports -by")
    assert oe.records(dr, "sports") == 11


def test_an_interrupted_roll_forward_without_oplock_may_be_started_and_is_then_spent(chain, oe):  # noqa: F811
    dr = chain.dr()
    _rolled(dr, oe, 3)
    killed = dr.run("rfutil sports -C roll forward -a arch/sports.4", env={"OEDR_FAULT": "rollforward:2"})
    assert killed.exit_status == -9
    oe.ok(dr, "proserve sports")  # OpenEdge does not protect it unless oplock was asked for
    oe.ok(dr, "proshut sports -by")
    assert oe.describe(dr, "sports")["Roll Forward In Progress"] == "no"
    oe.refused(dr, "rfutil sports -C roll forward retry -a arch/sports.4", DATES)
    oe.refused(dr, "rfutil sports -C roll forward -a arch/sports.4", DATES)
    oe.refused(dr, "rfutil sports -C roll forward -a arch/sports.5", [8019, 11014])


def test_oplock_protects_until_opunlock_which_spends_the_chain(chain, oe):  # noqa: F811
    dr = chain.dr()
    oe.refused(dr, "rfutil sports -C roll opunlock", [90135])  # nothing to unlock
    oe.refused(dr, "rfutil sports -C roll opunlock now", [90010])
    assert oe.numbers(oe.ok(dr, "rfutil sports -C roll forward oplock -a arch/sports.3")) == (
        [90131, *HEADER, *TOTALS, *FIRST]
    )
    assert oe.numbers(oe.ok(dr, "rfutil sports -C roll forward -a arch/sports.4")) == HEADER + TOTALS
    before = oe.hashes(dr, "sports")
    oe.refused(dr, "oeclient sports digest", [90131, 90132])
    oe.refused(dr, "proutil sports -C truncate bi", [90131, 90132])
    assert oe.hashes(dr, "sports") == before
    log = dr.read_file("sports.lg").decode()
    assert "(90131) Target database has been locked during roll forward process." in log
    assert oe.numbers(oe.ok(dr, "rfutil sports -C roll opunlock")) == [90133, 90134]
    assert oe.digest(dr, "sports") == chain.digests[10]
    oe.refused(dr, "rfutil sports -C roll forward -a arch/sports.5", DATES)  # DOC: further roll forward fails
    oe.refused(dr, "rfutil sports -C roll opunlock", [90135])


def test_oplock_through_retry_and_the_interrupted_file_is_finished(chain, oe):  # noqa: F811
    dr = chain.dr()
    killed = dr.run("rfutil sports -C roll forward oplock -a arch/sports.3", env={"OEDR_FAULT": "rollforward:1"})
    assert killed.exit_status == -9
    oe.refused(dr, "proserve sports", [90131, 90132])
    retried = oe.numbers(oe.ok(dr, "rfutil sports -C roll forward retry oplock -a arch/sports.3"))
    assert retried[-len(HEADER + TOTALS) :] == HEADER + TOTALS  # after crash recovery's lines
    _rolled(dr, oe, 4)
    _rolled(dr, oe, 5)
    assert oe.numbers(oe.ok(dr, "rfutil sports -C roll opunlock")) == [90133, 90134]
    assert oe.digest(dr, "sports") == chain.digests[14]


def test_ailist_applies_the_listed_files_in_sequence_order(chain, oe):  # noqa: F811
    dr = chain.dr()
    dr.write_file(
        "files.txt",
        b"# the archive, in any order\narch/sports.5\n\n: a comment\n"
        b"arch/sports.3\n* another\nreadme.txt\narch/sports.4\n",
    )
    dr.write_file("readme.txt", b"not an after-image file\n")
    result = oe.ok(dr, "rfutil sports -C roll forward -ailist files.txt")
    numbers = oe.numbers(result)
    assert numbers == [90136] + HEADER + TOTALS + FIRST + 2 * (HEADER + TOTALS)
    begins = [line for line in result.stdout.splitlines() if line.startswith("***Beginning")]
    assert begins == [f"***Beginning processing of After-image extent arch/sports.{n} (17047)" for n in (3, 4, 5)]
    assert result.stdout.splitlines()[0] == "WARNING: readme.txt is not an after-image file; it is skipped. (90136)"
    assert oe.digest(dr, "sports") == chain.digests[14]


def test_ailist_stops_at_the_first_refusal_keeping_the_files_before_it(chain, oe):  # noqa: F811
    dr = chain.dr()
    dr.write_file("gap.txt", b"arch/sports.3\narch/sports.5\n")
    result = oe.refused(dr, "rfutil sports -C roll forward -ailist gap.txt", HEADER + TOTALS + FIRST + [8019, 11014])
    assert "Expected ai file number 4 but file specified is 5 in sequence. (8019)" in result.stdout
    assert oe.records(dr, "sports") == 7  # file 3 stays applied (the describe reads, it does not open)
    dr.write_file("rest.txt", b"arch/sports.4\narch/sports.5\n")
    oe.ok(dr, "rfutil sports -C roll forward -ailist rest.txt")
    assert oe.digest(dr, "sports") == chain.digests[14]
    dr.write_file("none.txt", b"# nothing\nreadme.txt\n")
    dr.write_file("readme.txt", b"not an after-image file\n")
    oe.refused(dr, "rfutil sports -C roll forward -ailist none.txt", [90136, 90137])
    dr.write_file("missing.txt", b"arch/sports.9\n")
    oe.refused(dr, "rfutil sports -C roll forward -ailist missing.txt", [43, 11014])

"""KB-P121756 rule 2 (semantics §2.1): probkup adjusts the expected AI sequence of the database it backs up.

Production's expected sequence stays 1 while AI switches, until a probkup (online or offline, full or
incremental) aligns it with the file that follows the backup; an OS copy taken afterwards starts from there.
"""

from __future__ import annotations

FOUR_VARIABLE_AI = "b .\nd .\na .\na .\na .\na .\n"


def test_probkup_aligns_productions_expected_sequence(prod, oe):
    oe.make_db(prod, st=FOUR_VARIABLE_AI)
    oe.ok(prod, "proserve sports")
    oe.commit(prod, "sports", 2)
    oe.ok(prod, "rfutil sports -C aimage new")
    oe.ok(prod, "rfutil sports -C aimage new")
    assert oe.counters(prod, "sports") == ("enabled", 3, 1)  # switches do not move it (rule 1 only)
    oe.ok(prod, "probkup online sports full.bck")
    assert oe.counters(prod, "sports") == ("enabled", 4, 4)  # the file the online backup switched to
    oe.commit(prod, "sports", 1)
    oe.ok(prod, "rfutil sports -C aimage extent empty 1")
    oe.ok(prod, "rfutil sports -C aimage new")
    assert oe.counters(prod, "sports") == ("enabled", 5, 4)
    oe.ok(prod, "proshut sports -by")
    oe.ok(prod, "proutil sports -C truncate bi")
    oe.ok(prod, "probkup sports incremental incr.bck")  # offline: no switch, the BUSY file is expected
    assert oe.counters(prod, "sports") == ("enabled", 5, 5)


def test_a_failed_probkup_leaves_the_expected_sequence_alone(prod, oe):
    oe.make_db(prod, st=FOUR_VARIABLE_AI)
    oe.ok(prod, "rfutil sports -C aimage new")
    oe.refused(prod, "probkup sports incremental first.bck", [90061])  # no full backup yet
    assert oe.counters(prod, "sports") == ("enabled", 2, 1)


def test_an_os_copy_after_a_probkup_expects_the_file_after_that_backup(prod, dr, oe):
    """8019 on such a copy, restored without ``sequence``, names the file the backup started, not 1."""
    oe.make_db(prod, st=FOUR_VARIABLE_AI)
    oe.ok(prod, "proserve sports")
    oe.commit(prod, "sports", 2)
    oe.ok(prod, "probkup online sports full.bck")  # switches 1 -> 2; production now expects 2
    oe.commit(prod, "sports", 2)
    oe.ok(prod, "proshut sports -by")
    oe.ok(prod, "proutil sports -C truncate bi")
    oe.ok(prod, "rfutil sports -C aimage new")  # KB-P115048 offline copy: 2 -> 3
    oe.copy_db(prod, dr, "sports")
    oe.ok(prod, "rfutil sports -C mark backedup")
    oe.ok(prod, "proserve sports")
    oe.commit(prod, "sports", 3)
    oe.ok(prod, "rfutil sports -C aimage new")
    dr.write_file("arch/sports.3", prod.read_file("sports.a3"))
    oe.repair(dr, "sports", prod.root)
    assert oe.counters(dr, "sports") == ("enabled", 3, 2)
    result = oe.refused(dr, "rfutil sports -C roll forward -a arch/sports.3", [663, 648, 659, 846, 8019, 11014])
    assert "Expected ai file number 2 but file specified is 3 in sequence. (8019)" in result.stdout.splitlines()
    oe.ok(prod, "proshut sports -by")

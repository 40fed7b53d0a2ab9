"""The online OS copy at a ``proquiet enable nolock`` quiet point, finished with roll forward retry (§3.7, §6.3).

With nolock there is no AI switch: the extent BUSY at the quiet point holds notes from before the copy
(already in it) and after it. A plain roll forward refuses that file by its dates; ``roll forward retry``
(no date check, GEMINI) applies the notes the copy does not hold, and the later files follow in order.
"""

from __future__ import annotations

FOUR_VARIABLE_AI = "b .\nd .\na .\na .\na .\na .\n"


def _nolock_copy(prod, dr, oe) -> tuple[int, str]:
    """Production's history around a nolock quiet point; the copy and AI files 1 and 2 on DR."""
    oe.make_db(prod, st=FOUR_VARIABLE_AI)
    oe.ok(prod, "proserve sports")
    oe.commit(prod, "sports", 3)
    oe.ok(prod, "proquiet sports enable nolock")
    assert oe.counters(prod, "sports") == ("enabled", 1, 1)  # no switch
    oe.copy_db(prod, dr, "sports")  # the database is open: a crash-recovery copy (its .lk left behind)
    oe.ok(prod, "proquiet sports disable")
    oe.commit(prod, "sports", 3)  # into file 1 too, after the copy
    oe.ok(prod, "rfutil sports -C aimage new")
    oe.commit(prod, "sports", 2)
    oe.ok(prod, "rfutil sports -C aimage new")
    for seq in (1, 2):
        dr.write_file(f"arch/sports.{seq}", prod.read_file(f"sports.a{seq}"))
    oe.repair(dr, "sports", prod.root)
    sequence = oe.ok(dr, "rfutil sports -C sequence").stdout.splitlines()
    assert sequence == [
        "The BI file is being automatically truncated. (1526)",  # crash recovery of the copy
        "Ai sequence 1 changed to 1 (12428)",
    ]
    result = oe.digest(prod, "sports")
    oe.ok(prod, "proshut sports -by")
    return result


def test_the_file_busy_at_a_nolock_quiet_point_is_finished_with_retry(prod, dr, oe):
    production = _nolock_copy(prod, dr, oe)
    assert oe.records(dr, "sports") == 3
    result = oe.ok(dr, "rfutil sports -C roll forward retry -a arch/sports.1")
    assert "3 notes were processed. (1634)" in result.stdout.splitlines()  # the 3 after the copy only
    assert oe.records(dr, "sports") == 6
    oe.ok(dr, "rfutil sports -C roll forward -a arch/sports.2")
    assert oe.digest(dr, "sports") == production


def test_a_plain_roll_forward_of_that_file_is_refused_by_its_dates(prod, dr, oe):
    _nolock_copy(prod, dr, oe)
    data = {k: v for k, v in oe.hashes(dr, "sports").items() if k != "sports.db"}
    oe.refused(dr, "rfutil sports -C roll forward -a arch/sports.1", [663, 648, 659, 846, 831, 832, 833, 11014])
    assert {k: v for k, v in oe.hashes(dr, "sports").items() if k != "sports.db"} == data
    assert oe.records(dr, "sports") == 3

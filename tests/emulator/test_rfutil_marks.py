"""rfutil -C mark backedup and rfutil -C sequence (semantics §2.1, §3.4; KB-P102501, KB-P121756)."""

from __future__ import annotations


def test_mark_backedup_counts_backups_and_clears_changed(prod, oe):
    oe.make_db(prod, ai=False)
    assert (oe.describe(prod, "sports")["Backup Counter"], oe.describe(prod, "sports")["Changed Since Backup"]) == (
        "0",
        "yes",
    )
    result = oe.ok(prod, "rfutil sports -C mark backedup")
    assert result.stdout == "Database sports marked as backed up. (90048)\n"
    facts = oe.describe(prod, "sports")
    assert (facts["Backup Counter"], facts["Changed Since Backup"]) == ("1", "no")
    oe.commit(prod, "sports", 1)
    assert oe.describe(prod, "sports")["Changed Since Backup"] == "yes"
    oe.ok(prod, "rfutil sports -C mark backedup")
    facts = oe.describe(prod, "sports")
    assert (facts["Backup Counter"], facts["Changed Since Backup"]) == ("2", "no")
    assert oe.log_numbers(prod, "sports")[-3:] == [451, 90048, 334]


def test_mark_backedup_refusals(prod, oe):
    oe.refused(prod, "rfutil ghost -C mark backedup", [43])
    oe.make_db(prod, ai=False)
    oe.refused(prod, "rfutil sports -C mark backedup now", [90010])
    oe.refused(prod, "rfutil sports -C mark", [90011])
    oe.ok(prod, "proserve sports")
    oe.refused(prod, "rfutil sports -C mark backedup", [276])
    oe.ok(prod, "proshut sports -by")
    assert oe.describe(prod, "sports")["Backup Counter"] == "0"


def test_sequence_aligns_expected_with_current(prod, dr, oe):
    oe.make_db(prod)
    oe.commit(prod, "sports", 1)
    oe.ok(prod, "rfutil sports -C aimage new")
    oe.ok(prod, "rfutil sports -C aimage new")
    oe.copy_db(prod, dr, "sports")
    oe.repair(dr, "sports", prod.root)
    assert oe.counters(dr, "sports") == ("enabled", 3, 1)
    result = oe.ok(dr, "rfutil sports -C sequence")
    assert result.stdout == "Ai sequence 1 changed to 3 (12428)\n"
    assert oe.counters(dr, "sports") == ("enabled", 3, 3)
    assert oe.log_numbers(dr, "sports")[-3:] == [451, 12428, 334]
    assert " I RFUTIL : (12428) Ai sequence 1 changed to 3\n" in dr.read_file("sports.lg").decode()
    assert oe.ok(dr, "rfutil sports -C aimage sequence").stdout == "Ai sequence 3 changed to 3 (12428)\n"


def test_sequence_is_refused_once_the_first_roll_forward_disabled_ai(prod, dr, oe):
    oe.make_db(prod)
    oe.commit(prod, "sports", 1)
    oe.ok(prod, "rfutil sports -C aimage new")  # file 2 is BUSY and empty: a clean boundary for the copy
    oe.copy_db(prod, dr, "sports")
    oe.commit(prod, "sports", 2)
    oe.ok(prod, "rfutil sports -C aimage new")
    dr.write_file("arch/sports.2.a2", prod.read_file("sports.a2"))
    oe.repair(dr, "sports", prod.root)
    oe.ok(dr, "rfutil sports -C sequence")
    rolled = oe.ok(dr, "rfutil sports -C roll forward -a arch/sports.2.a2")
    assert oe.numbers(rolled)[0] == 17047
    assert oe.numbers(rolled)[-4:] == [663, 648, 659, 846]  # KB-P115048 ends the roll forward with them
    assert oe.counters(dr, "sports") == ("disabled", 0, 3)
    oe.refused(dr, "rfutil sports -C sequence", [90041])
    assert oe.digest(dr, "sports") == oe.digest(prod, "sports")


def test_sequence_refusals(prod, oe):
    oe.make_db(prod, ai=False)
    oe.refused(prod, "rfutil sports -C sequence", [90041])
    oe.refused(prod, "rfutil sports -C sequence 5", [90010])
    oe.refused(prod, "rfutil ghost -C sequence", [43])
    oe.ok(prod, "rfutil sports -C mark backedup")
    oe.ok(prod, "rfutil sports -C aimage begin")
    oe.ok(prod, "proserve sports")
    oe.refused(prod, "rfutil sports -C sequence", [276])
    oe.ok(prod, "proshut sports -by")
    assert oe.counters(prod, "sports") == ("enabled", 1, 1)

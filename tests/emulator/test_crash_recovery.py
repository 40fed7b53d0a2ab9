"""Crash recovery from the BI after a SIGKILL (semantics §1.3): committed work stays, uncommitted work goes.

The ledger rule: every trid a client printed as committed is in the database after recovery, and the
digest up to the last printed trid equals that of a reference database that committed the same trids.
"""

from __future__ import annotations

from oedr.harness.openedge.waiting import poll_until


def _reference(host, oe, count: int) -> tuple[int, str]:
    """The digest of a database that committed trids 1..count and nothing else."""
    oe.make_db(host, "reference", ai=False)
    if count:
        oe.commit(host, "reference", count)
    return oe.digest(host, "reference")


def test_sigkill_before_commit_loses_only_the_uncommitted_transaction(prod, oe):
    oe.make_db(prod)
    assert oe.commit(prod, "sports", 3) == [1, 2, 3]
    committed = oe.digest(prod, "sports")
    killed = prod.run("oeclient sports commit --count 2", env={"OEDR_FAULT": "before-commit"})
    assert (killed.exit_status, killed.stdout) == (-9, "")
    facts = oe.describe(prod, "sports")
    assert facts["Database State"] == "crashed (needs crash recovery)"
    assert oe.digest(prod, "sports") == committed  # the open for the digest ran crash recovery
    assert oe.log_numbers(prod, "sports")[-6:] == [4194, 5326, 7161, 5331, 90005, 1526]
    assert prod.read_file("sports.lg").decode().count("Crash recovery rolled back 1 uncommitted transaction(s).") == 1
    assert oe.describe(prod, "sports")["Records"] == "3"
    assert oe.scan_trids(prod, "sports", "sports.a1") == [1, 2, 3]  # nothing uncommitted reached the AI
    assert oe.commit(prod, "sports", 1) == [5]


def test_sigkill_after_the_bi_commit_keeps_the_transaction_and_its_ai_note(prod, oe):
    oe.make_db(prod)
    oe.commit(prod, "sports", 2)
    killed = prod.run("oeclient sports commit", env={"OEDR_FAULT": "after-bi-commit"})
    assert (killed.exit_status, killed.stdout) == (-9, "")
    assert oe.scan_trids(prod, "sports", "sports.a1") == [1, 2]  # the AI note was not written yet
    recovered = oe.ok(prod, "proutil sports -C truncate bi")
    assert oe.numbers(recovered) == [1526, 90031]
    assert oe.digest(prod, "sports") == _reference(prod, oe, 3)
    assert oe.scan_trids(prod, "sports", "sports.a1") == [1, 2, 3]  # crash recovery caught the AI up
    assert 5331 not in oe.log_numbers(prod, "sports")  # nothing to undo


def test_kill_9_of_the_broker_under_load_keeps_every_printed_trid(prod, dr, oe):
    oe.make_db(prod)
    oe.ok(prod, "proserve sports")
    load = prod.start_background("oeclient sports load --seconds 60")
    try:
        poll_until(lambda: oe.records(prod, "sports") >= 15, timeout=30, what="the load to commit")
        oe.kill_9(prod, oe.broker_pid(prod, "sports"))
        ended = oe.finish(load)
    finally:
        oe.stop_job(load)
    assert ended.exit_status == 1, ended.describe()
    assert ended.stdout.splitlines()[-1] == "There is no server for database sports. (1423)"
    printed = oe.trids(ended)
    assert printed == list(range(1, len(printed) + 1))
    assert len(printed) >= 15
    oe.refused(prod, "proutil sports -C busy", [276], status=6)  # the dead broker's .lk is still there
    count, _digest = oe.digest(prod, "sports")
    assert count in (len(printed), len(printed) + 1)  # one more may have committed as the reply was lost
    assert oe.digest(prod, "sports", upto=printed[-1]) == _reference(dr, oe, len(printed))
    log = oe.log_numbers(prod, "sports")
    assert log[log.index(4194) :][:3] == [4194, 5326, 7161]
    assert 1526 in log[log.index(4194) :]
    in_ai = oe.scan_trids(prod, "sports", "sports.a1")
    assert in_ai == list(range(1, count + 1))  # every committed transaction is in the AI file too


def test_proshut_byF_under_load_then_truncate_bi_recovers(prod, dr, oe):
    oe.make_db(prod)
    oe.ok(prod, "proserve sports")
    load = prod.start_background("oeclient sports load --seconds 60")
    try:
        # 11 in the database: at most the last one's reply can be lost to the shutdown, so 10 were printed
        poll_until(lambda: oe.records(prod, "sports") >= 11, timeout=30, what="the load to commit")
        oe.ok(prod, "proshut sports -byF")
        ended = oe.finish(load)
    finally:
        oe.stop_job(load)
    printed = oe.trids(ended)
    assert ended.exit_status == 1, ended.describe()
    assert len(printed) >= 10, ended.describe()
    assert oe.describe(prod, "sports")["Database State"] == "crashed (needs crash recovery)"
    assert oe.numbers(oe.ok(prod, "proutil sports -C truncate bi")) == [1526, 90031]
    assert oe.describe(prod, "sports")["Database State"] == "closed"
    assert oe.digest(prod, "sports", upto=printed[-1]) == _reference(dr, oe, len(printed))
    assert oe.records(prod, "sports") in (len(printed), len(printed) + 1)


def test_crash_recovery_runs_once(prod, oe):
    oe.make_db(prod, ai=False)
    oe.commit(prod, "sports", 1)
    prod.run("oeclient sports commit", env={"OEDR_FAULT": "before-commit"})
    started = oe.ok(prod, "proserve sports")
    assert oe.numbers(started) == [333, 1526]
    oe.ok(prod, "proshut sports -by")
    assert oe.numbers(oe.ok(prod, "proserve sports")) == [333]
    oe.ok(prod, "proshut sports -by")
    assert oe.log_numbers(prod, "sports").count(1526) == 1


def test_crash_recovery_writes_no_transaction_from_before_aimage_begin_to_the_ai(prod, dr, oe):
    """The BI still holds transactions committed before AIMAGE BEGIN; they belong to the backup, not the AI."""
    oe.make_db(prod, ai=False)
    oe.commit(prod, "sports", 3)
    oe.ok(prod, "rfutil sports -C mark backedup")
    oe.ok(prod, "rfutil sports -C aimage begin")
    oe.copy_db(prod, dr, "sports")  # the backup the AI chain starts from
    oe.ok(prod, "proserve sports")
    oe.ok(prod, "proshut sports -byF")
    oe.ok(prod, "proutil sports -C truncate bi")  # crash recovery, with nothing new to catch up
    assert oe.scan_trids(prod, "sports", "sports.a1") == []
    oe.commit(prod, "sports", 2)
    oe.ok(prod, "rfutil sports -C aimage new")
    assert oe.scan_trids(prod, "sports", "sports.a1") == [4, 5]
    oe.repair(dr, "sports", prod.root)
    dr.write_file("sports.1", prod.read_file("sports.a1"))
    oe.ok(dr, "rfutil sports -C roll forward -a sports.1")
    assert oe.digest(dr, "sports") == oe.digest(prod, "sports")
    assert oe.records(dr, "sports") == 5
